"""Custom Rasa NLU components of eVejleder."""
