"""Where kerasgan keeps files: its cache, the built-in zoo, and content hashes.

Shared by the metrics (cached statistics, the domain classifiers in the zoo) and the
zoo (downloads, preset hashes); it lives here, below both, so neither imports the other.
"""

import hashlib
import os
import pathlib


def cache_dir():
    """`$KERASGAN_CACHE`, else `~/.cache/kerasgan`."""
    default = pathlib.Path("~/.cache/kerasgan").expanduser()
    return pathlib.Path(os.environ.get("KERASGAN_CACHE", default)).expanduser()


def zoo_root():
    """The folder of the built-in zoo.

    `$KERASGAN_ZOO` if set; else the zoo installed with the package
    (`kerasgan/_zoo`, from `pip install .`); else the repository's `zoo/` (a source
    checkout or an editable install).
    """
    if os.environ.get("KERASGAN_ZOO"):
        return pathlib.Path(os.environ["KERASGAN_ZOO"])
    package = pathlib.Path(__file__).resolve().parents[1]
    installed = package / "_zoo"
    return installed if installed.is_dir() else package.parent / "zoo"


def sha256_of(path):
    """sha256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
