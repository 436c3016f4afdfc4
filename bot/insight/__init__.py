"""Insight for the guidance team: figures read from Rasa's tracker store, and the review queue."""
