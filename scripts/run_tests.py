"""Runs the test suite once per Keras backend, each in its own process.

Keras fixes its backend at import, so every backend needs a fresh interpreter.
Usage: python scripts/run_tests.py [--backends tensorflow,jax,torch] [pytest args...]
Exits non-zero when any backend has a failure, an error, or runs no test.
"""

import argparse
import os
import re
import subprocess
import sys
import time

BACKENDS = ("tensorflow", "jax", "torch")
SUMMARY = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


def run_backend(backend, pytest_args):
    env = dict(os.environ, KERAS_BACKEND=backend)
    # Two small CPUs: one intra-op thread per framework avoids oversubscription
    # (see docs/performance.md); users' own settings win.
    env.setdefault("OMP_NUM_THREADS", "1")
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *pytest_args,
    ]
    print(f"\n===== KERAS_BACKEND={backend}: {' '.join(command[1:])}", flush=True)
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    last_lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        last_lines = (last_lines + [line])[-5:]
    code = process.wait()
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    for number, kind in SUMMARY.findall("".join(last_lines)):
        counts["errors" if kind.startswith("error") else kind] += int(number)
    return code, counts, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args, pytest_args = parser.parse_known_args()
    totals = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    failed_backends = []
    for backend in args.backends.split(","):
        code, counts, seconds = run_backend(backend, pytest_args)
        print(f"----- {backend}: exit {code}, {counts}, {seconds:.0f}s", flush=True)
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
