"""Transfer: fine-tune a pretrained GAN to a new domain from a few images.

Two techniques known to help GANs on little data, both optional:

- FreezeD (Mo et al. 2020, https://arxiv.org/abs/2002.10964): the discriminator's
  first layers keep their pretrained weights; only the later ones and G train.
- DiffAugment (Zhao et al. 2020, https://arxiv.org/abs/2006.10738): the same
  random, differentiable augmentation of real and fake images whenever D sees them
  (`GAN.compile(augment=...)`, `kerasgan.layers.DiffAugment`).

Training is the source model's own phases run by plain `fit()`: freezing sets
`trainable = False` on layers *before* `compile`, so the engine's phases and
optimizers never see those variables (no flag flips inside a step).
"""

import pathlib

import numpy as np

from kerasgan.engine.gan import GAN
from kerasgan.engine.gan import count_argument

#: DiffAugment's policy in the paper's low-data experiments.
DEFAULT_AUGMENT = "color,translation,cutout"


def discriminator_layers(gan):
    """The layers `freeze_d_layers` counts: D's layers that hold trainable weights,
    in the order of `gan.discriminator.layers` (from the input to the logit).

    A layer holding sub-layers (a block) counts as one. For DCGAN's discriminator
    these are `conv2d`, `conv2d_1` and the `dense` head.

    Args:
        gan: a `kerasgan.GAN`.

    Returns:
        A list of Keras layers.
    """
    # A frozen layer lists no trainable_weights (Keras clears its variables' flags):
    # it still counts, so the count is the same before and after freezing.
    return [layer for layer in gan.discriminator.layers
            if layer.weights and (layer.trainable_weights or not layer.trainable)]


def freeze_discriminator(gan, freeze_d_layers):
    """Sets `trainable = False` on the first `freeze_d_layers` of `discriminator_layers`.

    Call it before `compile`: the engine's discriminator phase then trains the
    other layers only and its optimizer holds no state for the frozen ones.

    Returns:
        The names of the frozen layers.

    Raises:
        ValueError: `freeze_d_layers` is negative or leaves D nothing to train.
    """
    layers = discriminator_layers(gan)
    names = [layer.name for layer in layers]
    ok = isinstance(freeze_d_layers, (int, np.integer)) and not isinstance(freeze_d_layers, bool)
    if not ok or not 0 <= freeze_d_layers < len(layers):
        raise ValueError(
            f"freeze_d_layers must be an integer in [0, {len(layers) - 1}]: this "
            f"discriminator has {len(layers)} layers with weights ({', '.join(names)}) "
            f"and at least the last must train; got {freeze_d_layers!r}. Pass "
            f"freeze_d_layers={max(len(layers) - 1, 0)} or fewer (0 freezes nothing)."
        )
    for layer in layers[:freeze_d_layers]:
        layer.trainable = False
    return names[:freeze_d_layers]


def load_source(source):
    """A fresh, uncompiled copy of the source GAN and what its preset recorded.

    Args:
        source: a zoo name, a preset folder, or a `kerasgan.GAN` (left unchanged).

    Returns:
        `(gan, training)`: `training` holds the loss settings the source was
        trained with (`loss`, `gradient_penalty`, and for a compiled GAN
        `penalty_weight`), as recorded in its preset or compile config; empty
        when unknown (the variant's defaults apply).
    """
    from kerasgan import zoo
    from kerasgan.zoo import preset as preset_lib

    if hasattr(source, "network_names"):  # a model instance (kerasgan's models have networks)
        training = _compiled_settings(source)
        return preset_lib.networks_only(source), training
    if not isinstance(source, (str, pathlib.Path)):
        raise TypeError(
            "finetune's source is a zoo name, a preset folder or a kerasgan.GAN; got "
            f"{type(source).__name__}."
        )
    folder = zoo.resolve(str(source))
    # A lean preset's full training state (refused, saying how to get it, if absent).
    weights = zoo.registry.training_weights(str(source))
    # Before building the model: a preset without D is refused, not half loaded.
    _check_discriminator_weights(weights, str(source))
    gan = preset_lib.load_preset(folder, verify=False, training=True)
    _check_source(gan, str(source))
    metadata = preset_lib.read_metadata(folder)
    recorded = metadata.get("training") or {}
    training = {k: recorded[k] for k in ("loss", "gradient_penalty") if recorded.get(k)}
    return preset_lib.networks_only(gan), training


def _compiled_settings(gan):
    _check_source(gan, type(gan).__name__)
    if not gan.is_compiled:
        return {}
    config = gan.get_compile_config() or {}
    keys = ("loss", "gradient_penalty", "penalty_weight")
    return {k: config[k] for k in keys if config.get(k) is not None}


def _check_source(gan, name):
    if not isinstance(gan, GAN) or "discriminator" not in gan.networks:
        raise ValueError(
            f"{name} holds a {type(gan).__name__}; finetune adapts latent-to-data GANs "
            "with a discriminator (kerasgan.GAN subclasses such as DCGAN, WGAN-GP, "
            "SNGAN). Pick one from kerasgan.zoo.list()."
        )
    if any(spec.required for spec in gan.data_spec()[1:]):
        raise ValueError(
            f"{name} is a class-conditional {type(gan).__name__}; finetune adapts "
            "unconditional GANs (a new domain's images come without the source's "
            "classes). Pick an unconditional entry, e.g. dcgan_fashion_mnist."
        )
    if hasattr(gan, "fit_stages"):
        raise ValueError(
            f"{name} ({type(gan).__name__}) trains in stages; finetune runs one fit() "
            "and adapts single-stage GANs."
        )


def _check_discriminator_weights(weights_file, name):
    """The preset must hold D's weights: fine-tuning trains D on from them."""
    import h5py

    with h5py.File(weights_file, "r") as weights:
        found = []
        if "discriminator" in weights:
            weights["discriminator"].visit(
                lambda key: found.append(key) if key.split("/")[-2:-1] == ["vars"] else None
            )
    if not found:
        raise ValueError(
            f"{name}'s weights ({weights_file}) hold no discriminator: fine-tuning "
            "continues the adversarial game and needs the pretrained D. Re-save the "
            "model with gan.save_to_preset(folder), which writes every network."
        )


def check_images(gan, images, batch_size):
    """`images` as float32 and checked against the model; errors name the fix."""
    images = np.asarray(images)
    if images.dtype.kind not in "fiu":
        raise ValueError(f"images must be a numeric array; got dtype {images.dtype}.")
    expected = tuple(gan.data_shape)
    if images.ndim != len(expected) + 1 or images.shape[1:] != expected:
        raise ValueError(
            f"The source model makes {expected} images; got images of shape "
            f"{images.shape}. Load them at its size, e.g. kerasgan.data.load_numpy("
            f"name, image_size={expected[:2]}, channels={expected[-1]}) (the CLI's "
            "--images does so for folders and dataset names)."
        )
    if images.dtype.kind in "iu" or images.size and (images.min() < -1.01 or images.max() > 1.01):
        raise ValueError(
            f"images must be floats in [-1, 1] (the generator's tanh range); got values "
            f"in [{images.min()}, {images.max()}]. Scale uint8 images with x / 127.5 - 1."
        )
    if len(images) < batch_size:
        raise ValueError(
            f"{len(images)} images do not fill one batch of {batch_size}: pass "
            f"batch_size={len(images)} or fewer, or more images."
        )
    return images.astype("float32")


def epoch_images(images, batch_size, steps_per_epoch, seed):
    """Rows for `steps_per_epoch` full batches: `images` repeated in seeded
    permutations, so every image is seen equally often (±1) and no batch is partial."""
    rows = steps_per_epoch * batch_size
    rng = np.random.default_rng(seed)
    repeats = -(-rows // len(images))
    order = np.concatenate([rng.permutation(len(images)) for _ in range(repeats)])
    return images[order[:rows]]


def finetune(
    source,
    images,
    freeze_d_layers=2,
    diff_augment=DEFAULT_AUGMENT,
    epochs=10,
    batch_size=32,
    steps_per_epoch=None,
    learning_rate=None,
    callbacks=None,
    seed=0,
    verbose="auto",
):
    """Fine-tunes a pretrained GAN on a few images of a new domain.

    The source's generator and discriminator start from their pretrained weights
    (its EMA generator too, which then follows the new G) and train with the
    source's loss and the variant's optimizers, freshly initialised: presets hold
    no optimizer state, and freezing changes the variables D's optimizer updates.
    FreezeD keeps the first `freeze_d_layers` layers of D (`discriminator_layers`)
    fixed; DiffAugment augments every image D sees in training.

    Args:
        source: a zoo name (`kerasgan.zoo.names()`), a preset folder, or a
            `kerasgan.GAN` (copied; the source is left unchanged). Unconditional,
            single-stage GANs with their discriminator.
        images: `(n, height, width, channels)` floats in [-1, 1] of the source's
            image shape.
        freeze_d_layers: how many of D's weighted layers, from the input, to
            freeze (FreezeD); 0 freezes none. At most D's depth minus one. DCGAN's
            D has three (docs/apps/finetune.md measured 1 and 2 on it: 2 failed to
            adapt clothing to digits; 1 matched fine-tuning every layer).
        diff_augment: a DiffAugment policy ("color,translation,cutout") or None.
        epochs: epochs of `fit()`.
        batch_size: images per batch (at most `len(images)`).
        steps_per_epoch: batches per epoch; default one pass, `len(images) //
            batch_size`. Images repeat in shuffled order to fill them.
        learning_rate: Adam's rate (β1 = 0.5) for both networks; None keeps the
            variant's default optimizers (DCGAN: Adam(2e-4, β1=0.5)).
        callbacks: Keras callbacks for `fit()`.
        seed: seed of the data order and of the training RNG (latents, DiffAugment).
        verbose: `fit()`'s verbosity.

    Returns:
        The fine-tuned GAN, compiled; `gan.frozen_layers` names D's frozen layers
        and `gan.history` is `fit()`'s History.

    Example:

    ```python
    digits, _ = kerasgan.data.load_numpy("mnist-5k")
    gan = kerasgan.apps.finetune("dcgan_fashion_mnist", digits[:100],
                                 freeze_d_layers=1, epochs=1, steps_per_epoch=2)
    samples = gan.generate(16, seed=0)
    ```
    """
    from kerasgan.training import compile_variant

    batch_size = count_argument(batch_size, "batch_size")
    epochs = count_argument(epochs, "epochs")
    gan, training = load_source(source)
    images = check_images(gan, images, batch_size)
    steps = len(images) // batch_size
    if steps_per_epoch is not None:
        steps = count_argument(steps_per_epoch, "steps_per_epoch")
    frozen = freeze_discriminator(gan, freeze_d_layers)
    _reseed(gan, seed)
    compile_variant(gan, g_lr=learning_rate, d_lr=learning_rate, augment=diff_augment,
                    **training)
    data = epoch_images(images, batch_size, steps, seed)
    gan.fit(data, batch_size=batch_size, epochs=epochs, shuffle=True,
            callbacks=callbacks, verbose=verbose)
    gan.frozen_layers = tuple(frozen)
    return gan


def _reseed(gan, seed):
    """Seeds fit()'s shuffling and the model's training RNG (latents, DiffAugment)."""
    import keras

    keras.utils.set_random_seed(seed)
    gan.seed_generator.state.assign(keras.random.SeedGenerator(seed).state.value)
    gan.seed = seed


def load_images(spec, model_shape=None, classes=None, limit=None, seed=0):
    """Images of the new domain from a `.npy` file, an image folder or a dataset name.

    Folders and dataset names are loaded at `model_shape` (resized, converted to its
    channels); `.npy` arrays are taken as they are (floats in [-1, 1]).

    Args:
        spec: a path ending in `.npy`, a folder of images, or a `kerasgan.data` name.
        model_shape: `(height, width, channels)` to load folders and datasets at.
        classes: class labels to keep (datasets and class-subfolder folders).
        limit: keep this many images, drawn at random with `seed` (after `classes`).
        seed: seed of that draw.

    Returns:
        A float32 array `(n, height, width, channels)`.
    """
    from kerasgan import data

    spec = str(spec)
    if spec.endswith(".npy"):
        if classes:
            raise ValueError("A .npy file has no labels to filter by class; drop --classes.")
        images = np.load(spec, allow_pickle=False)
    else:
        options = {}
        if model_shape is not None:
            options = {"image_size": tuple(model_shape[:2]), "channels": model_shape[-1]}
        images, labels = data.load_numpy(spec, **options)[:2]
        if classes:
            images = _of_classes(images, labels, classes, spec)
    if limit is not None:
        limit = count_argument(limit, "limit")
        if limit > len(images):
            raise ValueError(f"{spec} has {len(images)} images; asked for {limit}.")
        images = images[np.random.default_rng(seed).permutation(len(images))[:limit]]
    return images


def _of_classes(images, labels, classes, spec):
    if labels is None:
        raise ValueError(f"{spec} has no labels to filter by class; drop the classes.")
    keep = np.isin(labels, list(classes))
    if not keep.any():
        raise ValueError(
            f"{spec} has no images of classes {list(classes)} (its labels run "
            f"{int(labels.min())}..{int(labels.max())})."
        )
    return images[keep]
