"""Grade a whole class: every submission in an export, in parallel, resumable.

    export (exports.py reads it)          output/
      Gradescope: submission_<id>/ + yml  --grade-->  <student>/results.json  (Gradescope format, as `grade` writes it)
      Canvas: flat <name>_<uid>_<sid>_<file>          <student>/feedback.md   (what the student reads; .html too)
      folders: alice/, bob.zip, ...                   <student>/grading.json  (content hash, grader hash, time, status)
                                                      gradebook.csv, canvas.csv, checks.csv, report.html

``<student>`` is the student's id (roster id, Gradescope SID, Canvas user id, or the entry's name).
Each submission is graded by ``python -m autograder grade``'s command line (the real grader, with its
sandboxed worker) in a process of its own, forked from a warm grade-server (``warm.py``: the imports
paid once per job), ``jobs`` at a time. A grader process that runs past ``timeout_s`` gets SIGTERM
(it stops calling student code and cleans up) and, ``STOP_GRACE_S`` later, SIGKILL with its process
group; it and a grader that dies are recorded as a failed result with a grader-error entry (retried
on the next run); the batch goes on.

Resumable: a submission is skipped when its ``grading.json`` records a finished grading of the same
student files (SHA-256 of the files the grader would take) by the same grader (SHA-256 of the
assignment's checks, manifest, reference solutions, the check library and the grading options).
Each result is moved into place atomically and ``grading.json`` is written last, so a crash or a
``kill -9`` of the batch loses nothing already graded. Grader errors are retried on the next run.
``students`` (``--student``) regrades exactly the students named, and leaves everyone else as they are.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import __version__
from .. import manifest as manifests
from ..paths import KIT_ROOT
from ..grading.command import grade_command
from ..grading import scratch
from ..grading.cpu import NO_PIN_ENV
from ..grading.staging import SubmissionError, stage_submission
from ..runner.results import GRADER_ENTRY, Results, grader_failure, write_atomic
from .exports import Discovery, read_export
from .gradebook import feedback_markdown
from .roster import Roster, RosterError, Submission, load_roster
from .warm import WarmGraders

DEFAULT_TIMEOUT_S = 1800.0  # per submission; a buggy recurrent backward can take minutes on a loaded machine
INPUTS = ".inputs"  # <out>/.inputs/<student>/: a Canvas student's files put together
RECORD = "grading.json"
RESULTS = "results.json"
FEEDBACK = "feedback.md"
STDERR_TAIL = 4000
STOP_GRACE_S = 15.0  # after SIGTERM at the time limit: a call in flight ends (its own limit), cleanup runs
PR_SET_PDEATHSIG = 1


class BatchError(ValueError):
    """The batch cannot start (unknown assignment, missing submissions folder, no submission found,
    unknown ``--student``, unreadable roster)."""


@dataclass
class Record:
    """What ``grading.json`` holds for one student (written after the results, atomically)."""

    student: str
    source: str  # the entry's name in the submissions folder
    status: str  # "graded" or "grader error"
    score: float
    max_score: float
    seconds: float
    submission_sha256: str
    grader_sha256: str
    finished_at: str
    detail: str = ""  # for grader errors: what happened

    @classmethod
    def load(cls, path: Path) -> "Record | None":
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None


@dataclass
class BatchSummary:
    """What one run of the batch did."""

    assignment: str
    output: Path
    students: list[str] = field(default_factory=list)  # every submission found, sorted
    graded: list[str] = field(default_factory=list)  # graded in this run (including grader errors)
    skipped: list[str] = field(default_factory=list)  # unchanged since an earlier run
    errors: list[str] = field(default_factory=list)  # grader errors in this run
    ignored: list[str] = field(default_factory=list)  # entries that are not submissions
    wall_s: float = 0.0
    jobs: int = 1
    grader_changed: bool = False  # the checks or reference were edited during the run (rerun: all regraded)
    layout: str = "folders"  # "gradescope", "canvas" or "folders"
    unidentified: list[str] = field(default_factory=list)  # "<entry>: <why>": whose it is is not known
    missing: list[str] = field(default_factory=list)  # roster ids without a submission
    notes: list[str] = field(default_factory=list)  # the export reader's other remarks
    requested: list[str] = field(default_factory=list)  # --student: the ids asked for
    discovery: Discovery | None = field(default=None, repr=False)  # what was found (not in batch.json)
    #: the students canvas.csv gives no Canvas id, SIS User ID or login (set by the report; not in batch.json)
    canvas_unmatched: list[str] = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k not in ("discovery", "canvas_unmatched")}
        data["output"] = str(self.output)
        return data


def discover(folder: Path, files: list[str] = (), roster: Roster | None = None,
             work: Path | None = None) -> tuple[list[Submission], list[str]]:
    """The submissions in ``folder`` (a Gradescope export, a Canvas bulk download or one folder or
    ``.zip`` per student: ``exports.read_export``). Returns the submissions (sorted by student) and
    the names of ignored entries and unidentified files (hidden entries are skipped silently)."""
    found = read_export(Path(folder), list(files), roster, work)
    return found.submissions, found.ignored + found.ungraded


def select(subs: list[Submission], wanted: list[str], without: tuple = ()) -> list[Submission]:
    """The submissions ``wanted`` names (by any identifier: student id, SID, email, Canvas id, login,
    the export's entry name). Raises BatchError naming the known students for an unknown one, or
    saying that one is on the roster without a submission (``without``: those roster people)."""
    chosen: dict[str, Submission] = {}
    unknown = []
    for want in wanted:
        w = want.strip()
        hits = [s for s in subs if w in s.identifiers() or w.lower() in (x.lower() for x in s.identifiers())]
        if not hits:
            unknown.append(want)
        for s in hits[:1]:
            chosen[s.student] = s
    absent = [u for u in unknown if any(u.strip().lower() in (x.lower() for x in p.identifiers()) for p in without)]
    if absent:
        raise BatchError(f"{', '.join(repr(u) for u in absent)}: on the roster, but handed in nothing: "
                         "there is no submission to grade")
    if unknown:
        import difflib

        known = sorted(s.student for s in subs)
        everything = sorted({x for s in subs for x in s.identifiers()})
        close = [c for u in unknown for c in difflib.get_close_matches(u, everything, n=3, cutoff=0.6)]
        hint = f" (did you mean {', '.join(dict.fromkeys(close))}?)" if close else ""
        raise BatchError(f"unknown student {', '.join(repr(u) for u in unknown)}{hint}; the {len(known)} students "
                         f"with a submission are: {', '.join(known)}")
    return sorted(chosen.values(), key=lambda s: s.student)


def submission_hash(path: Path, files: list[str], accept_numbered_copies: bool = False) -> str:
    """SHA-256 of the student files the grader would take from ``path`` (names and bytes)."""
    stage = stage_submission(path, files, accept_numbered_copies=accept_numbered_copies)
    try:
        digest = hashlib.sha256()
        for name in sorted(stage.present):
            data = (stage.folder / name).read_bytes()
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
        for note in stage.notes:  # e.g. a file ignored for being a symlink changes the grade too
            digest.update(f"note\0{note}\0".encode())
        return digest.hexdigest()
    finally:
        shutil.rmtree(stage.folder, ignore_errors=True)


#: The parts of the package that grading one submission runs (a change to one regrades everyone).
GRADING_CODE = ("checklib", "runner", "grading", "manifest.py", "paths.py", "__init__.py")


def grader_hash(manifest: manifests.Manifest, options: dict) -> str:
    """SHA-256 of what decides a grade besides the submission: every file of the assignment that can
    change a score (``Manifest.score_files``: manifest, checks and their modules, worked examples,
    expected values, data, reference, provided files), the grading code, the kit version and the
    grading options. A change to any of them regrades everyone."""
    digest = hashlib.sha256(json.dumps({"version": __version__, **options}, sort_keys=True).encode())
    package = KIT_ROOT / "autograder"
    paths = manifest.score_files()
    for part in GRADING_CODE:
        paths += sorted((package / part).rglob("*.py")) if (package / part).is_dir() else [package / part]
    for p in paths:
        digest.update(str(p.relative_to(KIT_ROOT)).encode() + b"\0")
        digest.update(p.read_bytes() if p.is_file() else b"<missing>")
    return digest.hexdigest()


def is_current(out_dir: Path, sub: Submission, sub_hash: str, grader_sha: str) -> bool:
    """Whether ``sub`` has a finished grading of these files by this grader in ``out_dir``."""
    record = Record.load(out_dir / sub.student / RECORD)
    return (record is not None and record.status == "graded" and record.submission_sha256 == sub_hash
            and record.grader_sha256 == grader_sha and (out_dir / sub.student / RESULTS).is_file())


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Interrupted(Exception):
    """The batch is stopping (Ctrl-C): no new grader starts and no result is recorded."""


def graders_environment() -> dict[str, str]:
    """The environment of a batch's gradings: this one, with each grading's one-core pinning
    (``grading/cpu.py``) off unless the caller set ``NO_PIN_ENV`` (even empty: pinned). Pinning speeds
    up a lone grading, whose grader and worker the kernel would spread over idle cores; in a batch
    the cores are busy and the kernel keeps each pair together by itself, and a pinned grading cannot
    use a core the other leaves idle between gradings (``bench --one-core-vs-any-core``: the pinned
    batches ran as fast or a few % slower)."""
    env = dict(os.environ)
    env.setdefault(NO_PIN_ENV, "1")
    return env


class _Running:
    """The gradings running now, so an interrupted batch can kill them (and only them). Each runs in a
    process forked from a warm grade-server (``warm.py``; ``warm=False``: a ``python -m autograder
    grade`` process of its own, as before), leading its own process group."""

    def __init__(self, warm: bool = True) -> None:
        self.lock = threading.Lock()
        self.procs: set = set()  # subprocess.Popen or warm.Grading: pid, wait(timeout)
        self.stopping = False
        self.env = graders_environment()
        self.servers = WarmGraders(preexec_fn=_die_with_parent, env=self.env) if warm else None

    def start(self, cmd: list[str], log: Path):
        with self.lock:
            if self.stopping:
                raise Interrupted()
        if self.servers is not None:
            proc = self.servers.start(cmd, log)
        else:
            with open(log, "wb") as sink:
                proc = subprocess.Popen(cmd, cwd=KIT_ROOT, stdin=subprocess.DEVNULL, stdout=sink, env=self.env,
                                        stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
        with self.lock:
            self.procs.add(proc)
            if self.stopping:  # stopped while this one started
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
        return proc

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            for proc in self.procs:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)

    def close(self) -> None:
        """End the grade-servers (after every grading has ended)."""
        if self.servers is not None:
            self.servers.close()


def _ask_to_stop(proc, grace_s: float | None = None) -> None:  # proc: subprocess.Popen or warm.Grading
    """SIGTERM a grader past its time limit and give it ``grace_s`` seconds to stop: it refuses every
    further call into student code, writes results.json and cleans up (its worker, staged files, what
    the sandbox uid left); the caller SIGKILLs its process group afterwards in any case."""
    grace_s = STOP_GRACE_S if grace_s is None else grace_s
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace_s)


def _run_grader(cmd: list[str], work: Path, timeout_s: float, running: _Running) -> tuple[int | None, str]:
    """Run one grader process; (exit code or None on timeout, the tail of its stderr)."""
    log = work / "grader.log"
    proc = running.start(cmd, log)
    try:
        code: int | None = proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        code = None
        _ask_to_stop(proc)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the grader's own group; its worker dies with it (bwrap)
        proc.wait()
        scratch.remove_left_by(proc.pid)  # what a killed grading could not remove (its staged files)
        with running.lock:
            running.procs.discard(proc)
    with open(log, "rb") as f:
        f.seek(max(0, log.stat().st_size - STDERR_TAIL))
        tail = f.read().decode("utf-8", "replace")
    return code, tail


def _failure_text(code: int | None, timeout_s: float, tail: str = "") -> str:
    """What went wrong with a grader process, in one line."""
    if code is None:
        return f"the grader did not finish within {timeout_s:g} s and was stopped"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the grader process was killed ({name})"
    last = next((line.strip() for line in reversed(tail.splitlines()) if line.strip()), "")
    return f"the grader process failed (exit status {code})" + (f": {last[:300]}" if last else "")


def grade_one(assignment: str, sub: Submission, out_dir: Path, *, sub_hash: str, grader_sha: str,
              options: dict, timeout_s: float, running: _Running) -> Record:
    """Grade ``sub`` in a fresh grader process and put its results, feedback and record in place."""
    student_dir = out_dir / sub.student
    tmp_root = out_dir / ".tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{sub.student[:40]}-", dir=tmp_root))
    start = time.monotonic()
    try:
        code, tail = _run_grader(grade_command(assignment, sub.path, work / RESULTS, options), work, timeout_s, running)
        seconds = time.monotonic() - start
        if running.stopping:
            raise Interrupted()
        results = None
        if code == 0:
            with contextlib.suppress(OSError, ValueError):
                results = json.loads((work / RESULTS).read_text(encoding="utf-8"))
        detail = ""
        if results is not None:  # the grader ran but could not grade (it wrote a grader-failure result)
            failure = next((t for t in results.get("tests", []) if t.get("name") == GRADER_ENTRY), None)
            detail = f"the grader could not grade: {failure.get('output', '')}" if failure else ""
        if results is None:
            detail = _failure_text(code, timeout_s, tail) if code != 0 else "the grader wrote no readable results.json"
            command = " ".join(grade_command(assignment, sub.path, Path(RESULTS), options))
            failed = grader_failure(assignment, detail, f"{command}\n{tail}")
            failed.extra["batch"] = {"exit_code": code, "seconds": round(seconds, 2)}
            failed.write(work / RESULTS)
            results = failed.to_json()
        student_dir.mkdir(parents=True, exist_ok=True)
        os.replace(work / RESULTS, student_dir / RESULTS)
        write_atomic(student_dir / FEEDBACK, feedback_markdown(sub.student, results, manifests.load(assignment).title,
                                                                people=sub.members))
        record = Record(
            student=sub.student, source=sub.source or sub.path.name, status="graded" if not detail else "grader error",
            score=float(results.get("score", 0.0)),
            max_score=float(results.get("extra_data", {}).get("max_score", 0.0)),
            seconds=round(seconds, 3), submission_sha256=sub_hash, grader_sha256=grader_sha,
            finished_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), detail=detail,
        )
        write_atomic(student_dir / RECORD, json.dumps(asdict(record), indent=2) + "\n")  # last: the commit mark
        return record
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _progress(total: int, assignment: str, enabled: bool):
    if not enabled:
        return contextlib.nullcontext(None)
    from tqdm import tqdm

    return tqdm(total=total, desc=f"grading {assignment}", unit="sub", dynamic_ncols=True, file=sys.stderr)


def check_folders(submissions: Path, output: Path) -> None:
    """Raise BatchError unless ``submissions`` is a folder and ``output`` a folder (or nothing yet)
    apart from it: grading into the submissions (or them into the output) would grade the batch's
    own folders as students on the next run."""
    if submissions.is_file():
        zipped = submissions.suffix.lower() == ".zip"
        hint = " (a zip of the whole class? unzip it and give the folder)" if zipped else ""
        raise BatchError(f"submissions: {submissions} is a file, not a folder{hint}")
    if not submissions.is_dir():
        raise BatchError(f"submissions folder not found: {submissions}")
    if output.exists() and not output.is_dir():
        raise BatchError(f"output: {output} is a file, not a folder")
    subs, out = submissions.resolve(), output.resolve()
    if out == subs or subs in out.parents:
        raise BatchError(f"output {output} is inside the submissions folder {submissions}: its folders would be "
                         "graded as students on the next run; give an output folder outside it")
    if out in subs.parents:
        raise BatchError(f"the submissions folder {submissions} is inside the output folder {output}: give an "
                         "output folder of its own (the batch writes a folder per student there)")


def grade_submissions(assignment: str, submissions: Path, output: Path, *, jobs: int | None = None,
                timeout_s: float = DEFAULT_TIMEOUT_S, force: bool = False, progress: bool = True,
                isolation: str | None = None, call_timeout_s: float | None = None,
                max_examples: int | None = None, roster: Path | str | Roster | None = None,
                students: list[str] | None = None, warm: bool = True) -> BatchSummary:
    """Grade every submission in ``submissions`` for ``assignment`` into ``output``.

    Args:
        jobs: grader processes at once (default: the number of cores).
        timeout_s: wall-clock limit of one submission's grading; past it the grader is killed and the
            student gets a grader-error result (retried on the next run).
        force: regrade everything, even unchanged submissions.
        progress: show a progress bar on stderr.
        isolation, call_timeout_s, max_examples: passed to ``python -m autograder grade``.
        roster: a roster CSV (or a loaded ``Roster``) naming the students (``roster.py``).
        students: regrade exactly these students (any of their ids), even when unchanged, and
            leave everyone else as they are.
        warm: fork each grading from a warm grade-server (``warm.py``); False: start a
            ``python -m autograder grade`` process for each (``bench --warm-vs-cold`` compares them).

    Raises:
        BatchError: unknown assignment, unreadable submissions folder or roster, no submission
            found, an unknown student in ``students`` (before anything is graded).
    """
    try:
        manifest = manifests.load(assignment)
    except manifests.ManifestError as exc:
        raise BatchError(str(exc)) from None
    submissions, output = Path(submissions), Path(output)
    check_folders(submissions, output)
    try:
        roster = roster if isinstance(roster, Roster) else load_roster(roster)
    except RosterError as exc:
        raise BatchError(str(exc)) from None
    found = read_export(submissions, list(manifest.files), roster, output / INPUTS)
    subs = found.submissions
    if not subs:
        looked = found.ignored + found.ungraded
        raise BatchError(f"no submission found in {submissions} ({found.layout} layout; "
                         + (f"{len(looked)} entries that are not submissions: {', '.join(looked[:8])}"
                            + (", ..." if len(looked) > 8 else "") if looked else "the folder is empty")
                         + "); expected a Gradescope export, a Canvas bulk download, or one folder or .zip per student")
    chosen = {s.student for s in select(subs, students, tuple(found.missing))} if students else None
    jobs = max(1, jobs or os.cpu_count() or 1)
    options = {"isolation": isolation, "call_timeout_s": call_timeout_s, "max_examples": max_examples}
    grader_sha = grader_hash(manifest, options)
    summary = BatchSummary(assignment, output, students=[s.student for s in subs], ignored=found.ignored + found.ungraded,
                           jobs=jobs, layout=found.layout, unidentified=list(found.unidentified),
                           missing=[p.id for p in found.missing], notes=list(found.notes),
                           requested=list(students or []), discovery=found)
    output.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    todo: list[tuple[Submission, str]] = []
    for sub in subs:
        if chosen is not None and sub.student not in chosen:
            summary.skipped.append(sub.student)  # not asked for: left as it is
            continue
        try:
            sub_hash = submission_hash(sub.path, list(manifest.files), manifest.accept_numbered_copies)
        except (SubmissionError, OSError) as exc:  # unreadable entry: the grader will record it
            sub_hash = f"unreadable: {exc}"
        if chosen is None and not force and is_current(output, sub, sub_hash, grader_sha):
            summary.skipped.append(sub.student)
        else:
            todo.append((sub, sub_hash))

    running = _Running(warm)
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade")
    try:
        with _progress(len(todo), assignment, progress and bool(todo)) as bar:
            futures = {pool.submit(grade_one, assignment, sub, output, sub_hash=h, grader_sha=grader_sha,
                                   options=options, timeout_s=timeout_s, running=running): sub for sub, h in todo}
            for future in as_completed(futures):
                sub = futures[future]
                try:
                    record = future.result()
                except Exception as exc:  # the batch's own failure for this student: never stop the rest
                    record = _record_batch_failure(assignment, sub, output, grader_sha, exc)
                summary.graded.append(sub.student)
                if record.status != "graded":
                    summary.errors.append(sub.student)
                    if bar is not None:
                        bar.write(f"{sub.student}: grader error: {record.detail}")
                if bar is not None:
                    bar.update(1)
    except BaseException:  # Ctrl-C: stop the graders this batch started; finished results stay
        running.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        running.close()
        shutil.rmtree(output / ".tmp", ignore_errors=True)
    summary.graded.sort()
    summary.errors.sort()
    summary.grader_changed = bool(todo) and grader_hash(manifest, options) != grader_sha
    summary.wall_s = round(time.monotonic() - started, 3)
    write_atomic(output / "batch.json", json.dumps(summary.to_json(), indent=2) + "\n")
    return summary


def _record_batch_failure(assignment: str, sub: Submission, out_dir: Path, grader_sha: str, exc: Exception) -> Record:
    """A grader-error result written by the batch itself (e.g. the output disk is full)."""
    import traceback

    detail = f"the batch could not grade this submission: {type(exc).__name__}: {exc}"
    failed: Results = grader_failure(assignment, detail, traceback.format_exc())
    record = Record(sub.student, sub.source or sub.path.name, "grader error", 0.0, 0.0, 0.0, "", grader_sha,
                    time.strftime("%Y-%m-%dT%H:%M:%S%z"), detail)
    with contextlib.suppress(Exception):
        failed.write(out_dir / sub.student / RESULTS)
        write_atomic(out_dir / sub.student / FEEDBACK, feedback_markdown(sub.student, failed.to_json()))
        write_atomic(out_dir / sub.student / RECORD, json.dumps(asdict(record), indent=2) + "\n")
    return record


def load_class(out_dir: Path, students: list[str]) -> dict[str, tuple[dict, Record | None]]:
    """``student -> (results.json, grading record)`` for the students with results in ``out_dir``."""
    out = {}
    for student in students:
        path = out_dir / student / RESULTS
        try:
            results = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out[student] = (results, Record.load(out_dir / student / RECORD))
    return out
