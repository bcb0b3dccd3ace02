"""Every code block of README.md and docs/*.md runs, top to bottom, on this backend.

The convention, for writers of the docs:

- ```python blocks run in order in one namespace per page, in a fresh folder (so
  `runs/...` paths are the page's own); a page's first block imports what it uses.
- ```bash blocks run in order with the page's Python blocks, in the same folder, with
  `bash -e`. A leading `pip install ... &&` is not run: installing needs the network,
  and `.ci/run` installs from the same lines in a fresh virtual environment.
- ```text blocks, and blocks with no language, are output, pseudo-code, listings, or
  the commands that regenerate a generated section (inside its markers, where the
  generating script writes them): never run.
- Any other block is preceded by `<!-- not run: <the reason> -->`, which the test
  shows as the reason it skipped the block (and refuses without a reason).
- Training is scaled by the environment variables `EPOCHS`, which every snippet that
  trains reads (`--epochs ${EPOCHS:-10}` in bash, `int(os.environ.get("EPOCHS", 5))`
  in Python), and `STEPS`, batches per epoch (`steps_per_epoch=STEPS` in Python, where
  it defaults to the whole dataset); this test sets `EPOCHS=1 STEPS=2`.
- Snippets that need real Fashion-MNIST (the Debian package `dataset-fashion-mnist`
  or internet access) skip the rest of their page, saying so, when it is unavailable.

Output of shell commands must not hold TensorFlow's C++ log lines (issue 20).
"""

import contextlib
import io
import os
import pathlib
import re
import subprocess
import time

import pytest
from conftest import require_real_fashion_mnist
from conftest import subprocess_env

ROOT = pathlib.Path(__file__).resolve().parents[1]
# docs/apps/*.md (the applications) run in the default suite: their snippets are small.
PAGES = [
    "README.md",
    *sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("docs/*.md")),
    *sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("docs/apps/*.md")),
]
# One page per variant, each with the snippet that trains it: 15 to 20 minutes per
# backend on 2 CPU cores (StyleGAN2's regularizer phases compile for minutes), so
# they run with `-m slow` (`python scripts/run_tests.py -m slow tests/test_doc_snippets.py`).
VARIANT_PAGES = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("docs/variants/*.md"))
BLOCK = re.compile(
    r"(?:<!-- not run: (?P<reason>[^>]*?) -->\n)?^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
RUN = ("python", "bash")
NEVER_RUN = ("text", "")
INSTALL_PREFIX = re.compile(r"^pip install [^\n]*?&& ", re.MULTILINE)
# Real Fashion-MNIST, or the sets derived from it (edges2fashion, sneaker2boot, ...-sr4).
NEEDS_FASHION_MNIST = re.compile(
    r"""(load|load_numpy)\("(fashion-mnist|edges2fashion|sneaker2boot)"""
    r"""|--dataset (fashion-mnist|edges2fashion|sneaker2boot)|evaluate\(.*"fashion-mnist\""""
)
TF_LOG_LINE = re.compile(r"^[IWEF]\d{4} |absl::InitializeLog", re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def _shared_jax_compilation_cache(tmp_path_factory):
    """On JAX, one compilation cache for the module's processes: the pages train the
    same DCGAN step again and again (in-process, and in every `kerasgan train`), and
    compiling it takes longer than the 2 steps they run."""
    import keras

    if keras.backend.backend() != "jax":
        yield
        return
    import jax

    folder = str(tmp_path_factory.mktemp("jax_cache"))
    previous = jax.config.jax_compilation_cache_dir
    jax.config.update("jax_compilation_cache_dir", folder)
    os.environ["JAX_COMPILATION_CACHE_DIR"] = folder  # for the commands run
    try:
        yield
    finally:
        os.environ.pop("JAX_COMPILATION_CACHE_DIR", None)
        jax.config.update("jax_compilation_cache_dir", previous)


def blocks(page):
    """`(line, language, code, reason-not-run)` of every fenced block of a page."""
    text = (ROOT / page).read_text()
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("lang")) + 1
        yield line, match["lang"], match["code"], match["reason"]


def test_every_block_is_run_or_says_why_not():
    unexplained = []
    for page in PAGES + VARIANT_PAGES:
        for line, lang, _, reason in blocks(page):
            if lang in RUN or lang in NEVER_RUN:
                continue
            if not (reason and reason.strip()):
                unexplained.append(f"{page}:{line} ```{lang}")
    assert not unexplained, (
        "blocks that neither run (```python, ```bash) nor are ```text, and have no "
        "'<!-- not run: reason -->' line: " + ", ".join(unexplained)
    )


@pytest.mark.parametrize(
    "page", PAGES + [pytest.param(page, marks=pytest.mark.slow) for page in VARIANT_PAGES]
)
def test_page_runs_top_to_bottom(page, backend_name, tmp_path, monkeypatch):
    runnable = [b for b in blocks(page) if b[1] in RUN and not b[3]]
    if not runnable:
        pytest.skip(f"{page} has no code block to run")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EPOCHS", "1")
    monkeypatch.setenv("STEPS", "2")
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    namespace = {"__name__": "__docs__"}
    timings = []
    for line, lang, code, _ in runnable:
        if NEEDS_FASHION_MNIST.search(code):
            require_real_fashion_mnist()
        start = time.perf_counter()
        where = f"{page}:{line}"
        if lang == "python":
            run_python_block(code, where, namespace)
        else:
            run_bash_block(code, where, backend_name, tmp_path)
        timings.append(f"{where} {time.perf_counter() - start:.0f}s")
    print("\n".join(timings))


def run_python_block(code, where, namespace):
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            # Running the docs' own code is the point of this test.
            exec(compile(code, where, "exec"), namespace)  # noqa: S102
    except Exception as error:
        raise AssertionError(f"the block at {where} failed: {error!r}") from error


def run_bash_block(code, where, backend_name, folder):
    script = INSTALL_PREFIX.sub("", code)
    env = subprocess_env(backend_name)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # what a user's shell has
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"the block at {where} failed:\n{output[-3000:]}"
    assert not TF_LOG_LINE.search(output), f"TensorFlow log lines at {where}:\n{output}"


def test_blocks_are_read_with_their_language_and_reason():
    sample = (
        "text\n<!-- not run: needs a GPU -->\n```bash\nnvidia-smi\n```\n"
        "```python\nx = 1\n```\n"
    )
    found = [(m["lang"], m["code"], m["reason"]) for m in BLOCK.finditer(sample)]
    assert found == [("bash", "nvidia-smi\n", "needs a GPU"), ("python", "x = 1\n", None)]


def test_ci_runs_the_readme_commands_test_verbatim():
    commands = [code.strip() for _, lang, code, _ in blocks("README.md") if lang == "bash"]
    test_command = next(c for c in commands if "scripts/run_tests.py" in c)
    assert test_command in (ROOT / ".ci/run").read_text().splitlines()
