"""kerasgan in a new user's environment: TensorFlow's log lines, the umask, a folder
named `kerasgan` in the working directory."""

import os
import pathlib
import re
import stat
import subprocess
import sys

from conftest import subprocess_env

from kerasgan import tf_logs
from kerasgan.utils import files

ROOT = pathlib.Path(__file__).resolve().parents[1]
# absl's C++ log lines ("I0000 00:00:1796231257.118211 7335 port.cc:153] ...") and the
# banner it prints before its own initialisation.
TF_LOG_LINE = re.compile(r"^[IWEF]\d{4} |absl::InitializeLog", re.MULTILINE)
IMPORTS_TENSORFLOW = "import kerasgan, tensorflow; print('imported')"


def run_python(code, env, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_importing_tensorflow_after_kerasgan_prints_no_tensorflow_log_line(backend_name):
    env = subprocess_env(backend_name)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    quiet = run_python(IMPORTS_TENSORFLOW, env)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.strip() == "imported"
    assert not TF_LOG_LINE.search(quiet.stderr), quiet.stderr


def test_a_log_level_the_user_sets_is_kept(monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    assert not tf_logs.quiet_tensorflow_logs()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


def test_atomic_writes_give_files_the_mode_of_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        files.write_json(tmp_path / "group.json", {"a": 1})
        os.umask(0o022)
        files.write_json(tmp_path / "world.json", {"a": 1})
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "group.json").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "world.json").stat().st_mode) == 0o644


def test_a_folder_named_kerasgan_in_the_working_directory_is_named_in_the_error(
    tmp_path, backend_name
):
    """An editable install is found after the working directory, whose folder
    `kerasgan` becomes an empty namespace package; a regular install wins over it."""
    (tmp_path / "kerasgan").mkdir()
    code = "import kerasgan\nfrom kerasgan import data"
    result = run_python(code, subprocess_env(backend_name), cwd=tmp_path)
    shadowed = "found the folder" in result.stderr
    if shadowed:
        assert result.returncode == 1
        assert str(tmp_path / "kerasgan") in result.stderr
        assert "Run Python from another directory" in result.stderr
    else:  # a regular (non-editable) install: the package is found, nothing to say
        assert result.returncode == 0, result.stderr


def clone_named_kerasgan(parent):
    """A folder `kerasgan` holding what matters of a clone: the repository root's
    `__init__.py` and an (empty) package folder inside it."""
    clone = parent / "kerasgan"
    (clone / "kerasgan").mkdir(parents=True)
    (clone / "__init__.py").write_text((ROOT / "__init__.py").read_text())
    return clone


def test_a_clone_named_kerasgan_in_the_working_directory_hands_over_to_the_installed_package(
    tmp_path, backend_name
):
    clone_named_kerasgan(tmp_path)
    code = "import kerasgan\nprint(kerasgan.__file__)\nprint(kerasgan.metrics.__name__)"
    result = run_python(code, subprocess_env(backend_name), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    package_file, metrics = result.stdout.split()
    assert package_file == str(ROOT / "kerasgan" / "__init__.py") or "site-packages" in package_file
    assert metrics == "kerasgan.metrics"


def test_a_clone_named_kerasgan_without_an_install_says_how_to_install(tmp_path):
    clone = clone_named_kerasgan(tmp_path)
    # -S: no site-packages (no install, no editable finder); no PYTHONPATH.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import kerasgan"],
        check=False, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert f"'import kerasgan' found {clone}, a clone" in result.stderr
    assert "pip install -e" in result.stderr
