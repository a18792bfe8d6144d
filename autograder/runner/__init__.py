"""Running check files into results: what student tools and the grader share (no sandbox here).

    collector.py  pytest + the checks' plugin -> Results (one entry per declared check)
    results.py    Gradescope's results.json (every check listed, failure by default, atomic write)
    report.py     the terminal report of a run
"""
