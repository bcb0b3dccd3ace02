"""Where kerasgan keeps files: its cache, the built-in zoo, and content hashes.

Shared by the metrics (cached statistics, the domain classifiers in the zoo) and the
zoo (downloads, preset hashes); it lives here, below both, so neither imports the other.
"""

import hashlib
import os
import pathlib
import stat


def cache_dir():
    """`$KERASGAN_CACHE`, else `~/.cache/kerasgan`."""
    default = pathlib.Path("~/.cache/kerasgan").expanduser()
    return pathlib.Path(os.environ.get("KERASGAN_CACHE", default)).expanduser()


def private_folder(path):
    """Creates `path` readable and writable by this user only, and returns it.

    Downloads go there: a folder others can write to would let them choose the
    files kerasgan reads. An existing folder of this user is made private; one owned
    by another user is refused.

    Raises:
        PermissionError: `path` is a link or belongs to another user.
    """
    path = pathlib.Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(path)
    owner_is_other = hasattr(os, "getuid") and info.st_uid != os.getuid()
    if stat.S_ISLNK(info.st_mode) or owner_is_other:
        raise PermissionError(
            f"{path} is a link or belongs to another user; kerasgan keeps downloads "
            "in a folder of yours only. Set KERASGAN_CACHE to a folder of your own."
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o700)
    return path


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
