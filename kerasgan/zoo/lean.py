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

import pathlib
import shutil
import tempfile

import keras
import numpy as np

from kerasgan.utils.files import atomic_path
from kerasgan.utils.storage import sha256_of
from kerasgan.zoo import preset as preset_lib

LEAN_WEIGHTS = preset_lib.LEAN_WEIGHTS  # the lean file's name (preset.py reads it)
TOLERANCE = 1e-3
# Files of a source preset carried into its lean copy (when present).
CARRIED = ("samples.png", "metrics.json", "README.md")


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
        if preset_lib.is_lean(metadata):
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
        preset_lib.write_lean_weights(gan, directory / preset_lib.LEAN_WEIGHTS, dtype)
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
        return preset_lib.rehash_preset(directory, info, [preset_lib.LEAN_WEIGHTS, *carried])


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
        preset_lib.write_lean_weights(gan, path, dtype)
        lean = preset_lib.build_model(full)
        preset_lib.load_lean_weights(lean, path)
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
            "file": preset_lib.LEAN_WEIGHTS,
            "dtype": dtype,
            "networks": [f"ema_{n}" if getattr(gan, f"ema_{n}", None) is not None else n
                         for n in preset_lib.sampling_names(gan)],
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
