"""A preset folder: `config.json`, `model.weights.h5`, `metadata.json` (+ extras).

`metadata.json` records the sha256 of every other file in the folder and a reference
slice of `generate(seed=0)`; loading checks both the hashes (a changed or truncated
file is named in the error) and, in the tests, the slice on every backend.
"""

import datetime
import fnmatch
import json
import pathlib
import re

import h5py
import keras
import numpy as np

from kerasgan.engine.protocols import DataToData
from kerasgan.utils.files import atomic_path
from kerasgan.utils.files import write_json
from kerasgan.utils.labels import fixed_labels
from kerasgan.utils.storage import sha256_of
from kerasgan.version import __version__

CONFIG = "config.json"
WEIGHTS = "model.weights.h5"
METADATA = "metadata.json"
REQUIRED = (CONFIG, WEIGHTS)
# File names a metadata.json may list: plain names inside the preset folder.
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
# The reference slice: `generate(REFERENCE_N, seed=REFERENCE_SEED)`, every
# REFERENCE_STRIDE-th pixel of each image (all coordinates of vector data).
REFERENCE_N, REFERENCE_SEED, REFERENCE_STRIDE = 2, 0, 2


class PresetError(ValueError):
    """A preset that cannot be trusted or read: missing, changed or unsafe files."""


def read_json(path):
    try:
        return json.loads(pathlib.Path(path).read_text())
    except json.JSONDecodeError as error:
        raise PresetError(f"{path} is not valid JSON ({error}).") from None


def read_metadata(directory):
    """A preset's `metadata.json`, which must hold a JSON object."""
    path = pathlib.Path(directory) / METADATA
    metadata = read_json(path)
    if not isinstance(metadata, dict):
        raise PresetError(
            f"{path} holds a JSON {type(metadata).__name__}; a preset's metadata is "
            "an object (written by `gan.save_to_preset`)."
        )
    return metadata


def reference_slice(gan_or_samples):
    """A small, backend-independent fingerprint of a model's samples.

    Args:
        gan_or_samples: a GAN (sampled with `generate(2, seed=0)`) or its samples.

    Returns:
        A flat float list: every second pixel of two images, or all coordinates.
    """
    samples = gan_or_samples
    if isinstance(samples, DataToData):
        samples = samples.translate(reference_inputs(samples))
    elif not isinstance(samples, np.ndarray):
        gan = gan_or_samples
        samples = gan.generate(
            REFERENCE_N, seed=REFERENCE_SEED, labels=fixed_labels(gan, REFERENCE_N)
        )
    if samples.ndim == 4:
        samples = samples[:, ::REFERENCE_STRIDE, ::REFERENCE_STRIDE, :]
    return [round(float(v), 6) for v in samples.reshape(-1)]


def reference_inputs(model):
    """The fixed inputs a data-to-data model's reference slice translates: uniform
    noise in [-1, 1] of its input shape, from a NumPy generator seeded
    `REFERENCE_SEED` (the same numbers on every backend)."""
    shape = tuple(model.data_spec()[0].shape)
    rng = np.random.default_rng(REFERENCE_SEED)
    return rng.uniform(-1, 1, (REFERENCE_N,) + shape).astype("float32")


def parameter_counts(gan):
    """Parameters per network: `{"generator": ..., "discriminator": ..., "ema_generator": ...}`."""
    counts = {name: network.count_params() for name, network in gan.networks.items()}
    for name in gan.ema_network_names:
        counts[f"ema_{name}"] = getattr(gan, f"ema_{name}").count_params()
    return counts


def model_config(gan):
    """The model's serialized config without its compile config.

    A preset holds networks; whoever fine-tunes it compiles it with their settings.
    """
    config = keras.saving.serialize_keras_object(gan)
    config.pop("compile_config", None)
    return config


def networks_only(gan):
    """A fresh copy of `gan` with its networks' weights and no optimizer state.

    `save_weights` on a compiled model also writes both optimizers' moments (twice
    the parameters again); a preset needs the networks (G, D, EMA G) only.
    """
    copy = type(gan).from_config(gan.get_config())
    # State that `compile` adds (a regularizer's running mean, historical averages)
    # is training state, not the networks': the uncompiled copy has none.
    added = {id(v) for v in _compile_state(gan)}
    copy.set_weights([w for v, w in zip(gan.weights, gan.get_weights()) if id(v) not in added])
    return copy


def _compile_state(gan):
    regularizers = getattr(gan, "regularizers", None) or ()
    state = [v for r in regularizers for v in r.regularizer.variables]
    return state + list(getattr(gan, "_historical_averages", None) or ())


def save_preset(gan, directory, metadata=None, extra_files=()):
    """Writes `gan` as a preset folder that `kerasgan.zoo.load` reads back.

    Every file is written atomically; `metadata.json` (written last) holds the
    sha256 of the others, so a reader never trusts a half-written preset.

    Args:
        gan: a kerasgan GAN.
        directory: the folder (created if needed).
        metadata: extra metadata entries (e.g. dataset, training time).
        extra_files: names of files already in `directory` to hash as well
            (e.g. "samples.png", "metrics.json").

    Returns:
        The folder, a `pathlib.Path`.
    """
    directory = pathlib.Path(directory)
    write_json(directory / CONFIG, model_config(gan))
    with atomic_path(directory / WEIGHTS) as tmp:
        networks_only(gan).save_weights(tmp)
    info = {
        "variant": type(gan).__name__,
        "kerasgan_version": __version__,
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "parameters": parameter_counts(gan),
        "data_shape": list(gan.data_shape),
        **(metadata or {}),
        "reference": {
            "n": REFERENCE_N,
            "seed": REFERENCE_SEED,
            "stride": REFERENCE_STRIDE,
            "values": reference_slice(gan),
        },
    }
    return rehash_preset(directory, info, extra_files)


def rehash_preset(directory, metadata=None, extra_files=()):
    """Rewrites `metadata.json` with the sha256 of the preset's files.

    Call it after adding a file (metrics.json, samples.png) to a preset.
    """
    directory = pathlib.Path(directory)
    if metadata is None:
        metadata = read_metadata(directory)
    names = sorted({*required_files(metadata), *metadata.get("files", {}), *extra_files})
    for name in names:
        check_file_name(name, directory)
    metadata = {
        **metadata,
        "files": {name: sha256_of(directory / name) for name in names},
    }
    write_json(directory / METADATA, metadata)
    return directory


def required_files(metadata):
    """The files a preset must list: its config and its weights (full or lean)."""
    weights = metadata.get("weights") or {}
    if weights.get("format") == "lean":
        return (CONFIG, weights.get("file", ""))
    return REQUIRED


def check_file_name(name, directory):
    if not FILE_NAME.match(name) or name == METADATA:
        raise PresetError(
            f"{directory / METADATA} lists the file name {name!r}; a preset's files "
            "are plain names inside its folder (no paths, not metadata.json)."
        )


def verify_preset(directory):
    """Checks every file of a preset against the sha256 in its metadata.json.

    Returns:
        The metadata dict.

    Raises:
        PresetError: naming the file that is missing, changed or truncated.
    """
    directory = pathlib.Path(directory)
    if not (directory / METADATA).is_file():
        raise PresetError(
            f"{directory} is not a kerasgan preset: it has no {METADATA}. Write presets "
            "with `gan.save_to_preset(directory)`."
        )
    metadata = read_metadata(directory)
    files = metadata.get("files", {})
    if not isinstance(files, dict):
        raise PresetError(
            f"{directory / METADATA}: \"files\" is a {type(files).__name__}; "
            "expected an object of file names and sha256 digests."
        )
    for name in required_files(metadata):
        if name not in files:
            raise PresetError(f"{directory / METADATA} records no sha256 for {name}.")
    for name, expected in files.items():
        check_file_name(name, directory)
        path = directory / name
        if path.is_symlink():
            # A link could point anywhere: hashing it would vouch for a file outside.
            raise PresetError(
                f"{path} is a symbolic link; a preset's files are plain files inside "
                "its folder. Replace the link with a copy of the file."
            )
        if not path.is_file():
            raise PresetError(f"{path} is missing; the preset lists it in {METADATA}.")
        actual = sha256_of(path)
        if actual != expected:
            raise PresetError(
                f"{path} does not match its sha256 in {METADATA} (expected "
                f"{expected[:12]}…, got {actual[:12]}…): the file was changed or "
                "truncated. Restore it (reinstall kerasgan or download it again)."
            )
    return metadata


def load_preset(directory, verify=True, training=False):
    """Builds the model of a preset folder and loads its weights.

    The config must name a class registered in the "kerasgan" package; it is
    deserialized with Keras `safe_mode` on (no lambdas, nothing unpickled), and the
    weights are read from HDF5 arrays. A lean preset (`kerasgan.zoo.save_lean_preset`)
    loads the weights `generate` needs (float16 ones cast to float32), or with
    `training=True` its full training state.

    Args:
        directory: a folder written by `save_preset` or `save_lean_preset`.
        verify: check the files' sha256 first (leave on).
        training: load every network (G, D, EMA G) for fine-tuning or resuming; a
            lean preset then needs its training-state file (refused, saying how to
            get it, when it has none).

    Returns:
        The GAN.
    """
    directory = pathlib.Path(directory)
    metadata = verify_preset(directory) if verify else _metadata_if_any(directory)
    gan = build_model(directory)
    if not is_lean(metadata):
        gan.load_weights(directory / WEIGHTS)
    elif training:
        gan.load_weights(training_state_path(directory, metadata))
    else:
        name = metadata["weights"]["file"]
        check_file_name(name, directory)
        load_lean_weights(gan, directory / name)
    return gan


def _metadata_if_any(directory):
    return read_metadata(directory) if (directory / METADATA).is_file() else {}


def build_model(directory):
    """The model a preset's `config.json` describes (a registered kerasgan class,
    deserialized with `safe_mode`), with its initial weights."""
    directory = pathlib.Path(directory)
    config = read_json(directory / CONFIG)
    registered = config.get("registered_name", "") if isinstance(config, dict) else ""
    if not str(registered).startswith("kerasgan>"):
        raise PresetError(
            f"{directory / CONFIG} describes {registered or 'no registered class'}; "
            "a kerasgan preset holds a model class registered by kerasgan."
        )
    return keras.saving.deserialize_keras_object(config, safe_mode=True)


# A lean preset (kerasgan.zoo.lean writes them): the weights generate() needs.
LEAN_WEIGHTS = "generator.weights.h5"


def is_lean(metadata):
    """Whether a preset's metadata describes a lean preset."""
    return (metadata.get("weights") or {}).get("format") == "lean"


def sampling_names(gan):
    """The networks `generate`/`translate`/`upscale` run (`cls.sampling_networks`)."""
    return [name for name in gan.network_names
            if any(fnmatch.fnmatchcase(name, p) for p in type(gan).sampling_networks)]


def lean_variables(gan):
    """`[(index in gan.weights, variable)]` a lean file holds.

    Every variable of the model except the other networks' (the discriminators)
    and the sampling networks' own trained copies where an EMA copy replaces them:
    the EMA copy is stored and loaded into both.
    """
    sampling = sampling_names(gan)
    dropped = set()
    for name in gan.network_names:
        averaged = getattr(gan, f"ema_{name}", None)
        if name not in sampling:
            dropped |= {id(v) for v in gan.network(name).weights}
            if averaged is not None:
                dropped |= {id(v) for v in averaged.weights}
        elif averaged is not None:
            dropped |= {id(v) for v in gan.network(name).weights}
    return [(i, v) for i, v in enumerate(gan.weights) if id(v) not in dropped]


def write_lean_weights(gan, path, dtype):
    """Writes `lean_variables(gan)` to `path` (HDF5 arrays), floats as `dtype`."""
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as handle:
        handle.attrs["format"] = "kerasgan-lean-1"
        for index, variable in lean_variables(gan):
            value = np.asarray(keras.ops.convert_to_numpy(variable))
            if value.dtype.kind == "f":
                value = value.astype(dtype)
            dataset = handle.create_dataset(str(index), data=value)
            dataset.attrs["path"] = variable.path


def load_lean_weights(gan, path):
    """Assigns a lean file's arrays to `gan` (as float32) and copies each EMA network
    into the network it averages, so both give the stored weights."""
    weights = gan.weights
    expected = dict(lean_variables(gan))
    with h5py.File(path, "r") as handle:
        stored = {int(key): handle[key] for key in handle.keys()}
        if set(stored) != set(expected):
            raise PresetError(
                f"{path} holds {len(stored)} arrays; this {type(gan).__name__} config "
                f"needs {len(expected)}. The lean file was written for another model: "
                "write it again with kerasgan.zoo.save_lean_preset."
            )
        for index, dataset in stored.items():
            variable = weights[index]
            if dataset.dtype.kind not in "fiub" or tuple(dataset.shape) != tuple(variable.shape):
                raise PresetError(
                    f"{path}: array {index} has shape {dataset.shape} ({dataset.dtype}); "
                    f"{variable.path} needs {tuple(variable.shape)}."
                )
            variable.assign(np.asarray(dataset[()]).astype(variable.dtype))
    for name in sampling_names(gan):
        averaged = getattr(gan, f"ema_{name}", None)
        if averaged is not None:
            gan.network(name).set_weights(averaged.get_weights())
    return gan


def training_state_path(directory, metadata, name=None):
    """The checked full training-state file of a lean preset.

    Raises:
        PresetError: the preset has none, or its file is missing or changed; the
            message says how to get it.
    """
    directory = pathlib.Path(directory)
    name = name or str(directory)
    state = metadata.get("training_state")
    if not state:
        raise PresetError(
            f"{name} is a lean preset: it holds the weights generate() needs, not the "
            "discriminator or the trained generator that fine-tuning and resuming "
            "continue from. Use the full preset (written by gan.save_to_preset), or "
            "write the lean one with kerasgan.zoo.save_lean_preset(..., "
            "training_state=True) and load it with kerasgan.zoo.load(name, training=True)."
        )
    file = state.get("file", "")
    check_file_name(file, directory)
    path = directory / file
    if not path.is_file() or path.is_symlink():
        raise PresetError(
            f"{name} is a lean preset; its full training state {file} (sha256 "
            f"{state.get('sha256', '')[:12]}…) is not in {directory}. For a zoo entry "
            "or hf:// preset, kerasgan.zoo.load(name, training=True) downloads it; "
            f"otherwise put {file} from where the preset was published in that folder."
        )
    if sha256_of(path) != state.get("sha256"):
        raise PresetError(
            f"{path} does not match its sha256 in {METADATA} (training_state): "
            "the file was changed or truncated. Download it again."
        )
    return path
