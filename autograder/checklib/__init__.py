"""What check files import: tolerances, comparisons, numerical gradients and Hypothesis strategies.

Pure numpy + Hypothesis; nothing here knows about the sandbox, so the same checks run for a
student (direct import of their files) and in the grader (calls through the sandboxed worker).
"""
