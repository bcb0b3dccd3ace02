"""Not part of the package: the root of the kerasgan repository.

Python imports this file as `kerasgan` only when it runs in the folder that holds a
clone named `kerasgan`, since the current directory comes first on `sys.path`. Without
it the clone would become an empty namespace package that hides the installed kerasgan
(`module 'kerasgan' has no attribute 'metrics'`), because an editable install's finder
is consulted after the path. This file hands the import over to the installed package,
or, where none is installed, says what to do.
"""

import importlib.util
import os
import sys


def _installed_spec():
    """The spec of the kerasgan package found without the clone's parent folder."""
    parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    saved_path = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != parent]
    try:
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec("kerasgan", None) if find_spec else None
            # A namespace spec (no loader or no file) is another empty folder.
            if spec is not None and spec.loader is not None and spec.origin not in (None, "namespace"):
                return spec
    finally:
        sys.path[:] = saved_path
    return None


def _import_installed_package():
    spec = _installed_spec()
    if spec is None:
        raise ImportError(
            f"'import kerasgan' found {os.path.dirname(os.path.abspath(__file__))}, a clone "
            "of the kerasgan repository, and no installed kerasgan package. Install it "
            "(pip install -e <that folder>, see its README), or run Python from inside "
            "the folder."
        )
    module = importlib.util.module_from_spec(spec)
    # The import system returns what sys.modules holds once this file has run.
    sys.modules["kerasgan"] = module
    spec.loader.exec_module(module)


if __name__ == "kerasgan":
    _import_installed_package()
