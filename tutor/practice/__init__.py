"""Practice: grading predictions of the four item kinds, and scheduling reviews with FSRS.

Pure Python (no Textual): the practice screen, the review screen and the CLI all call it.
"""
