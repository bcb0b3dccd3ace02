"""Export a generator to ONNX, a TensorFlow SavedModel or TFLite (LiteRT), with Keras's own
exporters (`keras.Model.export`).

For a latent-to-image model the exported function is the one `generate_from_latents`
runs on each batch (the model's `generation_function`): inputs are the latents (and,
for class-conditional models, one int32 label per sample), the output is float32
images in [-1, 1], exactly what `generate_from_latents` returns. For an image
translator (Pix2Pix, CycleGAN in either direction, SRGAN/SRResNet) it is the network
`translate` runs: images in [-1, 1] in, images out, as `translate` returns them
(SRGAN's fully convolutional generator keeps any input size, except in TFLite and in
ONNX written on JAX).
StackGAN's takes its `latents_for` noise and caption token ids. See docs/export.md.

Which formats each Keras backend can write (Keras 3.15; "✓" tested by
tests/test_export.py on this project's CI):

| backend    | onnx                      | savedmodel            | tflite              |
|------------|---------------------------|-----------------------|---------------------|
| tensorflow | ✓ (tf2onnx)               | ✓                     | ✓                   |
| jax        | ✓ (jax2onnx)              | ✓ (jax2tf)            | not in Keras        |
| torch      | ✓ (torch.onnx)            | no (Keras needs torch_xla) | no (Keras needs litert-torch) |

Weights are the same on every backend, so the simplest route to any format is
`KERAS_BACKEND=tensorflow kerasgan export ...`.
"""

import os
import warnings

import keras
from keras import ops

FORMATS = ("onnx", "savedmodel", "tflite")
# kerasgan's format name → keras.Model.export's.
_KERAS_FORMATS = {"onnx": "onnx", "savedmodel": "tf_saved_model", "tflite": "litert"}
# What each backend writes here; the others get a clear error before Keras is called.
SUPPORTED = {
    "tensorflow": ("onnx", "savedmodel", "tflite"),
    "jax": ("onnx", "savedmodel"),
    "torch": ("onnx",),
}
# The packages each (backend, format) needs beyond the backend itself.
_NEEDS = {
    ("tensorflow", "onnx"): ("tf2onnx", "onnx"),
    ("jax", "onnx"): ("jax2onnx", "onnx"),
    ("jax", "savedmodel"): ("tensorflow",),
    ("torch", "onnx"): ("onnxscript", "onnx"),
}


@keras.saving.register_keras_serializable(package="kerasgan")
class GeneratorEndpoint(keras.Model):
    """A model whose `call([inputs...])` is a generation or translation function.

    Built by `export_generator`; it tracks only the networks the function reads, so the
    exported file holds the generator's weights and no discriminator or optimizer.

    Args:
        fn: tensors → images (`model.generation_function(...)[0]`, or a translator
            network in inference mode).
        networks: the networks `fn` reads.
    """

    def __init__(self, fn, networks, **kwargs):
        super().__init__(**kwargs)
        self.generation = fn
        self.generation_networks = list(networks)

    def call(self, inputs):
        return ops.cast(self.generation(*inputs), "float32")


def is_translator(model):
    """Whether `model` maps images to images through `model.translator(direction)`."""
    return hasattr(model, "translator") and hasattr(model, "shapes")


def exported_inputs(model, direction=None, fixed_size=False):
    """`[(name, shape, dtype)]` of the exported function's inputs (no batch dimension).

    Args:
        model: a latent-to-image model or an image translator.
        direction: a translator's direction (CycleGAN); None for its default.
        fixed_size: give a fully convolutional translator's spatial size as the
            images it was trained on (TFLite), not None (any size).
    """
    if not is_translator(model):
        return list(model.generation_inputs())
    network = _translator(model, direction)
    trained = model.shapes[1 if direction == "b_to_a" else 0]
    shape = tuple(
        trained[i] if (size is None and fixed_size) else size
        for i, size in enumerate(network.input_shape[1:])
    )
    return [("images", shape, "float32")]


def _translator(model, direction):
    return model.translator() if direction is None else model.translator(direction)


def fixes_image_size(format, backend=None):
    """Whether `format` written on `backend` fixes a fully convolutional translator's
    input size to its training images: TFLite always; jax2onnx, whose reshape cannot
    map the symbolic height and width of SRGAN's pixel shuffle."""
    backend = backend or keras.backend.backend()
    return format == "tflite" or (backend, format) == ("jax", "onnx")


def input_signature(model, batch_size=None, direction=None, fixed_size=False):
    """`keras.InputSpec`s of the exported inputs (batch dimension `batch_size`)."""
    return [[keras.InputSpec(shape=(batch_size, *shape), dtype=dtype, name=name)
             for name, shape, dtype in exported_inputs(model, direction, fixed_size)]]


def check_exportable(model, format, backend=None):
    """Raises a clear error when `model` cannot be exported to `format` here."""
    backend = backend or keras.backend.backend()
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}; got {format!r}.")
    if not (hasattr(model, "generation_function") or is_translator(model)):
        raise NotImplementedError(
            f"{type(model).__name__} has neither a latent-to-image generation function "
            "nor an image translator to export; export_generator takes the "
            "generators and the image translators of kerasgan.models.")
    limit = getattr(model, "export_limits", {}).get(format)
    if limit:
        raise NotImplementedError(f"{type(model).__name__} does not export to {format}: {limit}")
    if format not in SUPPORTED[backend]:
        able = [b for b, formats in SUPPORTED.items() if format in formats]
        raise NotImplementedError(
            f"Keras {keras.__version__} cannot export format={format!r} on the "
            f"{backend} backend (it can on: {', '.join(able)}). The weights are the "
            f"same on every backend: run with KERAS_BACKEND={able[0]} "
            f"(e.g. `KERAS_BACKEND={able[0]} kerasgan export ...`).")
    missing = [name for name in _NEEDS.get((backend, format), ()) if not _importable(name)]
    if missing:
        raise ImportError(
            f"Exporting format={format!r} on the {backend} backend needs "
            f"{', '.join(missing)}: pip install {' '.join(missing)} "
            "(kerasgan[export] installs tf2onnx, onnxscript, onnx and onnxruntime; "
            "kerasgan[export-jax] adds jax2onnx).")


def _importable(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


def export_generator(model, path, format="onnx", ema=True, batch_size=None,
                     verbose=False, direction=None, **options):
    """Writes `model`'s generator (latents → images, or images → images) to `path`.

    Args:
        model: a latent-to-image kerasgan model (GANs, BigGAN, StyleGAN, LAPGAN, AAEs),
            e.g. `kerasgan.zoo.load("dcgan_fashion_mnist")`, or an image translator
            (Pix2Pix, CycleGAN, SRGAN).
        path: the file (`.onnx`, `.tflite`) or folder (SavedModel) to write.
        format: `"onnx"`, `"savedmodel"` or `"tflite"`.
        ema: export the EMA generator when the model keeps one (what `generate`
            uses); False: the trained generator.
        batch_size: a fixed batch size; None: any batch size, except for TFLite,
            whose interpreter cannot resize every generator: there None is 1.
        verbose: let Keras print its export messages.
        direction: a CycleGAN's `"a_to_b"` (default) or `"b_to_a"`.
        **options: the model's generation options, e.g. StyleGAN's `truncation_psi`.

    Returns:
        `path`.

    Inputs of the exported function, in order: `latents` float32
    `(batch, latent_dim)` (LAPGAN: `(batch, noise_size)`; AAEs: `codes`), then for
    class-conditional models `labels` int32 `(batch,)` (StackGAN: `latents` is its
    `latents_for` noise `[z, ε₁, ε₂]`, then `captions`, int32 token ids
    `(batch, MAX_TOKENS)` of `kerasgan.data.captions`). Output: float32 images
    `(batch,) + data_shape` in [-1, 1]. A translator's input is `images` float32
    `(batch, h, w, c)` in [-1, 1] (SRGAN: any h and w, except in TFLite and in ONNX
    written on JAX, where they are those of its training patches).

    Example:

    ```python
    gan = kerasgan.zoo.load("dcgan_fashion_mnist")
    kerasgan.export.export_generator(gan, "dcgan.onnx", format="onnx")
    ```
    """
    backend = keras.backend.backend()
    check_exportable(model, format, backend)
    if direction is not None and not is_translator(model):
        raise ValueError(f"direction= is for image translators, not {type(model).__name__}.")
    endpoint = _endpoint(model, ema, direction, options)
    if format == "tflite" and batch_size is None:
        batch_size = 1
    signature = input_signature(model, batch_size, direction,
                                fixed_size=fixes_image_size(format, backend))
    # The exporters need a built model: one call on zeros of a concrete shape.
    concrete = input_signature(model, batch_size or 1, direction, fixed_size=True)
    endpoint([ops.zeros(spec.shape, spec.dtype) for spec in concrete[0]])
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    with warnings.catch_warnings():
        if not verbose:  # the converters' tracer and deprecation warnings
            warnings.simplefilter("ignore")
        endpoint.export(path, format=_KERAS_FORMATS[format], verbose=verbose,
                        input_signature=signature)
    return path


def _endpoint(model, ema, direction, options):
    if is_translator(model):
        if options:
            raise TypeError(f"Image translators take no generation options; got {options}.")
        network = _translator(model, direction)
        return GeneratorEndpoint(lambda images: network(images, training=False),
                                 [network], name="translator")
    fn, _, networks = model.generation_function(ema=ema, **options)
    return GeneratorEndpoint(fn, networks, name="generator")
