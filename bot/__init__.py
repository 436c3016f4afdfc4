"""eVejleder domain package: knowledge store, hand-off and web console (never imports rasa_sdk)."""
