"""python -m bot.language PATH: build and save the Danish spaCy pipeline for Rasa."""
import sys
from pathlib import Path

from bot.language.pipeline import save_pipeline

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/spacy_da")
    save_pipeline(target)
    print(f"Danish spaCy pipeline saved to {target}")
