"""``canvas.csv``: the grades in the layout Canvas's gradebook import takes (Grades > Import).

    Student,ID,SIS User ID,SIS Login ID,Section,<assignment>
    Points Possible,,,,,75.5
    Ada Lovelace,51000,2026001,alovelace1,L01,70.5

Canvas matches each row to a student by ``ID`` (its numeric user id), else ``SIS User ID``, else
``SIS Login ID``; ``Student`` is only shown. The assignment column's header is the assignment's name
in Canvas, with its Canvas id in parentheses to fill an existing assignment (``RNN lab (123456)``,
as Canvas's own export writes it); a name Canvas does not know makes a new assignment. The score is
the final one (after the late penalty). Students without a grade (no submission, grader error, not
graded yet) are left out: Canvas leaves their cells as they are.
"""

from __future__ import annotations

import csv
import io

from .gradebook import POINTS_POSSIBLE, ClassBook, _fmt

HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def canvas_csv(book: ClassBook, column: str | None = None) -> tuple[str, list[str]]:
    """(the CSV text, the ids of rows Canvas cannot match: no Canvas id, SIS User ID or login)."""
    column = column or book.title
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*HEADER, column])
    writer.writerow([POINTS_POSSIBLE, "", "", "", "", _fmt(book.max_score)])
    rows, unmatched = [], []
    for e in book.entries:
        if e.final is None:
            continue
        for p in e.sub.people:
            if not (p.canvas_id or p.sid or p.login):
                unmatched.append(p.id)
            rows.append([p.name or p.id, p.canvas_id, p.sid, p.login, p.section, _fmt(e.final)])
    for row in sorted(rows, key=lambda r: (r[4], r[0], r[1], r[2])):
        writer.writerow(row)
    return buf.getvalue(), sorted(unmatched)
