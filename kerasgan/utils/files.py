"""Atomic file writes: a reader never sees a half-written file."""

import contextlib
import json
import os
import pathlib
import re
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
    tmp = _temporary_file_beside(path)
    try:
        yield tmp
        # mkstemp creates the file 0600; give it the mode a plain open() would, so
        # TensorBoard or a web server running as another user can read the outputs.
        os.chmod(tmp, 0o666 & ~_current_umask())
        try:
            os.replace(tmp, path)
        except OSError as error:
            raise WriteError(path, error) from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


class WriteError(OSError):
    """A file kerasgan was asked to write could not be written (not a usage error).

    Args:
        path: the file.
        error: the `OSError` behind it.
    """

    def __init__(self, path, error):
        reason = error.strerror or str(error)
        super().__init__(error.errno, f"Cannot write {path}: {reason}.")
        self.path = pathlib.Path(path)

    def __str__(self):
        return self.strerror


def _temporary_file_beside(path):
    """Creates an empty temporary file in `path`'s folder (created if needed)."""
    # The temporary name keeps the suffixes: Keras checks them (".keras", ".weights.h5").
    suffix = "".join(path.suffixes)
    stem = path.name[: len(path.name) - len(suffix)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{stem}-tmp-", suffix=suffix
        )
    except OSError as error:
        raise WriteError(path, error) from None
    os.close(handle)
    return tmp


def check_writable(folder):
    """Raises `WriteError` now unless files can be created in `folder` (made if needed).

    Long jobs call it before they start, not at their first write.
    """
    probe = pathlib.Path(folder) / ".kerasgan-write-check"
    os.remove(_temporary_file_beside(probe))


def _current_umask():
    """The process's umask (os.umask can only be read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_json(path, value):
    """Writes `value` as indented JSON, atomically."""
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_text(json.dumps(value, indent=2) + "\n")
    return path


def _marked(name):
    return re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", re.S)


def replace_marked_section(path, name, text):
    """Replaces, atomically, the text between `<!-- name:start -->` and
    `<!-- name:end -->` lines of a file (generated parts of the docs)."""
    content = pathlib.Path(path).read_text()
    pattern = _marked(name)
    if not pattern.search(content):
        raise ValueError(f"{path} has no '{name}' markers.")
    content = pattern.sub(lambda m: m.group(1) + text + "\n" + m.group(3), content)
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_text(content)


def marked_table_rows(path, name):
    """The cells (stripped) of each body row of the Markdown table between a file's
    `name` markers: header and separator rows left out; [] without the markers."""
    found = _marked(name).search(pathlib.Path(path).read_text())
    lines = [line for line in (found.group(2) if found else "").splitlines()
             if line.startswith("|")]
    separator = [set(line.strip()) <= set("|-: ") for line in lines]
    header = separator[1:] + [False]  # the line above a separator
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line, sep, head in zip(lines, separator, header) if not (sep or head)]
