"""Synthetic data for classifiers: `augment` (real + generated batches) and `tstr`.

`augment` mixes a real labelled dataset with samples of a class-conditional GAN in a
`tf.data` pipeline (the input `fit()` takes on TensorFlow, JAX and PyTorch alike);
`tstr` trains a fixed small classifier on real data and on synthetic data only and
tests both on the real test set (train on synthetic, test on real: Ravuri & Vinyals
2019, https://arxiv.org/abs/1905.10887).

The synthetic examples are generated once, up front, with NumPy-seeded latents
(`gan.generate`), so a run is reproducible on every backend and the pipeline holds
only arrays: no model runs inside tf.data.
"""

import dataclasses

import keras
import numpy as np

from kerasgan.backend.tf_data import tensorflow

LABEL_MODES = ("balanced", "match")


@dataclasses.dataclass(frozen=True)
class AugmentationPlan:
    """What `augment` mixes, per batch and per epoch.

    Attributes:
        batch_size: examples per batch (real + synthetic).
        real_per_batch: real examples in each batch (its first rows).
        synthetic_per_batch: synthetic examples in each batch (its last rows).
        batches: batches per epoch (one pass over the real data; the real examples
            left over after the last full batch, fewer than `real_per_batch`, are
            dropped in that epoch).
        label_format: "int" (class indices, shape `(batch,)` or `(batch, 1)`),
            "one-hot" (shape `(batch, num_classes)`) or None (no labels).
        num_classes: the generator's classes, or None when unconditional.
        real_counts: real examples per class in the whole real dataset, or None.
        synthetic_counts: synthetic examples per class in each epoch, or None.
    """

    batch_size: int
    real_per_batch: int
    synthetic_per_batch: int
    batches: int
    label_format: str
    num_classes: int
    real_counts: tuple
    synthetic_counts: tuple

    @property
    def ratio(self):
        """The fraction of synthetic examples in every batch (and every epoch)."""
        return self.synthetic_per_batch / self.batch_size

    def describe(self):
        labels = {
            None: "no labels",
            "int": f"integer labels ({self.num_classes} classes)",
            "one-hot": f"one-hot labels ({self.num_classes} classes)",
        }[self.label_format]
        text = (
            f"augment: real data with {labels}; {self.batches} batches of "
            f"{self.batch_size} per epoch, each {self.real_per_batch} real then "
            f"{self.synthetic_per_batch} synthetic (ratio {self.ratio:.4f})"
        )
        if self.synthetic_counts is not None:
            text += f"; synthetic examples per class per epoch {list(self.synthetic_counts)}"
        return text + "."


def augment(real_ds, generator, ratio=0.5, labels="balanced", batch_size=None, seed=0,
            return_plan=False, verbose=True):
    """Mixes real `(image, label)` batches with samples of a class-conditional GAN.

    Every batch holds `round(ratio * batch_size)` synthetic examples (its last rows)
    after the real ones (its first rows, passed through unchanged, in the real
    dataset's order), so the synthetic fraction is `ratio` to within
    `1 / (2 * batch_size)`, the same in every batch and every epoch. An epoch is one
    pass over the real data. The synthetic examples are generated once (seeded) and
    reshuffled every epoch, each used once per epoch, so their class counts per
    epoch are exact.

    Labels come out in the real data's format, detected from its first element:
    integer classes (`(batch,)` or `(batch, 1)`) or one-hot (`(batch, classes)`).
    `labels="balanced"` draws the synthetic classes so that the mixed data's
    classes are as equal as the synthetic budget allows: the rarest real classes
    are filled first, which rebalances an imbalanced training set.

    Args:
        real_ds: a finite `tf.data.Dataset` of `(images, labels)` or of images
            alone, batched or not; or NumPy `(images, labels)` / images. Images
            in the generator's range, [-1, 1] (as `kerasgan.data.load` gives them).
        generator: a GAN with `generate(n, seed=..., labels=...)`; it must be
            class-conditional (`num_classes`) when the real data has labels.
        ratio: the fraction of synthetic examples, in [0, 1).
        labels: how synthetic classes are drawn: "balanced" (equalise the mixed
            data's classes), "match" (the real class distribution), or class
            weights (a sequence with one weight per class, or a dict
            `{class: weight}`, missing classes weigh 0).
        batch_size: examples per mixed batch; None: the real dataset's batch
            size (128 for unbatched or NumPy data).
        seed: seeds the synthetic latents, labels and their per-epoch shuffle.
        return_plan: also return the `AugmentationPlan`.
        verbose: print the plan (label format detected, counts) in one line.

    Returns:
        A `tf.data.Dataset` of `(images, labels)` batches (images alone for
        unlabelled data), or `(dataset, plan)` with `return_plan=True`.

    Example:

    ```python
    real = kerasgan.data.load("fashion-mnist", batch_size=128)
    gan = kerasgan.zoo.load("acgan_fashion_mnist")
    ds = kerasgan.apps.augment(real, generator=gan, ratio=0.5, labels="balanced")
    classifier.fit(ds, epochs=5)
    ```
    """
    tf = tensorflow()
    ratio = _check_ratio(ratio)
    examples, real_batch = _as_examples(tf, real_ds, generator)
    batch_size = _batch_size(batch_size, real_batch)
    label_format, num_classes = _label_format(examples, generator)
    real_counts, n_real = _count_real(tf, examples, label_format, num_classes)
    plan = _make_plan(ratio, batch_size, n_real, label_format, num_classes, real_counts,
                      labels)
    if verbose:
        print(plan.describe())
    dataset = _mix(tf, examples, plan, generator, seed)
    return (dataset, plan) if return_plan else dataset


def _check_ratio(ratio):
    if not isinstance(ratio, (int, float)) or not 0 <= ratio < 1:
        raise ValueError(
            f"ratio is the fraction of synthetic examples and must lie in [0, 1); got "
            f"{ratio!r}. For synthetic data alone use kerasgan.apps.tstr, or "
            "gan.generate."
        )
    return float(ratio)


def _batch_size(batch_size, real_batch):
    if batch_size is None:
        return real_batch or 128
    if int(batch_size) != batch_size or batch_size < 2:
        raise ValueError(f"batch_size must be an integer of at least 2; got {batch_size!r}.")
    return int(batch_size)


def _as_examples(tf, real_ds, generator):
    """The real data as a dataset of single examples, and its batch size (or None)."""
    if not isinstance(real_ds, tf.data.Dataset):
        real_ds = tf.data.Dataset.from_tensor_slices(_numpy_elements(real_ds))
    spec = real_ds.element_spec
    image_spec = spec[0] if isinstance(spec, tuple) else spec
    if isinstance(spec, tuple) and len(spec) != 2:
        raise ValueError(
            f"real_ds must yield (images, labels) or images alone; its elements have "
            f"{len(spec)} parts."
        )
    data_shape = tuple(getattr(generator, "data_shape", ()))
    shape = tuple(image_spec.shape)
    if shape[-len(data_shape):] != data_shape or len(shape) - len(data_shape) not in (0, 1):
        raise ValueError(
            f"The generator makes images of shape {data_shape} but the real images "
            f"have shape {shape[-len(data_shape):] if data_shape else shape} (element "
            f"shape {shape}). Load the data at the generator's size "
            f"(kerasgan.data.load(..., image_size={data_shape[:2]}, "
            f"channels={data_shape[-1]})) or pick a generator trained on it."
        )
    if _is_infinite(tf, real_ds):
        raise ValueError(
            "real_ds is infinite (.repeat()): pass one epoch of real data and call "
            ".repeat() on augment's result instead."
        )
    if len(shape) == len(data_shape):
        return real_ds, None
    return real_ds.unbatch(), _static_or_first_batch_size(real_ds, shape)


def _numpy_elements(data):
    if isinstance(data, (tuple, list)):
        if len(data) != 2:
            raise ValueError("NumPy real data is (images, labels) or images alone.")
        return (np.asarray(data[0], "float32"), np.asarray(data[1]))
    return np.asarray(data, "float32")


def _is_infinite(tf, dataset):
    return int(dataset.cardinality()) == int(tf.data.INFINITE_CARDINALITY)


def _static_or_first_batch_size(dataset, shape):
    if shape[0] is not None:
        return int(shape[0])
    first = next(iter(dataset))
    first = first[0] if isinstance(first, tuple) else first
    return int(first.shape[0])


def _label_format(examples, generator):
    """`("int" | "one-hot" | None, num_classes)`, checked against the generator."""
    spec = examples.element_spec
    num_classes = getattr(generator, "num_classes", None)
    if not isinstance(spec, tuple):
        return None, num_classes
    if not num_classes:
        raise ValueError(
            f"The real data has labels but {type(generator).__name__} is "
            "unconditional: its samples would have no class. Use a class-conditional "
            "GAN (e.g. kerasgan.zoo.load('acgan_fashion_mnist'), conditional_gan_*, "
            "big_gan_*), or pass images without labels."
        )
    label_shape = tuple(spec[1].shape)
    if label_shape in ((), (1,)):
        return "int", num_classes
    if len(label_shape) == 1 and spec[1].dtype.is_floating:
        if label_shape[0] != num_classes:
            raise ValueError(
                f"The real labels are one-hot over {label_shape[0]} classes but the "
                f"generator has {num_classes} classes."
            )
        return "one-hot", num_classes
    raise ValueError(
        f"Labels must be class indices (shape () or (1,) per example) or one-hot "
        f"floats (shape ({num_classes},)); got shape {label_shape}, dtype "
        f"{spec[1].dtype.name}."
    )


def _count_real(tf, examples, label_format, num_classes):
    """Real examples per class (None without labels) and the number of examples."""
    if label_format is None:
        return None, int(examples.reduce(np.int64(0), lambda n, _: n + 1))
    to_class = (lambda y: tf.argmax(y, output_type=tf.int64)) if label_format == "one-hot" \
        else (lambda y: tf.reshape(tf.cast(y, tf.int64), ()))
    classes = examples.map(lambda x, y: to_class(y)).batch(4096)
    counts = np.zeros(num_classes, "int64")
    for batch in classes.as_numpy_iterator():
        if batch.min() < 0 or batch.max() >= num_classes:
            raise ValueError(
                f"Real labels must lie in [0, {num_classes}) (the generator's classes); "
                f"got values from {batch.min()} to {batch.max()}."
            )
        counts += np.bincount(batch, minlength=num_classes)
    return counts, int(counts.sum())


def _make_plan(ratio, batch_size, n_real, label_format, num_classes, real_counts,
               labels):
    synthetic = int(round(ratio * batch_size))
    if ratio > 0 and synthetic == 0:
        raise ValueError(
            f"ratio {ratio} of a batch of {batch_size} rounds to no synthetic example: "
            "raise batch_size or ratio."
        )
    if synthetic >= batch_size:
        raise ValueError(
            f"ratio {ratio} of a batch of {batch_size} leaves no real example in a "
            "batch: lower ratio or raise batch_size."
        )
    real = batch_size - synthetic
    batches = n_real // real
    if batches == 0:
        raise ValueError(
            f"The real data has {n_real} examples, fewer than the {real} real "
            f"examples of one batch (batch_size {batch_size}, ratio {ratio}): lower "
            "batch_size."
        )
    synthetic_counts = None
    if num_classes:
        weights = real_counts if real_counts is not None else np.ones(num_classes)
        synthetic_counts = class_counts(labels, batches * synthetic, weights)
    return AugmentationPlan(
        batch_size=batch_size,
        real_per_batch=real,
        synthetic_per_batch=synthetic,
        batches=batches,
        label_format=label_format,
        num_classes=num_classes,
        real_counts=None if real_counts is None else tuple(int(c) for c in real_counts),
        synthetic_counts=None if synthetic_counts is None
        else tuple(int(c) for c in synthetic_counts),
    )


def class_counts(labels, total, real_counts):
    """How many of `total` synthetic examples each class gets.

    Args:
        labels: "balanced", "match", or class weights (a sequence, one per class, or
            a dict `{class: weight}`).
        total: the number of synthetic examples.
        real_counts: real examples per class (its length is the number of classes).

    Returns:
        An int64 array of counts summing to `total`.
    """
    real_counts = np.asarray(real_counts, "int64")
    num_classes = len(real_counts)
    if isinstance(labels, str):
        if labels == "balanced":
            return _fill_lowest(real_counts, total)
        if labels == "match":
            return _apportion(real_counts, total)
        raise ValueError(
            f"labels must be one of {LABEL_MODES} or class weights; got {labels!r}."
        )
    return _apportion(_weights(labels, num_classes), total)


def _weights(labels, num_classes):
    if isinstance(labels, dict):
        bad = [k for k in labels if not (isinstance(k, (int, np.integer))
                                         and 0 <= k < num_classes)]
        if bad:
            raise ValueError(f"Class weights' keys must be classes in [0, {num_classes}); "
                             f"got {bad}.")
        weights = np.zeros(num_classes)
        for k, w in labels.items():
            weights[k] = w
    else:
        weights = np.asarray(labels, "float64").reshape(-1)
        if len(weights) != num_classes:
            raise ValueError(f"Class weights need one weight per class ({num_classes}); "
                             f"got {len(weights)}.")
    if (weights < 0).any() or weights.sum() <= 0 or not np.isfinite(weights).all():
        raise ValueError(f"Class weights must be finite, >= 0 and not all 0; got {weights}.")
    return weights


def _apportion(weights, total):
    """`total` split in proportion to `weights`, rounded by largest remainder."""
    weights = np.asarray(weights, "float64")
    share = weights / weights.sum() * total
    counts = np.floor(share).astype("int64")
    # Ties go to the lower class index (stable sort), so the result is deterministic.
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _fill_lowest(real_counts, total):
    """Water-filling: synthetic examples raise the rarest classes to a common level.

    The level is the highest integer the budget reaches; what is left (fewer than
    the classes at that level) goes one each to the lowest-index of those classes.
    """
    def need(level):
        return int(np.maximum(0, level - real_counts).sum())

    low, high = int(real_counts.min()), int(real_counts.max()) + total  # need(low) = 0
    while low < high:  # the highest level with need(level) <= total
        middle = (low + high + 1) // 2
        low, high = (middle, high) if need(middle) <= total else (low, middle - 1)
    level = low
    counts = np.maximum(0, level - real_counts)
    at_level = np.flatnonzero(real_counts + counts == level)
    counts[at_level[: total - counts.sum()]] += 1
    return counts


def _mix(tf, examples, plan, generator, seed):
    real = examples.batch(plan.real_per_batch, drop_remainder=True)
    if plan.synthetic_per_batch == 0:
        return real.prefetch(tf.data.AUTOTUNE)
    images, classes = generate_labelled(
        generator, plan.batches * plan.synthetic_per_batch, plan.synthetic_counts, seed
    )
    label_spec = examples.element_spec[1] if plan.label_format else None
    synthetic = _synthetic_elements(images, classes, label_spec, plan)
    synthetic = (
        tf.data.Dataset.from_tensor_slices(synthetic)
        .shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
        .batch(plan.synthetic_per_batch, drop_remainder=True)
    )
    mixed = tf.data.Dataset.zip((real, synthetic))
    if plan.label_format is None:
        mixed = mixed.map(lambda r, s: tf.concat([r, s], axis=0))
    else:
        mixed = mixed.map(lambda r, s: (tf.concat([r[0], s[0]], 0),
                                        tf.concat([r[1], s[1]], 0)))
    return mixed.prefetch(tf.data.AUTOTUNE)


def _synthetic_elements(images, classes, label_spec, plan):
    if label_spec is None:
        return images
    dtype = label_spec.dtype.as_numpy_dtype
    if plan.label_format == "one-hot":
        return images, np.eye(plan.num_classes, dtype=dtype)[classes]
    return images, classes.astype(dtype).reshape((-1,) + tuple(label_spec.shape))


def generate_labelled(generator, n, counts=None, seed=0):
    """`n` samples of `generator`, `counts[k]` of class k, in a seeded random order.

    Args:
        generator: a GAN; class-conditional when `counts` is given.
        n: the number of samples.
        counts: samples per class (summing to `n`), or None for an unconditional
            generator.
        seed: seeds the latents and the order of the classes.

    Returns:
        `(images, classes)`: float32 images in [-1, 1] and int32 classes (None
        without `counts`).
    """
    if counts is None:
        return generator.generate(n, seed=seed), None
    if int(np.sum(counts)) != n:
        raise ValueError(f"counts sum to {int(np.sum(counts))}, not n={n}.")
    classes = np.repeat(np.arange(len(counts)), counts).astype("int32")
    np.random.default_rng(seed).shuffle(classes)
    return generator.generate(n, seed=seed, labels=classes), classes


# ----------------------------------------------------------------------------- TSTR
def small_classifier(input_shape=(28, 28, 1), num_classes=10):
    """The fixed small CNN `tstr` and the augmentation table train.

    Two stride-2 3×3 convolutions (16 and 32 filters, ReLU) and a softmax layer on
    the flattened features: about 20k weights on 28×28 images, a few milliseconds
    per batch on one CPU core.

    Args:
        input_shape: one image's shape.
        num_classes: the number of classes.

    Returns:
        An uncompiled `keras.Sequential`.
    """
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(input_shape),
            layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="small_classifier",
    )


def train_and_test(train_ds, test_images, test_labels, seed=0, epochs=1,
                   steps_per_epoch=None, learning_rate=2e-3):
    """Trains a fresh `small_classifier` on `train_ds`; its accuracy on the test set.

    Args:
        train_ds: a `tf.data.Dataset` of `(images, integer labels)` batches.
        test_images: the real test images, `(n, H, W, C)` in [-1, 1].
        test_labels: their integer classes.
        seed: seeds the classifier's initial weights (`keras.utils.set_random_seed`).
        epochs: passes over `train_ds`.
        steps_per_epoch: batches per epoch (None: all of `train_ds`).
        learning_rate: Adam's learning rate.

    Returns:
        The test accuracy, a float in [0, 1].
    """
    predicted = train_and_predict(train_ds, test_images, int(np.max(test_labels)) + 1,
                                  seed, epochs, steps_per_epoch, learning_rate)
    return float(np.mean(predicted == np.asarray(test_labels)))


def train_and_predict(train_ds, test_images, num_classes, seed=0, epochs=1,
                      steps_per_epoch=None, learning_rate=2e-3):
    """Trains a fresh `small_classifier` on `train_ds`; its classes for `test_images`.

    Arguments as `train_and_test`; returns an int array of predicted classes.
    """
    keras.utils.set_random_seed(seed)
    classifier = small_classifier(test_images.shape[1:], num_classes)
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
    )
    classifier.fit(train_ds, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0)
    # Called directly, not with predict(): one more compiled function costs more than
    # the 10 forward passes of a 10k test set on every backend.
    batches = [
        keras.ops.convert_to_numpy(classifier(test_images[i : i + 1000], training=False))
        for i in range(0, len(test_images), 1000)
    ]
    return np.argmax(np.concatenate(batches), axis=-1)


def numpy_dataset(images, labels, batch_size=128, seed=0, repeat=False):
    """A shuffled, batched tf.data pipeline over NumPy `(images, labels)`.

    Args:
        images: float32 images.
        labels: integer labels.
        batch_size: examples per batch (the last, smaller batch is dropped).
        seed: the shuffle seed.
        repeat: repeat forever (train for a fixed number of steps).

    Returns:
        A `tf.data.Dataset`.
    """
    tf = tensorflow()
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(
        len(images), seed=seed, reshuffle_each_iteration=True
    )
    if repeat:
        dataset = dataset.repeat()
    return dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def tstr(gan, dataset="fashion-mnist", seeds=(0, 1, 2), epochs=2, train_size=None,
         batch_size=128, steps_per_epoch=None):
    """Train on synthetic, test on real: a fixed classifier on real vs generated data.

    For every seed, `small_classifier` is trained (a) on the real training set and
    (b) on as many synthetic examples, with the real set's class counts, generated
    with that seed; both are tested on the real test set.

    Args:
        gan: a class-conditional GAN trained on `dataset`.
        dataset: a labelled dataset name for `kerasgan.data.load_numpy` (its
            "train" and "test" splits), or NumPy arrays
            `((train_images, train_labels), (test_images, test_labels))`.
        seeds: one run of each kind per seed (classifier weights, shuffles and the
            synthetic latents).
        epochs: training epochs per run.
        train_size: use the first `train_size` real training examples (None: all);
            the synthetic set has the same size.
        batch_size: classifier batch size.
        steps_per_epoch: batches per epoch (None: the whole training set).

    Returns:
        A dict: "records" (one dict per run: train ("real" or "synthetic"), seed,
        accuracy, examples), "real" and "synthetic" (`(mean, std)` accuracy over the
        seeds) and "gap" (real minus synthetic mean accuracy, in points).

    Example:

    ```python
    table = kerasgan.apps.tstr(kerasgan.zoo.load("acgan_fashion_mnist"), "fashion-mnist")
    print(table["gap"])
    ```
    """
    if not getattr(gan, "num_classes", None):
        raise ValueError(
            f"tstr needs a class-conditional GAN (labels for the synthetic training "
            f"set); {type(gan).__name__} is unconditional."
        )
    (x, y), (test_x, test_y) = _train_and_test_arrays(dataset)
    if tuple(x.shape[1:]) != tuple(gan.data_shape):
        raise ValueError(
            f"The generator makes images of shape {tuple(gan.data_shape)}, the dataset "
            f"has {tuple(x.shape[1:])}."
        )
    if train_size is not None:
        x, y = x[:train_size], y[:train_size]
    counts = np.bincount(y, minlength=gan.num_classes)
    records = []
    for seed in seeds:
        fake_x, fake_y = generate_labelled(gan, len(y), counts, seed=seed)
        for kind, (images, labels) in (("real", (x, y)), ("synthetic", (fake_x, fake_y))):
            accuracy = train_and_test(
                numpy_dataset(images, labels, batch_size, seed), test_x, test_y,
                seed=seed, epochs=epochs, steps_per_epoch=steps_per_epoch,
            )
            records.append({"train": kind, "seed": seed, "accuracy": accuracy,
                            "examples": len(labels)})
    summary = {
        kind: _mean_std([r["accuracy"] for r in records if r["train"] == kind])
        for kind in ("real", "synthetic")
    }
    gap = 100 * (summary["real"][0] - summary["synthetic"][0])
    return {"records": records, **summary, "gap": gap}


def _train_and_test_arrays(dataset):
    if not isinstance(dataset, str):
        (x, y), (test_x, test_y) = dataset
        return (np.asarray(x, "float32"), np.asarray(y)), (np.asarray(test_x, "float32"),
                                                           np.asarray(test_y))
    from kerasgan import data

    x, y = data.load_numpy(dataset, split="train")
    if y is None:
        raise ValueError(f"tstr needs a labelled dataset; {dataset!r} has no labels.")
    return (x, y), data.load_numpy(dataset, split="test")


def _mean_std(values):
    return float(np.mean(values)), float(np.std(values))
