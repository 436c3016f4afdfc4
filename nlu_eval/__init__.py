"""Measuring how well the assistant understands: cross-validation, held-out and robustness
figures, and the pipeline comparison. Evaluation code only; nothing here runs in the assistant."""
