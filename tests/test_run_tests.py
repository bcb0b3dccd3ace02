"""scripts/run_tests.py: backends side by side, logs whole, failures counted.

The runner is checked on tiny stand-in suites in a temporary folder (pytest with
`--rootdir` there), so a test takes seconds, not the suite's minutes.
"""

import re

import pytest
from conftest import load_script

run_tests = load_script("run_tests")

# Each test sleeps between its two lines, so two backends run at once would interleave
# their lines if the runner streamed both; KERAS_BACKEND names the lines' owner.
SUITE = """
import os, sys, time

def test_writes_two_lines():
    backend = os.environ["KERAS_BACKEND"]
    sys.stdout.write(f"LINE-{backend}-1 {time.time()}\\n"); sys.stdout.flush()
    time.sleep(1.0)
    sys.stdout.write(f"LINE-{backend}-2 {time.time()}\\n"); sys.stdout.flush()
    assert os.environ["KERAS_BACKEND"] != os.environ.get("FAIL_ON", "")
"""


@pytest.fixture
def suite(tmp_path):
    (tmp_path / "test_stand_in.py").write_text(SUITE)
    return ["-s", "--rootdir", str(tmp_path), str(tmp_path / "test_stand_in.py")]


def test_two_jobs_run_backends_at_once_and_print_each_log_whole(suite, capsys):
    results = run_tests.run_all(["tensorflow", "jax", "torch"], 2, suite)
    out = capsys.readouterr().out
    assert {b: r[:2] for b, r in results.items()} == {
        b: (0, {"passed": 1, "failed": 0, "errors": 0, "skipped": 0})
        for b in ("tensorflow", "jax", "torch")
    }
    lines = re.findall(r"LINE-(\w+)-\d", out)
    assert sorted(lines) == sorted(["tensorflow", "jax", "torch"] * 2)
    # Whole logs: each backend's two lines are next to each other.
    assert all(lines[i] == lines[i + 1] for i in range(0, 6, 2)), lines
    # At once: the first two backends' tests overlap in time.
    times = {b: [float(t) for t in re.findall(rf"LINE-{b}-\d (\S+)", out)]
             for b in ("tensorflow", "jax")}
    assert times["tensorflow"][0] < times["jax"][1] and times["jax"][0] < times["tensorflow"][1]


def test_a_failing_backend_fails_the_run_and_is_named(suite, monkeypatch, capsys):
    monkeypatch.setenv("FAIL_ON", "jax")
    code = run_tests.main(["--backends", "tensorflow,jax", "--jobs", "2", *suite])
    out = capsys.readouterr().out
    assert code == 1
    assert "backends failing: ['jax']" in out
    assert "1 passed, 1 failed, 0 skipped" in out


def test_one_job_streams_backends_in_order(suite, capsys):
    code = run_tests.main(["--backends", "torch,tensorflow", "--jobs", "1", *suite])
    out = capsys.readouterr().out
    assert code == 0
    assert re.findall(r"LINE-(\w+)-\d", out) == ["torch"] * 2 + ["tensorflow"] * 2
    assert "backends failing: none" in out


def test_jobs_default_to_the_usable_cpus_and_never_exceed_the_backends(monkeypatch):
    monkeypatch.setattr(run_tests, "usable_cpus", lambda: 2)
    assert run_tests.parse_arguments(["-k", "x"])[1:] == (2, ["-k", "x"])
    monkeypatch.setattr(run_tests, "usable_cpus", lambda: 16)
    assert run_tests.parse_arguments([])[1] == 3
    assert run_tests.parse_arguments(["--backends", "jax"])[1] == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--backends", "tensorflow,theano"], "unknown backend(s) ['theano']"),
        (["--jobs", "0"], "--jobs must be at least 1; got 0"),
    ],
)
def test_bad_arguments_are_refused_before_any_test_runs(argv, message, capsys):
    with pytest.raises(SystemExit) as raised:
        run_tests.parse_arguments(argv)
    assert raised.value.code == 2
    assert message in capsys.readouterr().err
