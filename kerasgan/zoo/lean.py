"""Lean distribution presets: what `generate` needs, stored float16 where it is exact enough.

A full preset (`save_preset`) holds every network: G, D and the EMA copy of G. A
user who samples needs the networks `generate`/`translate`/`upscale` run (the EMA
copy where the model keeps one) and the model's own state (a ProGAN's stage, say).
A lean preset holds just those in `generator.weights.h5`, as float16 when the lean
model's reference slice stays within `tolerance` (1e-3 max abs) of the full model's,
measured when it is written, on the backend writing it; float32 otherwise.
`metadata.json` says which (`"weights"`) and lists the full training state, the
full preset's `model.weights.h5`, with its sha256 (`"training_state"`), outside
`"files"`: it is fetched only for fine-tuning or resuming
(`kerasgan.zoo.load(name, training=True)`).

float16 is a storage format only: the weights are cast back to float32 on loading
and every computation runs in float32.

```python
kerasgan.zoo.save_lean_preset("dcgan_fashion_mnist", "dist/dcgan_fashion_mnist")
gan = kerasgan.zoo.load("dist/dcgan_fashion_mnist")                 # samples
gan = kerasgan.zoo.load("dist/dcgan_fashion_mnist", training=True)  # G, D, EMA G
```
"""

import fnmatch
import pathlib
import shutil
import tempfile

import h5py
import keras
import numpy as np

from kerasgan.utils.files import atomic_path
from kerasgan.utils.storage import sha256_of
from kerasgan.zoo import preset as preset_lib

LEAN_WEIGHTS = "generator.weights.h5"
TOLERANCE = 1e-3
# Files of a source preset carried into its lean copy (when present).
CARRIED = ("samples.png", "metrics.json", "README.md")


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
            raise preset_lib.PresetError(
                f"{path} holds {len(stored)} arrays; this {type(gan).__name__} config "
                f"needs {len(expected)}. The lean file was written for another model: "
                "write it again with kerasgan.zoo.save_lean_preset."
            )
        for index, dataset in stored.items():
            variable = weights[index]
            if dataset.dtype.kind not in "fiub" or tuple(dataset.shape) != tuple(variable.shape):
                raise preset_lib.PresetError(
                    f"{path}: array {index} has shape {dataset.shape} ({dataset.dtype}); "
                    f"{variable.path} needs {tuple(variable.shape)}."
                )
            variable.assign(np.asarray(dataset[()]).astype(variable.dtype))
    for name in sampling_names(gan):
        averaged = getattr(gan, f"ema_{name}", None)
        if averaged is not None:
            gan.network(name).set_weights(averaged.get_weights())
    return gan


def save_lean_preset(source, directory, tolerance=TOLERANCE, training_state=True):
    """Writes a lean distribution preset of a trained model or of a preset folder.

    Args:
        source: a kerasgan model, or a full preset (folder, zoo name or URL).
        directory: the lean preset's folder (created; its files are replaced).
        tolerance: largest max-abs difference between the lean (float16) and the
            full model's reference slices for float16 storage; float32 otherwise.
        training_state: also write the full training state (`model.weights.h5`, as
            `save_preset` writes it), listed in metadata.json with its sha256.

    Returns:
        The folder, a `pathlib.Path`.

    Example:

    ```python
    folder = kerasgan.zoo.save_lean_preset(gan, "dist/my_gan")
    kerasgan.zoo.info("dist/my_gan")["weights"]  # {"format": "lean", "dtype": ...}
    ```
    """
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".lean-") as scratch:
        full = _full_preset(source, pathlib.Path(scratch) / "full")
        metadata = preset_lib.read_metadata(full)
        if is_lean(metadata):
            raise preset_lib.PresetError(
                f"{source} is already lean; write a lean preset from a full one."
            )
        model = hasattr(source, "network_names")
        # A model is sampled as it is (its sampling already traced), written as a
        # fresh copy without the state `compile` adds.
        gan = preset_lib.networks_only(source) if model else preset_lib.load_preset(full)
        expected = np.asarray(preset_lib.reference_slice(source if model else gan))
        dtype, differences = _measured_dtype(gan, full, expected, tolerance, scratch)
        if full.resolve() == directory.resolve():
            raise ValueError(f"Write the lean preset of {full} into another folder.")
        _copy_atomic(full / preset_lib.CONFIG, directory / preset_lib.CONFIG)
        write_lean_weights(gan, directory / LEAN_WEIGHTS, dtype)
        # The card too (a zoo entry's README.md is not in its "files"): hashed here.
        carried = [n for n in CARRIED if (full / n).is_file() and not (full / n).is_symlink()]
        for name in carried:
            _copy_atomic(full / name, directory / name)
        info = _lean_metadata(metadata, dtype, differences, tolerance, gan)
        if training_state:
            _copy_atomic(full / preset_lib.WEIGHTS, directory / preset_lib.WEIGHTS)
            info["training_state"] = {
                "file": preset_lib.WEIGHTS,
                "sha256": sha256_of(directory / preset_lib.WEIGHTS),
                "holds": "every network (G, D, EMA copies), no optimizer state",
            }
        else:
            (directory / preset_lib.WEIGHTS).unlink(missing_ok=True)
        info["files"] = {}
        return preset_lib.rehash_preset(directory, info, [LEAN_WEIGHTS, *carried])


def _full_preset(source, scratch):
    """A full preset folder of `source` (written into `scratch` for a model)."""
    if hasattr(source, "network_names"):
        return preset_lib.save_preset(source, scratch)
    from kerasgan.zoo import registry

    folder = registry.resolve(source)
    preset_lib.verify_preset(folder)
    return folder


def _measured_dtype(gan, full, expected, tolerance, scratch):
    """float16 when its lean model's slice is within `tolerance`; the measured
    max-abs differences `{dtype: value}` of what was tried."""
    differences = {}
    for dtype in ("float16", "float32"):
        path = pathlib.Path(scratch) / f"{dtype}.h5"
        write_lean_weights(gan, path, dtype)
        lean = preset_lib.build_model(full)
        load_lean_weights(lean, path)
        actual = np.asarray(preset_lib.reference_slice(lean))
        difference = float(np.max(np.abs(actual - expected)))
        differences[dtype] = difference if np.isfinite(difference) else None
        if np.isfinite(difference) and difference <= tolerance:
            return dtype, differences
    raise preset_lib.PresetError(
        f"The lean float32 copy of {type(gan).__name__} does not reproduce its "
        f"reference slice (max abs difference {differences['float32']}): "
        f"{type(gan).__name__}.sampling_networks must name every network generate() runs."
    )


def _lean_metadata(metadata, dtype, differences, tolerance, gan):
    keep = {k: v for k, v in metadata.items() if k not in ("files", "training_state")}
    return {
        **keep,
        "weights": {
            "format": "lean",
            "file": LEAN_WEIGHTS,
            "dtype": dtype,
            "networks": [f"ema_{n}" if getattr(gan, f"ema_{n}", None) is not None else n
                         for n in sampling_names(gan)],
            "tolerance": tolerance,
            "max_abs_difference": differences,
            "measured_on": keras.backend.backend(),
        },
    }


def _copy_atomic(source, target):
    if pathlib.Path(source).resolve() == pathlib.Path(target).resolve():
        return
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


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
        raise preset_lib.PresetError(
            f"{name} is a lean preset: it holds the weights generate() needs, not the "
            "discriminator or the trained generator that fine-tuning and resuming "
            "continue from. Use the full preset (written by gan.save_to_preset), or "
            "write the lean one with kerasgan.zoo.save_lean_preset(..., "
            "training_state=True) and load it with kerasgan.zoo.load(name, training=True)."
        )
    file = state.get("file", "")
    preset_lib.check_file_name(file, directory)
    path = directory / file
    if not path.is_file() or path.is_symlink():
        raise preset_lib.PresetError(
            f"{name} is a lean preset; its full training state {file} (sha256 "
            f"{state.get('sha256', '')[:12]}…) is not in {directory}. For a zoo entry "
            "or hf:// preset, kerasgan.zoo.load(name, training=True) downloads it; "
            f"otherwise put {file} from where the preset was published in that folder."
        )
    if sha256_of(path) != state.get("sha256"):
        raise preset_lib.PresetError(
            f"{path} does not match its sha256 in {preset_lib.METADATA} (training_state): "
            "the file was changed or truncated. Download it again."
        )
    return path
