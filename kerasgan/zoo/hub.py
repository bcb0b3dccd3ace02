"""Presets in a Hugging Face repository, `hf://owner/name`, as keras-hub resolves them.

A preset folder (the files `gan.save_to_preset` writes) uploaded as the files of a
Hugging Face model repository is downloaded file by file into the kerasgan cache,
`metadata.json` first: its sha256 must be the one pinned (by the zoo's registry of
hosted entries, or by the caller), and it holds the sha256 of every other file, which
`load` checks before reading any weights. `HF_ENDPOINT` points the download at another
server (a mirror, or a loopback server in tests).
"""

import os
import pathlib
import re
import shutil

from kerasgan.utils.storage import cache_dir
from kerasgan.utils.storage import private_folder
from kerasgan.utils.storage import sha256_of
from kerasgan.zoo import preset as preset_lib

SCHEME = "hf://"
# owner/name, optionally @revision (a branch, tag or commit).
URI = re.compile(r"^hf://(?P<repo>[\w.\-]+/[\w.\-]+)(?:@(?P<revision>[\w.\-/]+))?/?$")


def parse(uri):
    """`(repo_id, revision)` of `hf://owner/name[@revision]`; revision "main" if absent."""
    match = URI.match(uri)
    if not match:
        raise preset_lib.PresetError(
            f"{uri!r} is not a Hugging Face preset address: write hf://owner/name or "
            "hf://owner/name@revision."
        )
    return match["repo"], match["revision"] or "main"


def download(uri, metadata_sha256):
    """The local folder of the preset at `uri`, its `metadata.json` checked.

    Args:
        uri: `hf://owner/name[@revision]`.
        metadata_sha256: the sha256 its `metadata.json` must have.

    Returns:
        A `pathlib.Path` to a folder of plain files (no links into a shared cache),
        ready for `load_preset`, which checks the other files' sha256.
    """
    repo_id, revision = parse(uri)
    folder = private_folder(cache_dir() / "zoo" / "hf" / repo_id / revision)
    if _complete(folder, metadata_sha256):
        return folder  # downloaded before: read offline, no request made
    hub = _huggingface_hub()
    metadata = _fetch(hub, repo_id, revision, preset_lib.METADATA, folder)
    actual = sha256_of(metadata)
    if actual != metadata_sha256:
        # A changed repository (or a wrong pin): nothing of it is kept or trusted.
        shutil.rmtree(folder, ignore_errors=True)
        raise preset_lib.PresetError(
            f"{uri}: metadata.json has sha256 {actual[:12]}…, not the pinned "
            f"{metadata_sha256[:12]}…. The repository changed since the entry was "
            "pinned; pin its new sha256 only if you trust the new files."
        )
    files = preset_lib.read_metadata(folder).get("files", {})
    for name, sha256 in files.items():
        preset_lib.check_file_name(name, folder)
        if not _matches(folder / name, sha256):  # cached files are not fetched again
            _fetch(hub, repo_id, revision, name, folder)
    return folder


def download_file(uri, name, sha256):
    """Downloads one more file of the preset at `uri` (a lean preset's training
    state) into its folder, unless there already; refused unless it has `sha256`."""
    repo_id, revision = parse(uri)
    folder = private_folder(cache_dir() / "zoo" / "hf" / repo_id / revision)
    preset_lib.check_file_name(name, folder)
    if _matches(folder / name, sha256):
        return folder / name
    path = _fetch(_huggingface_hub(), repo_id, revision, name, folder)
    if sha256_of(path) != sha256:
        path.unlink(missing_ok=True)
        raise preset_lib.PresetError(
            f"{uri}: {name} does not match its sha256 in metadata.json "
            f"({sha256[:12]}…); the file was not kept."
        )
    return path


def _complete(folder, metadata_sha256):
    """Whether `folder` holds the pinned metadata.json and every file it lists."""
    if not _matches(folder / preset_lib.METADATA, metadata_sha256):
        return False
    files = preset_lib.read_metadata(folder).get("files", {})
    return all(_matches(folder / name, sha256) for name, sha256 in files.items())


def _matches(path, sha256):
    return path.is_file() and not path.is_symlink() and sha256_of(path) == sha256


def _fetch(hub, repo_id, revision, name, folder):
    try:
        # local_dir: plain files in our folder; written to a temporary name, then moved.
        return pathlib.Path(
            hub.hf_hub_download(
                repo_id,
                name,
                revision=revision,
                local_dir=folder,
                endpoint=os.environ.get("HF_ENDPOINT"),
            )
        )
    except Exception as error:  # network, missing repository or file
        raise preset_lib.PresetError(
            f"Could not download {name} of hf://{repo_id}@{revision}: "
            f"{type(error).__name__}: {error}"
        ) from None


def _huggingface_hub():
    try:
        import huggingface_hub
    except ImportError:
        raise ImportError(
            "hf:// presets are downloaded with huggingface_hub: "
            "`pip install huggingface_hub` (or kerasgan[hub])."
        ) from None
    return huggingface_hub
