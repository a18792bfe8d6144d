"""``make bench``: how fast the grader is, per assignment, on this machine.

1. One full correct submission (the reference): wall time of ``python -m autograder grade``, median
   of ``runs`` runs (target: at most ``TARGET_ONE_S[assignment]``; none for an assignment whose
   checks train a model). A first grading that builds the kept draws (``grading/draws.py``) is timed
   apart.
2. The bundled example class graded by the batch grader from scratch: submissions per minute and
   time per submission (target: at least ``TARGET_PER_MIN`` per minute), the entries that ran into
   a call's time limit and their share of the time, and the slowest wrong submission against the
   correct one (target: no slower than ``WRONG_SLACK`` times it; hostile entries, slow by design,
   apart; a miss prints that submission's profile line: how many failures Hypothesis shrank).
3. The same class graded again, each submission by its own plain ``python -m autograder grade``
   (as many at once as the batch ran): every score must equal the batch's (OK / MISMATCH).
4. With ``large`` (``make bench``: 300, for ``LARGE_CLASS_ASSIGNMENTS``): a class of that many
   students (the bundled class repeated under new names) graded by ``make grade``'s path, report
   included (target: at most ``TARGET_LARGE_S``).

``--warm-vs-cold`` instead grades each bundled class twice each way, alternating: a ``python -m
autograder grade`` process per submission, and forked from warm grade-servers (the batch's way).
``--one-core-vs-any-core`` likewise compares gradings on one core each (``grading/cpu.py``, the default
for a lone grading) with gradings on any core (the batch's default): a bare pipe round trip, the
reference ``runs`` times each way, then the bundled class twice.
``--profile-of-submission PATH`` grades that submission ``runs`` times with the profile on: a
profile line each, then their medians (where one submission's time goes, and A/B comparisons).

Exit status: 1 on a score mismatch. A missed time target is printed as ``MISSED`` on stderr and
changes the exit status (to 1) only with ``BENCH_STRICT=1`` in the environment: the machine may be
busy with other work, and a slow run is not a wrong one.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import numpy as np

from .. import manifest as manifests
from ..classroom import grade_batch
from ..classroom.batch import RESULTS, discover, grader_hash, load_class
from ..grading.command import grade_command
from ..grading.cpu import NO_PIN_ENV
from ..grading.draws import DrawStore
from ..grading.grade import PROFILE_ENV
from ..paths import KIT_ROOT
from .classgen import write_class

STRICT_ENV = "BENCH_STRICT"
TARGET_ONE_S = {"recurrent": 1.5, "sequences": 1.0}  # seconds; other assignments: no target
TARGET_PER_MIN = 60.0
WRONG_SLACK = 1.25  # a wrong submission may take this many times the correct one (noise)
TARGET_LARGE_S = 300.0  # a class of LARGE students
LARGE = 300
LARGE_CLASS_ASSIGNMENTS = ("recurrent",)
OPTIONS = {"isolation": None, "call_timeout_s": None, "max_examples": None}  # grade_batch's defaults


def grade_once(assignment: str, submission: Path, output: Path, env: dict | None = None) -> float:
    """Wall time of one ``python -m autograder grade`` (raises if the grader itself fails)."""
    start = time.monotonic()
    proc = subprocess.run(grade_command(assignment, submission, output), cwd=KIT_ROOT, capture_output=True, text=True,
                          env=None if env is None else {**os.environ, **env})
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"grading {submission} failed: {proc.stderr.strip()[-500:]}")
    return seconds


def _busy_cpu() -> float:
    """CPU seconds the whole machine has spent busy (every process: /proc/stat's user, nice, system,
    irq, softirq and steal time); where there is no /proc/stat, this process's finished children's.
    (The sandboxed workers are not this process's descendants once bubblewrap has let them go, so
    the children's rusage misses them.)"""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime


def fixed_workload(steps: int = 100_000) -> float:
    """A fixed piece of work like a grading's: Python calls on small float64 arrays. Returns a
    checksum (the same every time), so the work cannot be skipped."""
    rng = np.random.default_rng(0)
    a, w = rng.normal(size=(4, 8)), rng.normal(size=(8, 8))
    total = 0.0
    for _ in range(steps):
        a = np.tanh(a @ w * 0.5)
        total += float(a[0, 0])
    return total


def machine_speed(runs: int = 5) -> float:
    """Seconds of ``fixed_workload`` on one core, median of ``runs``: how fast this machine is right
    now (a shared machine's speed changes within the hour; compare bench figures taken at equal speed)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fixed_workload()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def speed_line(when: str) -> str:
    """The bench's line on ``machine_speed`` (``when``: "at the start", "at the end")."""
    return (f"machine speed {when}: a fixed workload (100,000 steps on small numpy arrays) took "
            f"{machine_speed():.3f} s (median of 5; lower is faster)")


def _graded(out: Path, students: list[str]) -> tuple[dict[str, float], dict[str, dict]]:
    """(student -> grading seconds, student -> results.json) of a class graded into ``out``."""
    graded = load_class(out, students)
    return ({s: record.seconds for s, (_, record) in graded.items() if record is not None},
            {s: results for s, (results, _) in graded.items()})


def _full_marks(results: dict) -> bool:
    return results.get("score") == results.get("extra_data", {}).get("max_score")


def _hit_time_limit(results: dict) -> bool:
    """Whether a check of this results.json failed because a call ran into its time limit (the
    student's code looped or allocated until stopped: seconds by design, whatever the grader does)."""
    return "timeout" in results.get("extra_data", {}).get("failure_kinds", {}).values()


def time_limit_share(seconds: dict[str, float], results: dict[str, dict], jobs: int) -> str:
    """A line on the entries of a graded class (``seconds``: student -> grading seconds; ``results``:
    student -> results.json) that ran into a call's time limit: how many, their seconds, and the rate
    of the others alone at the same parallelism (their seconds / ``jobs``: an estimate); "" when
    there are none."""
    stopped = {s for s in seconds if _hit_time_limit(results.get(s, {}))}
    if not stopped:
        return ""
    rest = [v for s, v in seconds.items() if s not in stopped]
    line = (f"  {len(stopped)} of {len(seconds)} entries ran into a call's time limit: "
            f"{sum(seconds[s] for s in stopped):.0f} s of the graders' {sum(seconds.values()):.0f} s")
    if rest and sum(rest):
        line += (f"; the other {len(rest)} alone, {jobs} at a time, would take about {sum(rest) / jobs:.0f} s "
                 f"= {len(rest) / (sum(rest) / jobs) * 60:.0f} per minute (their grading seconds / {jobs})")
    return line


def _scores(path: Path) -> tuple[float, dict[str, float]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["score"], {t["name"]: t["score"] for t in data["tests"]}


def build_draws(assignment: str, tmp: Path) -> None:
    """Where no grading has kept the checks' draws yet (a fresh clone, or the checks changed), grade
    the reference once to build them, timed and reported apart: the gradings timed after it all
    replay them (on Gradescope, setup.sh's grading of the reference builds them)."""
    store = DrawStore.of(manifests.load(assignment))
    if store is not None and not store.path.is_file():
        seconds = grade_once(assignment, manifests.load(assignment).solutions, tmp / f"{assignment}-first.json")
        print(f"first grading since the checks changed (it keeps their draws for the next ones): {seconds:.2f} s",
              flush=True)


def timings(times: list[float]) -> str:
    """A list of seconds as its median and the list, "M s (median of n: t1, t2": the caller closes
    the parenthesis."""
    return f"{statistics.median(times):.2f} s (median of {len(times)}: {', '.join(f'{t:.2f}' for t in times)}"


def bench_one(assignment: str, runs: int, tmp: Path) -> tuple[float, bool]:
    """Time the reference's grading (after ``build_draws``); (median seconds, whether it met the target)."""
    build_draws(assignment, tmp)
    times = []
    for i in range(runs):
        out = tmp / f"{assignment}-correct-{i}.json"
        times.append(grade_once(assignment, manifests.load(assignment).solutions, out))
        score, _ = _scores(out)
    full = json.loads(out.read_text())["extra_data"]["max_score"]
    median = statistics.median(times)
    target = TARGET_ONE_S.get(assignment)
    ok = target is None or median <= target
    verdict = "no target (its checks train a model)" if target is None else \
        f"target <= {target:g} s: {'OK' if ok else 'MISSED'}"
    print(f"one correct submission: {timings(times)}; score {score:g}/{full:g})  {verdict}", flush=True)
    if not ok:
        _missed(f"{assignment}: one correct submission took {median:.2f} s (target <= {target:g} s)")
    bench_profile(assignment, manifests.load(assignment).solutions, tmp)
    return median, ok


def profile_line(wall: float, profile: dict) -> str:
    """One line saying where a grading's wall time went, from ``grade``'s profile (PROFILE_ENV)."""
    marks = profile["grader_cpu_s"]
    grader = marks["end"]
    runs = profile["hypothesis"]
    return (f"profile: wall {wall:.2f} s = grader CPU {grader:.2f} s (interpreter start and the kit's imports "
            f"{marks['start']:.2f} s, pytest and the checks' imports {marks['imports'] - marks['start']:.2f} s, "
            f"the checks {grader - marks['imports']:.2f} s) + worker CPU {profile['worker_cpu_s']:.2f} s "
            f"(the student's code: {profile['student_calls']:,} calls in {profile['requests']:,} requests, "
            f"{profile['batched_calls']:,} of them the perturbed forwards of numerical gradients) + waits "
            f"{max(0.0, wall - grader - profile['worker_cpu_s']):.2f} s; Hypothesis: {runs['engine']} checks "
            f"through its engine, {runs['replayed']} replayed kept cases, {runs['rerun']} reran after a replayed "
            f"case failed, {shrunk_failures(profile)} public failures shrunk")


def shrunk_failures(profile: dict) -> int:
    """How many checks of a grading Hypothesis shrank (from its profile's ``first_failures``): public
    checks that first failed on a generated case, on an input (hidden checks are not shrunk; a failure
    on a worked case, or one no input changes, stops at once)."""
    return sum(1 for node, (_, n_first, index, on_input) in profile.get("first_failures", {}).items()
               if on_input and index >= n_first and "hidden" not in Path(node.split("::")[0]).parts)


def bench_profile(assignment: str, submission: Path, tmp: Path, label: str = "") -> dict:
    """Grade ``submission`` once more with the grader's profile on; print (after ``label``) and return it,
    with the grading's wall time (``wall_s``)."""
    path = tmp / f"{assignment}-profile.json"
    wall = grade_once(assignment, submission, tmp / f"{assignment}-profiled.json", env={PROFILE_ENV: str(path)})
    profile = json.loads(path.read_text(encoding="utf-8"))
    print(f"  {label + ' ' if label else ''}{profile_line(wall, profile)}", flush=True)
    return dict(profile, wall_s=wall)


def bench_profiles(assignment: str, submission: Path, runs: int, tmp: Path) -> dict[str, float]:
    """Grade ``submission`` ``runs`` times with the grader's profile on (``bench_profile``: a profile
    line each) and print the medians of its wall time and CPU seconds; returns them."""
    rows = []
    for _ in range(runs):
        profile = bench_profile(assignment, submission, tmp)
        marks = profile["grader_cpu_s"]
        rows.append({"wall": profile["wall_s"], "grader CPU": marks["end"], "the checks": marks["end"] - marks["imports"],
                     "worker CPU": profile["worker_cpu_s"]})
    medians = {key: statistics.median(row[key] for row in rows) for key in rows[0]} if rows else {}
    if medians:
        print(f"medians of {runs}: " + ", ".join(f"{key} {value:.2f} s" for key, value in medians.items()), flush=True)
    return medians


def wrong_versus_correct(seconds: dict[str, float], full: set[str]) -> tuple[str, float, float] | None:
    """(slowest wrong student, its seconds, the correct student's seconds) of a graded bundled class:
    wrong = below full marks (``full``: the students with full marks), hostile entries apart; None
    without a correct student."""
    correct = [v for s, v in seconds.items() if s.endswith("-correct")]
    wrong = {s: v for s, v in seconds.items() if s not in full and "hostile" not in s}
    if not correct or not wrong:
        return None
    slowest = max(wrong, key=wrong.get)
    return slowest, wrong[slowest], correct[0]


def bundled_class(assignment: str) -> Path:
    """The assignment's bundled class folder, generated first if it is missing."""
    folder = manifests.load(assignment).class_folder
    if not folder.is_dir():
        write_class(assignment)
    return folder


def bench_batch(assignment: str, tmp: Path, jobs: int | None, compare: bool) -> tuple[float, bool, bool]:
    """Grade the bundled class in batch, then one by one; (per minute, target met, scores equal)."""
    folder = bundled_class(assignment)
    out = tmp / f"{assignment}-batch"
    grader_sha = grader_hash(manifests.load(assignment), OPTIONS)
    cpu_before = _busy_cpu()
    summary = grade_batch(assignment, folder, out, jobs=jobs, force=True)
    cpu = (_busy_cpu() - cpu_before) / max(1, len(summary.graded))
    n = len(summary.graded)
    per_min = n / summary.wall_s * 60 if summary.wall_s else 0.0
    records, results = _graded(out, summary.graded)
    secs = list(records.values())
    ok = per_min >= TARGET_PER_MIN
    print(f"batch, bundled class: {n} submissions in {summary.wall_s:.1f} s with {summary.jobs} parallel graders = "
          f"{per_min:.1f} per minute; per submission median {statistics.median(secs):.1f} s, max {max(secs):.1f} s  "
          f"target >= {TARGET_PER_MIN:g}/min: {'OK' if ok else 'MISSED'}", flush=True)
    if not ok:
        _missed(f"{assignment}: batch grading ran {per_min:.1f} submissions per minute (target >= {TARGET_PER_MIN:g})")
    print(f"  CPU time per submission (the machine's busy time: graders, workers and anything else running): "
          f"{cpu:.1f} s; on {os.cpu_count()} idle cores that is "
          f"about {os.cpu_count() * 60 / cpu:.0f} per minute" if cpu else "", flush=True)
    if share := time_limit_share(records, results, summary.jobs):
        print(share, flush=True)
    full = {s for s in records if _full_marks(results[s])}
    versus = wrong_versus_correct(records, full)
    if versus is not None:
        student, wrong_s, correct_s = versus
        fair = wrong_s <= WRONG_SLACK * correct_s
        print(f"  slowest wrong submission {student}: {wrong_s:.2f} s, the correct one {correct_s:.2f} s  "
              f"target <= {WRONG_SLACK:g} x correct: {'OK' if fair else 'MISSED'}", flush=True)
        if not fair:
            _missed(f"{assignment}: wrong submission {student} took {wrong_s:.2f} s, the correct one {correct_s:.2f} s")
            path = next((sub.path for sub in discover(folder)[0] if sub.student == student), None)
            if path is not None:
                bench_profile(assignment, path, tmp, label=student)  # where its extra time goes
        ok = ok and fair
    if not compare:
        return per_min, ok, True
    start = time.monotonic()
    mismatches = []

    def alone(sub):
        single = tmp / f"{assignment}-single-{sub.student}.json"
        grade_once(assignment, sub.path, single)
        return sub, single

    with ThreadPoolExecutor(summary.jobs) as pool:  # each a separate plain `grade` run, none of the batch's machinery
        for sub, single in pool.map(alone, discover(folder)[0]):
            (total_b, checks_b), (total_1, checks_1) = _scores(out / sub.student / RESULTS), _scores(single)
            if (total_b, checks_b) != (total_1, checks_1):
                differ = sorted(n for n in set(checks_b) | set(checks_1) if checks_b.get(n) != checks_1.get(n))
                mismatches.append(f"{sub.student}: batch {total_b:g}, one by one {total_1:g}; "
                                  f"{len(differ)} checks differ, e.g. {differ[0]!r}")
    wall = time.monotonic() - start
    if grader_hash(manifests.load(assignment), OPTIONS) != grader_sha:
        print("batch scores = one-by-one grading: NOT COMPARED (the grader's checks, reference or check library "
              "changed while the bench ran; run it again)")
        return per_min, ok, True
    verdict = "OK" if not mismatches else "MISMATCH"
    print(f"batch scores = one-by-one grading ({n} submissions graded again, each by its own "
          f"`python -m autograder grade`, {summary.jobs} at a time, {wall:.0f} s): {verdict}")
    for line in mismatches:
        print(f"  MISMATCH {line}")
    return per_min, ok, not mismatches


def _alternating(assignment: str, tmp: Path, jobs: int | None, ways: dict[str, tuple[bool, dict]],
                 rounds: int = 2) -> list[tuple[str, float, float]]:
    """Grade the bundled class ``rounds`` times each way, alternating (so every way sees the machine of
    the same minutes); ``ways``: name -> (warm grade-servers or a process per grading, environment).
    Prints and returns (way, per minute, the machine's busy CPU seconds per submission) per run."""
    folder = bundled_class(assignment)
    rows = []
    for k in range(rounds):
        for way, (warm, env) in ways.items():
            cpu_before = _busy_cpu()
            with mock.patch.dict(os.environ, env):  # the batch's grade-servers inherit it
                summary = grade_batch(assignment, folder, tmp / f"{assignment}-{way}-{k}".replace(" ", "-"),
                                      jobs=jobs, force=True, progress=False, warm=warm)
            n = max(1, len(summary.graded))
            rows.append((way, n / summary.wall_s * 60 if summary.wall_s else 0.0, (_busy_cpu() - cpu_before) / n))
            print(f"{way}: {len(summary.graded)} submissions in {summary.wall_s:.1f} s with {summary.jobs} parallel "
                  f"graders = {rows[-1][1]:.1f} per minute; busy CPU {rows[-1][2]:.2f} s per submission", flush=True)
    return rows


def bench_warm_vs_cold(assignment: str, tmp: Path, jobs: int | None, rounds: int = 2) -> list[tuple[str, float, float]]:
    """The bundled class graded ``rounds`` times each way, alternating (``_alternating``): ``cold``, a
    ``python -m autograder grade`` process per submission, and ``warm``, each grading forked from a
    warm grade-server (the batch's way)."""
    return _alternating(assignment, tmp, jobs, {"cold": (False, {}), "warm": (True, {})}, rounds)


def pipe_round_trip(cpus: set[int] | None, n: int = 20_000) -> tuple[float, float]:
    """(wall, CPU of both processes) in microseconds per round trip of one byte between this process
    and a child over two pipes (a grading's request and answer, without the work), both on ``cpus``
    (None: wherever the kernel puts them)."""
    before = os.sched_getaffinity(0)
    requests, answers = os.pipe(), os.pipe()
    try:
        if cpus:
            os.sched_setaffinity(0, cpus)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child answers every byte, then exits
            try:
                for _ in range(n):
                    os.write(answers[1], os.read(requests[0], 1))
            finally:
                os._exit(0)
        cpu, start = time.process_time(), time.perf_counter()
        for _ in range(n):
            os.write(requests[1], b"x")
            os.read(answers[0], 1)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        usage = os.wait4(pid, 0)[2]
    finally:
        os.sched_setaffinity(0, before)
        for fd in (*requests, *answers):
            os.close(fd)
    return 1e6 * wall / n, 1e6 * (cpu + usage.ru_utime + usage.ru_stime) / n


def bench_pinned_vs_not(assignment: str, tmp: Path, jobs: int | None, runs: int,
                        rounds: int = 2) -> dict[str, float]:
    """Each grading on one core (``grading/cpu.py``, the default) against any core (``NO_PIN_ENV``
    set): first a bare pipe round trip each way (``pipe_round_trip``), then (after ``build_draws``)
    the reference graded ``runs`` times each way, alternating (prints the medians, returns way ->
    median seconds), then the bundled class ``rounds`` times each way (``_alternating``; "one core"
    sets the variable empty, so the batch, which otherwise turns pinning off, pins). Without CPU
    affinity calls: a line, and {}."""
    if not hasattr(os, "sched_getaffinity"):
        print("one core against any core: this system has no CPU affinity calls (Linux has), so gradings "
              "are never pinned here; nothing to compare", flush=True)
        return {}
    ways = {"one core": {NO_PIN_ENV: ""}, "any core": {NO_PIN_ENV: "1"}}
    for way, cpus in (("one core", {min(os.sched_getaffinity(0))}), ("any core", None)):
        wall, cpu = pipe_round_trip(cpus)
        print(f"a bare pipe round trip between two processes, {way}: {wall:.1f} us wall, {cpu:.1f} us of CPU", flush=True)
    build_draws(assignment, tmp)
    solutions = manifests.load(assignment).solutions
    times: dict[str, list[float]] = {way: [] for way in ways}
    for i in range(runs):
        for way, env in ways.items():
            times[way].append(grade_once(assignment, solutions, tmp / f"{assignment}-pin-{i}.json", env=env))
    for way, seconds in times.items():
        print(f"one correct submission, {way}: {timings(seconds)})", flush=True)
    _alternating(assignment, tmp, jobs, {way: (True, env) for way, env in ways.items()}, rounds)
    return {way: statistics.median(seconds) for way, seconds in times.items()}


def large_class(assignment: str, size: int, into: Path) -> Path:
    """A class of ``size`` students: the bundled class's entries again and again, each copy under
    a new name (``r<k>-<student>``), as folders and zips like the original."""
    folder = bundled_class(assignment)
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    into.mkdir(parents=True, exist_ok=True)
    for k in range(size):
        entry = entries[k % len(entries)]
        target = into / f"r{k // len(entries):02d}-{entry.name}"
        if entry.is_dir():
            shutil.copytree(entry, target, symlinks=False)
        else:
            shutil.copyfile(entry, target)
    return into


def bench_large(assignment: str, size: int, tmp: Path, jobs: int | None) -> tuple[float, bool]:
    """Grade a class of ``size`` students from scratch, report included; (seconds, target met)."""
    folder = large_class(assignment, size, tmp / f"{assignment}-class-{size}")
    start = time.monotonic()
    out = tmp / f"{assignment}-class-{size}-out"
    summary = grade_batch(assignment, folder, out, jobs=jobs, force=True, progress=False)
    wall = time.monotonic() - start
    target = TARGET_LARGE_S * size / LARGE
    ok = wall <= target
    print(f"a class of {len(summary.graded)} students (the bundled class repeated), report included: {wall:.0f} s = "
          f"{len(summary.graded) / wall * 60:.1f} per minute  target <= {target:g} s: {'OK' if ok else 'MISSED'}",
          flush=True)
    if share := time_limit_share(*_graded(out, summary.graded), summary.jobs):
        print(share, flush=True)
    if not ok:
        _missed(f"{assignment}: a class of {size} took {wall:.0f} s (target <= {target:g} s)")
    return wall, ok


def _missed(line: str) -> None:
    """Say on stderr that a time target was missed."""
    print(f"MISSED {line}", file=sys.stderr, flush=True)


def strict() -> bool:
    """Whether a missed time target fails the bench (``BENCH_STRICT=1``)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes")


def run_bench(assignments: list[str], runs: int = 3, jobs: int | None = None, compare: bool = True,
              large: int = 0, warm_vs_cold: bool = False, pinned_vs_not: bool = False,
              profile_of: Path | None = None) -> int:
    """Run the benchmark; exit status 1 on a score mismatch, or on a missed time target with
    ``BENCH_STRICT=1`` (otherwise a missed target is reported as MISSED on stderr only). ``large``:
    also grade a class of that many students for each of ``LARGE_CLASS_ASSIGNMENTS`` (0: not).
    ``warm_vs_cold``: only compare the batch's two ways of starting a grading (``bench_warm_vs_cold``);
    ``pinned_vs_not``: only compare gradings on one core and on any (``bench_pinned_vs_not``);
    ``profile_of``: only grade that submission ``runs`` times with the profile on (``bench_profiles``)."""
    print(f"machine: {os.cpu_count()} cores; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(speed_line("at the start"), flush=True)
    equal, on_time = True, True
    with tempfile.TemporaryDirectory(prefix="ag-bench-") as tmp:
        for name in assignments:
            print(f"\n== {name}", flush=True)
            if warm_vs_cold:
                bench_warm_vs_cold(name, Path(tmp), jobs)
                continue
            if pinned_vs_not:
                bench_pinned_vs_not(name, Path(tmp), jobs, runs)
                continue
            if profile_of is not None:
                bench_profiles(name, profile_of, runs, Path(tmp))
                continue
            _, fast = bench_one(name, runs, Path(tmp))
            _, fast_batch, same = bench_batch(name, Path(tmp), jobs, compare)
            equal = equal and same
            on_time = on_time and fast and fast_batch
            if large and name in LARGE_CLASS_ASSIGNMENTS:
                on_time = bench_large(name, large, Path(tmp), jobs)[1] and on_time
    print(f"\n{speed_line('at the end')}", flush=True)
    if not on_time:
        print(f"MISSED: a time target was missed (the load average was {os.getloadavg()[0]:.1f}); "
              + ("failing because BENCH_STRICT=1" if strict() else f"not a failure unless {STRICT_ENV}=1"),
              file=sys.stderr)
    if not equal:
        return 1
    return 1 if (not on_time and strict()) else 0
