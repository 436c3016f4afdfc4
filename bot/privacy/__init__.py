"""Personal data, handled in one place: the detector of contact details and CPR-like numbers
(detect.py), masking for the console (masking.py), the redaction of Rasa's stored conversations
(rasa_records.py) and the retention purge (retention.py).

A leaf below hand-off, insight and the web app: it imports none of them (tests/test_layers.py).
"""
