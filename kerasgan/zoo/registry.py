"""The zoo registry: one resolver from a preset name, folder or URL to a folder.

Accepted forms, tried in this order:
1. a built-in name (`kerasgan.zoo.names()`), a folder of the installed zoo;
2. a local preset folder (holding `metadata.json`);
3. an `https://` (or `file://`) URL of a `.tar.gz`/`.zip` of a preset folder, with
   its sha256: downloaded once into the kerasgan cache with `keras.utils.get_file`;
4. `hf://owner/name[@revision]`, a preset folder published as a Hugging Face
   repository, with the sha256 of its `metadata.json` (which pins every other file).

A name of the hosted registry (`kerasgan/zoo/hosted.json`) that is not installed
resolves to its pinned address: its files are downloaded once, then read offline.
"""

import fnmatch
import os
import pathlib
import re

import keras

from kerasgan.models import registry as models_registry
from kerasgan.utils.storage import cache_dir
from kerasgan.utils.storage import private_folder
from kerasgan.utils.storage import sha256_of
from kerasgan.utils.storage import zoo_root
from kerasgan.zoo import archives
from kerasgan.zoo import hosted
from kerasgan.zoo import hub
from kerasgan.zoo import preset as preset_lib

NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
URL_SCHEMES = ("https://", "file://")
# What `list()` shows of each entry.
LISTED = ("variant", "dataset", "generator_parameters", "size_mb", "metrics")
# Folders of the zoo that are not GAN entries.
NOT_ENTRIES = ("classifiers",)


def names():
    """Names of the zoo's entries (installed and hosted), sorted."""
    return sorted({*installed_names(), *hosted.entries()})


def installed_names():
    """Names of the entries whose files are installed with the package."""
    root = zoo_root()
    if not root.is_dir():
        return []
    return sorted(
        path.name
        for path in root.iterdir()
        if path.name not in NOT_ENTRIES and (path / preset_lib.METADATA).is_file()
    )


def _accepted_forms():
    known = ", ".join(names()) or "(none installed)"
    return (
        "Pass a built-in name, a preset folder (written by `gan.save_to_preset`) or "
        "an https:// URL of a .tar.gz/.zip preset or an hf://owner/name repository, "
        "with sha256=... Built-in names: "
        f"{known}."
    )


def resolve(preset, sha256=None):
    """The local folder of a preset name, folder or URL (see the module docstring).

    Args:
        preset: a built-in name, a folder path, or an `https://` URL.
        sha256: the archive's sha256; required for URLs.

    Returns:
        A `pathlib.Path` to the preset folder.
    """
    text = _checked_text(preset)
    if text.startswith(URL_SCHEMES + (hub.SCHEME,)):
        return _download(text, sha256)
    if "://" in text:
        raise preset_lib.PresetError(
            f"{text!r}: only https:// (and file://) URLs and hf:// repositories are "
            "accepted. " + _accepted_forms()
        )
    if NAME.match(text) and text not in NOT_ENTRIES:
        built_in = zoo_root() / text
        if _is_folder(built_in) and (built_in / preset_lib.METADATA).is_file():
            return built_in
        record = hosted.get(text)
        if record is not None:
            return _download(record["url"], record["sha256"])
    folder = pathlib.Path(text).expanduser()
    if _is_folder(folder):
        return folder
    raise ValueError(f"Unknown preset {_shortened(text)}. " + _accepted_forms())


def _checked_text(preset):
    """`preset` as text; an empty one would resolve to the current folder."""
    if not isinstance(preset, (str, os.PathLike)):
        raise TypeError(
            f"A preset is a name, folder or URL string; got {type(preset).__name__}."
        )
    text = os.fspath(preset)
    if not text.strip():
        raise ValueError("The preset name is empty. " + _accepted_forms())
    return text


def _is_folder(path):
    try:
        return path.is_dir()
    except OSError:  # a name too long for the file system, a path through a file
        return False


def _shortened(text, limit=120):
    """`repr(text)`, cut to `limit` characters: error messages stay readable."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters)"


def _download(url, sha256):
    """The preset folder at `url`, downloaded (and extracted) once.

    An `hf://` repository is fetched file by file, its `metadata.json` checked against
    `sha256` (see `kerasgan.zoo.hub`). An archive is checked against `sha256` by
    `keras.utils.get_file`; the folder it is extracted into is used only while its
    files are exactly the archive's (a file planted there, or a changed one, gets the
    folder extracted again).
    """
    if not sha256 or not re.fullmatch(r"[0-9a-f]{64}", str(sha256)):
        pinned = "its metadata.json's" if url.startswith(hub.SCHEME) else "its"
        raise preset_lib.PresetError(
            f"Loading {url} needs {pinned} sha256 (64 hex digits): "
            "kerasgan.zoo.load(url, sha256=...)."
        )
    if url.startswith(hub.SCHEME):
        return hub.download(url, sha256)
    folder = private_folder(cache_dir() / "zoo")
    archive = _fetch(url, sha256, folder)
    extracted = archives.extract_checked(archive, folder / f"{sha256[:16]}_preset")
    return _preset_folder_in(extracted, url)


def _fetch(url, sha256, folder):
    """Downloads `url` into `folder` (once); a file with another sha256 is deleted."""
    suffix = ".zip" if url.endswith(".zip") else ".tar.gz"
    target = folder / f"{sha256[:16]}{suffix}"
    try:
        # `cache_dir` exists and is writable, so get_file keeps to it instead of
        # falling back to the shared /tmp/.keras.
        return pathlib.Path(
            keras.utils.get_file(
                fname=target.name,
                origin=url,
                file_hash=sha256,
                hash_algorithm="sha256",
                cache_dir=str(folder.parent),
                cache_subdir=folder.name,
            )
        )
    except ValueError as error:
        # get_file leaves a file that failed its hash check in the cache.
        target.unlink(missing_ok=True)
        raise preset_lib.PresetError(
            f"The file at {url} does not match sha256={sha256}: {error} Check the "
            "URL and the sha256 you were given."
        ) from None


def _preset_folder_in(path, url):
    """The preset folder inside an extracted archive (itself or its only subfolder)."""
    candidates = [path, *(p for p in path.iterdir() if p.is_dir())]
    for candidate in candidates:
        if (candidate / preset_lib.METADATA).is_file():
            return candidate
    raise preset_lib.PresetError(
        f"The archive at {url} holds no preset folder (no {preset_lib.METADATA})."
    )


def load(preset, sha256=None, verify=True, training=False):
    """Loads a GAN from the zoo, a preset folder or a URL; its class from its config.

    Args:
        preset: a built-in name (`kerasgan.zoo.names()`), a folder written by
            `gan.save_to_preset`, or an `https://` URL of an archive of one.
        sha256: the archive's sha256, required for URLs.
        verify: check every file against the sha256 in `metadata.json` (leave on).
        training: every network (G, D, EMA G) for fine-tuning or resuming. A lean
            preset (`save_lean_preset`, what hosted entries are) then needs its
            training-state file: downloaded (checked) for hf:// presets and hosted
            entries; refused, saying how to get it, when it is not there.

    Returns:
        The GAN with its weights, ready for `generate`.

    Example:

    ```python
    gan = kerasgan.zoo.load("dcgan_fashion_mnist")
    images = gan.generate(16, seed=0)
    ```
    """
    folder = resolve(preset, sha256)
    if training:
        _fetch_training_state(preset, folder)
    return preset_lib.load_preset(folder, verify=verify, training=training)


def training_weights(preset, sha256=None):
    """The checked file holding every network of a preset (G, D, EMA G).

    A full preset's `model.weights.h5`; a lean preset's training-state file,
    downloaded for hf:// presets and hosted entries.

    Raises:
        PresetError: a lean preset without it, saying how to get it.
    """
    folder = resolve(preset, sha256)
    metadata = preset_lib.verify_preset(folder)
    if not preset_lib.is_lean(metadata):
        return folder / preset_lib.WEIGHTS
    _fetch_training_state(preset, folder)
    return preset_lib.training_state_path(folder, metadata, os.fspath(preset))


def _fetch_training_state(preset, folder):
    """Downloads a lean hf:// preset's training-state file into its folder (once)."""
    state = preset_lib.read_metadata(folder).get("training_state") or {}
    if not state or (folder / state.get("file", "")).is_file():
        return
    text = os.fspath(preset)
    record = hosted.get(text) if NAME.match(text) else None
    url = record["url"] if record else text
    if url.startswith(hub.SCHEME):
        hub.download_file(url, state["file"], state["sha256"])


def generator_parameters(counts, variant):
    """Parameters of the networks an entry samples or translates with.

    Those the variant's class names in `sampling_networks`: "generator", CycleGAN's
    two generators, LAPGAN's generator per level, StackGAN's text encoder,
    conditioning and both stages, the AAE's decoder (EMA copies and discriminators
    aside).
    """
    entry = models_registry.get(models_registry.name_of(variant))
    patterns = entry.cls.sampling_networks
    return sum(count for name, count in counts.items()
               if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns))


def info(preset, sha256=None):
    """Everything an entry's files say: metadata, metrics and the card's path.

    Returns:
        A dict: the metadata plus "name", "path", "metrics" (or None) and "card".
    """
    folder = resolve(preset, sha256)
    metadata = preset_lib.read_metadata(folder)
    metrics_file = folder / "metrics.json"
    card = folder / "README.md"
    return {
        "name": folder.name,
        "path": str(folder),
        **metadata,
        "metrics": preset_lib.read_json(metrics_file) if metrics_file.exists() else None,
        "card": str(card) if card.exists() else None,
    }


def list():  # noqa: A001 - the zoo's public verb; shadows the builtin here only
    """The zoo's entries: name, variant, dataset, parameters, size and metrics.

    Installed entries are described by their files; hosted ones not downloaded yet
    by their record in the registry (nothing is downloaded to list them).

    Returns:
        A list of dicts, one per entry, sorted by name.

    Example:

    ```python
    for entry in kerasgan.zoo.list():
        print(entry["name"], entry["variant"], entry["dataset"], entry["metrics"])
    ```
    """
    installed = set(installed_names())
    return [
        {"name": name, **(listed_fields(name) if name in installed else _hosted_fields(name))}
        for name in names()
    ]


def _hosted_fields(name):
    record = hosted.get(name)
    return {key: record.get(key) for key in LISTED}


def hosted_record(name, url, folder=None):
    """The hosted-registry record of the installed entry `name`, published at `url`.

    Pins the sha256 of its `metadata.json`, which holds every other file's sha256,
    and keeps what `list()` shows, so listing downloads nothing.

    Args:
        folder: the folder uploaded (its lean distribution preset); default the
            installed entry's. `size_mb` is then what `load` downloads.
    """
    record = {
        "url": url,
        "sha256": sha256_of(pathlib.Path(folder or resolve(name)) / preset_lib.METADATA),
        **listed_fields(name),
    }
    if folder is not None:
        files = [*preset_lib.read_metadata(folder)["files"], preset_lib.METADATA]
        size = sum((pathlib.Path(folder) / f).stat().st_size for f in files)
        record["size_mb"] = round(size / 2**20, 1)
    return record


def listed_fields(name):
    """What `list()` shows of an installed entry (also what the hosted registry holds)."""
    entry = info(name)
    folder = pathlib.Path(entry["path"])
    fields = {
        "variant": entry.get("variant"),
        "dataset": entry.get("dataset"),
        "generator_parameters": generator_parameters(
            entry.get("parameters", {}), entry["variant"]),
        "size_mb": round(
            sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 2**20, 1
        ),
        "metrics": headline_metrics(entry.get("metrics")),
    }
    return {key: fields[key] for key in LISTED}


def headline_metrics(metrics):
    """`{"fid[inception, N=1000]": 31.2, ...}`: each value with its extractor and N."""
    if not metrics:
        return {}
    headline = {}
    for result in metrics.get("results", []):
        key = f"{result['name']}[{result['extractor']}, N={result['num_fake']}]"
        headline[key] = result["value"]
    return headline
