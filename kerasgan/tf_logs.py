"""Keeps TensorFlow's C++ log lines out of kerasgan's output.

TensorFlow logs through absl straight to the process's stderr: when it is imported, a
oneDNN notice and absl's "All log messages before absl::InitializeLog()" banner
(whatever TF_CPP_MIN_LOG_LEVEL says: they come before absl reads it), CPU-feature
notices, and during training grappler's "remapper failed: INVALID_ARGUMENT" errors,
which are harmless (grappler skips one fusion). To a new user, 5-10 such lines on every
command look like failure. `import kerasgan` raises TF_CPP_MIN_LOG_LEVEL to 3 and drops
the import notices, wherever TensorFlow is imported later (by Keras on its TensorFlow
backend, by tf.data, by `keras.utils.set_random_seed` on the other backends). A user who
sets TF_CPP_MIN_LOG_LEVEL (e.g. to 0) gets TensorFlow's own logging, untouched.

This module imports nothing from kerasgan or any framework: `kerasgan/__init__.py`
calls it before Keras (and so TensorFlow) is imported.
"""

import contextlib
import importlib.abc
import importlib.util
import os
import sys
import tempfile

# Lines TensorFlow prints at import whatever TF_CPP_MIN_LOG_LEVEL is.
_IMPORT_NOTICES = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
)


_level_set_here = False  # whether TF_CPP_MIN_LOG_LEVEL is ours, not the user's


def environment_for_child(env):
    """`env` for a kerasgan process this one starts (`--backend` re-executes the CLI).

    Without the TF_CPP_MIN_LOG_LEVEL this module set: inherited, it would read as the
    user's choice, and the child would leave TensorFlow's import notices in its
    output; the child quiets TensorFlow itself. A level the user set is kept.
    """
    env = dict(env)
    if _level_set_here:
        env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    return env


def quiet_tensorflow_logs():
    """Hides TensorFlow's C++ logs unless the user chose a level; call before TF loads.

    Sets TF_CPP_MIN_LOG_LEVEL=3 (fatal errors only) and filters the notices TensorFlow
    prints while it is imported. Returns whether it did (False: the user's
    TF_CPP_MIN_LOG_LEVEL is kept, or TensorFlow is loaded already).
    """
    global _level_set_here
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ or "tensorflow" in sys.modules:
        return False
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    _level_set_here = True
    if not any(isinstance(f, _TensorFlowImportFilter) for f in sys.meta_path):
        sys.meta_path.insert(0, _TensorFlowImportFilter())
    return True


class _TensorFlowImportFilter(importlib.abc.MetaPathFinder):
    """Runs the import of `tensorflow`, wherever it happens, with its notices dropped.

    It finds TensorFlow's spec with the other finders and wraps only that spec's
    `exec_module` (an attribute of this one loader instance, removed again after the
    import), so the module and its loader are TensorFlow's own. Libraries also look
    TensorFlow up without importing it (`importlib.util.find_spec`); the finder
    leaves `sys.meta_path` only once TensorFlow has been executed.
    """

    def __init__(self):
        self._searching = False

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow" or self._searching:
            return None
        self._searching = True  # the lookup below asks this finder again
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._searching = False
        if spec is not None and spec.loader is not None:
            _drop_notices_while_executing(spec.loader, self)
        return spec


def _drop_notices_while_executing(loader, finder):
    execute = loader.exec_module

    def exec_module(module):
        try:
            with import_notices_dropped():
                execute(module)
        finally:
            del loader.exec_module  # back to the loader class's own method
            if finder in sys.meta_path:
                sys.meta_path.remove(finder)

    loader.exec_module = exec_module


@contextlib.contextmanager
def import_notices_dropped():
    """Captures the stderr file descriptor; writes back all but TF's import notices.

    Everything else written to stderr meanwhile (a real error) is written back when
    the block ends.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no stderr file descriptor (e.g. pythonw)
        yield
        return
    with tempfile.TemporaryFile() as capture:
        sys.stderr.flush()
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            _write_back(capture.read().decode(errors="replace"))


def _write_back(text):
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not any(notice in line for notice in _IMPORT_NOTICES)
    ]
    if kept:
        sys.stderr.write("".join(kept))
        sys.stderr.flush()
