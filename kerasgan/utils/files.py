"""Atomic file writes: a reader never sees a half-written file."""

import contextlib
import json
import os
import pathlib
import tempfile


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path`; renames it over `path` on success.

    Example:

    ```python
    with atomic_path("runs/grid.png") as tmp:
        image.save(tmp, format="PNG")
    ```
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name keeps the suffixes: Keras checks them (".keras", ".weights.h5").
    suffix = "".join(path.suffixes)
    stem = path.name[: len(path.name) - len(suffix)]
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{stem}-tmp-", suffix=suffix)
    os.close(handle)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_json(path, value):
    """Writes `value` as indented JSON, atomically."""
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_text(json.dumps(value, indent=2) + "\n")
    return path
