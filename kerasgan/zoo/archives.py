"""Extracting a downloaded preset archive so that only the archive's files are read.

An extraction folder in the cache is reused only while it holds exactly the
archive's files with the archive's bytes; otherwise the archive is extracted into a
fresh temporary folder that is renamed into place. Links, devices and paths that
leave the folder are refused, and nothing is unpickled or executed.
"""

import hashlib
import os
import pathlib
import shutil
import stat
import tarfile
import tempfile
import zipfile

from kerasgan.utils.storage import sha256_of
from kerasgan.zoo.preset import PresetError


def extract_checked(archive, folder):
    """Extracts `archive` (.tar.gz or .zip) into `folder`, unless it already matches.

    Args:
        archive: the archive's path (its sha256 already checked).
        folder: the extraction folder; replaced when its files differ from the
            archive's in any way (an extra, missing or changed file, a link).

    Returns:
        `folder`, a `pathlib.Path`.
    """
    archive, folder = pathlib.Path(archive), pathlib.Path(folder)
    expected = archive_digests(archive)
    if folder_digests(folder) == expected:
        return folder
    fresh = pathlib.Path(tempfile.mkdtemp(dir=folder.parent, prefix=".extract-"))
    try:
        _extract(archive, fresh)
        if folder_digests(fresh) != expected:
            raise PresetError(f"Extracting {archive} gave other files than it holds.")
        _move_into_place(fresh, folder, expected)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return folder


def archive_digests(archive):
    """`{relative path: sha256}` of an archive's files; refuses unsafe members."""
    digests = {}
    for name, kind, read in _members(archive):
        _check_member_name(name, archive)
        if kind == "file":
            digests[name] = hashlib.sha256(read()).hexdigest()
        elif kind != "dir":
            raise PresetError(
                f"{archive} holds {name!r}, a {kind}; a preset archive holds plain "
                "files and folders only."
            )
    return digests


def folder_digests(folder):
    """`{relative path: sha256}` of a folder's files; None if it holds anything else.

    None as well when the folder is missing or is itself a link, so that such a
    folder never matches an archive.
    """
    folder = pathlib.Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return None
    digests = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = pathlib.Path(root) / name
            mode = os.lstat(path).st_mode
            relative = path.relative_to(folder).as_posix()
            if stat.S_ISREG(mode):
                digests[relative] = sha256_of(path)
            elif not stat.S_ISDIR(mode):
                return None  # a link or a device: never the archive's
    return digests


def _members(archive):
    """`(name, kind, read)` for each member: kind is "file", "dir" or another kind."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as handle:
            for info in handle.infolist():
                yield info.filename.rstrip("/"), _zip_kind(info), _reader(handle, info)
        return
    with tarfile.open(archive, "r:*") as handle:
        for member in handle:
            yield member.name, _tar_kind(member), _tar_reader(handle, member)


def _zip_kind(info):
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "link"
    return "dir" if info.is_dir() else "file"


def _tar_kind(member):
    if member.isreg():
        return "file"
    if member.isdir():
        return "dir"
    return "link" if member.issym() or member.islnk() else "special file"


def _reader(handle, info):
    return lambda: handle.read(info)


def _tar_reader(handle, member):
    return lambda: handle.extractfile(member).read()


def _check_member_name(name, archive):
    path = pathlib.PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name:
        raise PresetError(
            f"{archive} holds the path {name!r}, which leaves the extraction folder."
        )


def _extract(archive, destination):
    """Writes each file of `archive` below `destination` (names already checked)."""
    for name, kind, read in _members(archive):
        _check_member_name(name, archive)
        path = destination / name
        if kind == "dir":
            path.mkdir(parents=True, exist_ok=True)
        elif kind == "file":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(read())


def _move_into_place(fresh, folder, expected):
    """Renames `fresh` to `folder`, replacing whatever `folder` held."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        stale = pathlib.Path(tempfile.mkdtemp(dir=folder.parent, prefix=".stale-"))
        os.replace(folder, stale / "old")
        shutil.rmtree(stale, ignore_errors=True)
    try:
        os.replace(fresh, folder)
    except OSError:
        # Another process extracted the same archive first; its folder will do.
        if folder_digests(folder) != expected:
            raise
