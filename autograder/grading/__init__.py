"""Grading one submission (SPEC section 8): the grader's side only, never shipped to students.

    submission --staging.py (whitelisted files)--> sandbox.py + worker.py (student code, unprivileged)
               <--wire.py (plain data)--> remote.py (the submission as the checks see it)
               --> grade.py (reference + runner.collector: trusted checks) --> results.json
    command.py  the command line that starts one grading (used by the batch, the bench and the tests)
"""
