"""Runs the test suite once per Keras backend, each in its own process.

Keras fixes its backend at import, so every backend needs a fresh interpreter.
Usage: python scripts/run_tests.py [--backends tensorflow,jax,torch] [--jobs N] [pytest args...]
Exits non-zero when any backend has a failure, an error, or runs no test.

Backends run side by side, one per usable CPU (`--jobs`, at most one per backend):
each pytest process keeps to one intra-op thread, so on a 2-CPU machine the three
backends take about as long as the slowest one, or the other two in a row, instead
of all three in a row. With more than one job, a backend's output is printed whole when it ends, so
that the logs of two backends never interleave; with `--jobs 1` it streams live.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures

BACKENDS = ("tensorflow", "jax", "torch")
SUMMARY = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


def usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pytest_command(pytest_args):
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]


def backend_environment(backend):
    env = dict(os.environ, KERAS_BACKEND=backend)
    # Two small CPUs: one intra-op thread per framework avoids oversubscription
    # (see docs/performance.md), all the more with two backends running at once;
    # users' own settings win.
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def count_results(last_lines):
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    for number, kind in SUMMARY.findall("".join(last_lines)):
        counts["errors" if kind.startswith("error") else kind] += int(number)
    return counts


def run_backend(backend, pytest_args, write):
    """Runs pytest on one backend, giving its output to `write` line by line."""
    command = pytest_command(pytest_args)
    write(f"\n===== KERAS_BACKEND={backend}: {' '.join(command[1:])}\n")
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=backend_environment(backend),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    last_lines = []
    for line in process.stdout:
        write(line)
        last_lines = (last_lines + [line])[-5:]
    code = process.wait()
    return code, count_results(last_lines), time.perf_counter() - start


def stream(text):
    sys.stdout.write(text)
    sys.stdout.flush()


def run_backend_buffered(backend, pytest_args, print_lock):
    """Runs one backend into a temporary file, then prints it whole under the lock.

    A file, not memory: a backend's log is a few MB when many tests fail.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        code, counts, seconds = run_backend(backend, pytest_args, log.write)
        log.seek(0)
        with print_lock:
            for line in log:
                sys.stdout.write(line)
            report(backend, code, counts, seconds)
    return code, counts, seconds


def report(backend, code, counts, seconds):
    stream(f"----- {backend}: exit {code}, {counts}, {seconds:.0f}s\n")


def run_all(backends, jobs, pytest_args):
    """Runs every backend, `jobs` at a time; returns {backend: (code, counts, seconds)}."""
    if jobs == 1:
        results = {}
        for backend in backends:
            results[backend] = run_backend(backend, pytest_args, stream)
            report(backend, *results[backend])
        return results
    print_lock = threading.Lock()
    stream(f"running {len(backends)} backends, {jobs} at a time; each log is printed "
           "when its backend ends\n")
    with futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        running = {
            backend: pool.submit(run_backend_buffered, backend, pytest_args, print_lock)
            for backend in backends
        }
        return {backend: job.result() for backend, job in running.items()}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="backends run at once (default: one per usable CPU, at most one per "
        "backend; 1 streams the output live)",
    )
    args, pytest_args = parser.parse_known_args(argv)
    backends = args.backends.split(",")
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        parser.error(f"unknown backend(s) {unknown}; choose from {', '.join(BACKENDS)}")
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs must be at least 1; got {args.jobs}")
    jobs = args.jobs or usable_cpus()
    return backends, min(jobs, len(backends)), pytest_args


def main(argv=None):
    backends, jobs, pytest_args = parse_arguments(argv)
    results = run_all(backends, jobs, pytest_args)
    totals = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    failed_backends = []
    for backend, (code, counts, _) in results.items():
        for key in totals:
            totals[key] += counts[key]
        if code != 0 or counts["passed"] == 0:
            failed_backends.append(backend)
    print(f"\nbackends failing: {failed_backends or 'none'}")
    failed = totals["failed"] + totals["errors"]
    print(f"{totals['passed']} passed, {failed} failed, {totals['skipped']} skipped")
    return 1 if failed_backends else 0


if __name__ == "__main__":
    sys.exit(main())
