"""The grading engine of the RNN assignment kit.

Instructor flow:  solutions/ --(strip)--> student_templates/ --(dist)--> dist/<assignment>/
Grading flow:     submission --> sandboxed worker --> trusted checks --> results.json
"""

__version__ = "0.1.0"
