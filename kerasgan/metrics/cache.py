"""The kerasgan cache folder and content hashes."""

import hashlib
import os
import pathlib


def cache_dir():
    """`$KERASGAN_CACHE`, else `~/.cache/kerasgan`."""
    default = pathlib.Path("~/.cache/kerasgan").expanduser()
    return pathlib.Path(os.environ.get("KERASGAN_CACHE", default)).expanduser()


def sha256_of(path):
    """sha256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
