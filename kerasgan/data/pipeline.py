"""tf.data pipelines shared by every source: shuffle, batch, resize, scale, prefetch.

TensorFlow is imported on first use (`kerasgan.backend.tf_data.tensorflow()`), never at
module import: the rest of kerasgan runs on JAX or PyTorch without it, and only
`kerasgan.data` needs tf.data.
"""

import dataclasses
from typing import Callable

import numpy as np

from kerasgan.backend.tf_data import tensorflow

# Examples held by the shuffle buffer of streamed sources (tfds), where the whole split
# does not fit in memory.
STREAM_SHUFFLE_BUFFER = 10_000


@dataclasses.dataclass(frozen=True)
class RowSplit:
    """A split held as rows that are cheap to shuffle, turned into data per batch.

    Rows are example indices, file paths, digit-index triples or the data itself;
    `to_batch` maps a batch of rows to a float32 data batch with TensorFlow ops.

    Attributes:
        rows: NumPy array, one row per example.
        labels: int32 NumPy array of labels, or None.
        to_batch: `to_batch(rows) -> float32 batch`, a function of TensorFlow tensors.
    """

    rows: np.ndarray
    labels: np.ndarray | None
    to_batch: Callable


@dataclasses.dataclass(frozen=True)
class StreamSplit:
    """A split read as a stream of examples (tfds), too large to hold as rows.

    Attributes:
        examples: a `tf.data.Dataset` of float32 examples, or `(example, label)` pairs.
    """

    examples: object


@dataclasses.dataclass(frozen=True)
class UnpairedSplit:
    """Two image domains drawn independently: batches are `(domain_a, domain_b)`.

    Each domain is shuffled on its own every epoch (A's i-th image has nothing to do
    with B's i-th), so no pairing can be learnt. An epoch covers the larger domain
    once; the smaller one is repeated, reshuffled on every pass (as CycleGAN's
    unaligned loader does).

    Attributes:
        domain_a: a `RowSplit` or `StreamSplit` without labels.
        domain_b: the same, for domain B.
    """

    domain_a: object
    domain_b: object


def in_memory_split(images, labels, image_size, channels):
    """A `RowSplit` over uint8 NHWC images held in memory; its rows are indices.

    Shuffling indices instead of images keeps one copy of the images, and gathering
    a whole batch at once is faster than mapping over single images.
    """
    tf = tensorflow()
    stored = tf.constant(images)

    def to_batch(indices):
        return fit_images(tf.gather(stored, indices), image_size, channels)

    return RowSplit(np.arange(len(images), dtype="int32"), as_labels(labels), to_batch)


def as_labels(labels):
    """Labels as a flat int32 array (Keras' datasets give `(n, 1)` uint8), or None."""
    return None if labels is None else np.asarray(labels).reshape(-1).astype("int32")


def make_dataset(split, batch_size, shuffle, seed, drop_remainder):
    """Batches, shuffles and prefetches a split.

    Args:
        split: a `RowSplit` or a `StreamSplit`.
        batch_size: examples per batch.
        shuffle: whether to reshuffle every epoch.
        seed: shuffle seed; None shuffles differently each run.
        drop_remainder: drop the last, smaller batch.

    Returns:
        A prefetched `tf.data.Dataset` of batches, or of `(batch, labels)` pairs.
    """
    if isinstance(split, UnpairedSplit):
        return _dataset_from_domains(split, batch_size, shuffle, seed, drop_remainder)
    if isinstance(split, RowSplit):
        return _dataset_from_rows(split, batch_size, shuffle, seed, drop_remainder)
    return _dataset_from_stream(split, batch_size, shuffle, seed, drop_remainder)


def _dataset_from_domains(split, batch_size, shuffle, seed, drop_remainder):
    tf = tensorflow()
    # Different seeds for the two domains: with one seed, two domains of equal size
    # would get the same permutation and so a fixed pairing.
    seed_b = None if seed is None else seed + 1
    a = _domain_elements(split.domain_a, shuffle, seed)
    b = _domain_elements(split.domain_b, shuffle, seed_b)
    sizes = [len(d.rows) for d in (split.domain_a, split.domain_b) if _has_rows(d)]
    if len(sizes) == 2:
        _check_not_empty(max(sizes), batch_size, drop_remainder)
    a, b = _repeat_smaller(a, b)
    # Zipped before batching, so the two halves of every batch have the same size.
    dataset = tf.data.Dataset.zip((a, b)).batch(batch_size, drop_remainder=drop_remainder)
    to_batch_a = _domain_to_batch(split.domain_a)
    to_batch_b = _domain_to_batch(split.domain_b)
    dataset = dataset.map(
        lambda rows_a, rows_b: (to_batch_a(rows_a), to_batch_b(rows_b)),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
    return dataset.prefetch(tf.data.AUTOTUNE)


def _check_not_empty(size, batch_size, drop_remainder):
    """Refuses a dataset that would yield no batch at all (fit() would then fail
    with an obscure error, or train on nothing)."""
    if drop_remainder and size < batch_size:
        raise ValueError(
            f"The split holds {size} examples, fewer than batch_size={batch_size}, "
            "and drop_remainder=True drops that one smaller batch: the dataset would "
            f"be empty. Pass batch_size={size} or less, or drop_remainder=False."
        )


def _domain_elements(domain, shuffle, seed):
    """The unbatched rows (RowSplit) or examples (StreamSplit) of one domain."""
    tf = tensorflow()
    if isinstance(domain, RowSplit):
        elements = tf.data.Dataset.from_tensor_slices(domain.rows)
        buffer = len(domain.rows)
    else:
        elements = domain.examples
        buffer = STREAM_SHUFFLE_BUFFER
    if shuffle:
        elements = elements.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    return elements


def _has_rows(domain):
    return isinstance(domain, RowSplit)


def _domain_to_batch(domain):
    if isinstance(domain, RowSplit):
        return domain.to_batch
    return lambda examples: examples


def _repeat_smaller(a, b):
    """Repeats the smaller domain so that zipping them covers the larger one once.

    With a size unknown (a stream), zipping stops at the end of the shorter domain.
    """
    tf = tensorflow()
    size_a = int(a.cardinality())
    size_b = int(b.cardinality())
    if min(size_a, size_b) < 0 or tf.data.INFINITE_CARDINALITY in (size_a, size_b):
        return a, b
    if size_a < size_b:
        return a.repeat(), b
    if size_b < size_a:
        return a, b.repeat()
    return a, b


def _dataset_from_rows(split, batch_size, shuffle, seed, drop_remainder):
    tf = tensorflow()
    _check_not_empty(len(split.rows), batch_size, drop_remainder)
    elements = split.rows if split.labels is None else (split.rows, split.labels)
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if shuffle:
        # Rows are small (indices, paths), so the buffer can hold the whole split:
        # a full shuffle at no memory cost.
        dataset = dataset.shuffle(
            len(split.rows), seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.map(
        _on_data(split.to_batch), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
    )
    return dataset.prefetch(tf.data.AUTOTUNE)


def _dataset_from_stream(split, batch_size, shuffle, seed, drop_remainder):
    tf = tensorflow()
    dataset = split.examples
    if shuffle:
        dataset = dataset.shuffle(
            STREAM_SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _on_data(function):
    """Applies `function` to the data of an element and passes labels through."""

    def apply(data, labels=None):
        if labels is None:
            return function(data)
        return function(data), labels

    return apply


def fit_images(images, image_size=None, channels=None):
    """Brings uint8 images to a size and channel count and scales them to [-1, 1].

    Args:
        images: uint8 tensor, `(height, width, channels)` or a batch of them.
        image_size: `(height, width)`, or None to keep the size. The image is scaled
            so that it covers the target, then centre-cropped: no distortion.
        channels: 1 (grayscale) or 3 (RGB), or None to keep them.

    Returns:
        A float32 tensor in [-1, 1].
    """
    tf = tensorflow()
    images = tf.cast(images, tf.float32)
    if image_size is not None and tuple(images.shape[-3:-1]) != tuple(image_size):
        images = resize_and_crop(images, image_size)
    if channels is not None:
        images = convert_channels(images, channels)
    return images / 127.5 - 1.0


def resize_and_crop(images, image_size):
    """Scales images to cover `image_size` (aspect ratio kept), then centre-crops."""
    tf = tensorflow()
    height, width = image_size
    shape = tf.shape(images)
    source_height = tf.cast(shape[-3], tf.float32)
    source_width = tf.cast(shape[-2], tf.float32)
    scale = tf.maximum(height / source_height, width / source_width)
    covering_size = tf.cast(
        tf.math.ceil(tf.stack([source_height * scale, source_width * scale])), tf.int32
    )
    # antialias=True filters when shrinking; bilinear weights are non-negative, so
    # values stay within [0, 255].
    images = tf.image.resize(images, covering_size, method="bilinear", antialias=True)
    return tf.image.resize_with_crop_or_pad(images, height, width)


def convert_channels(images, channels):
    """Converts float images between grayscale and RGB (dropping an alpha channel)."""
    tf = tensorflow()
    source_channels = images.shape[-1]
    if source_channels == channels:
        return images
    if source_channels in (2, 4):
        images = images[..., : source_channels - 1]
        source_channels -= 1
    if source_channels == channels:
        return images
    if channels == 1:
        return tf.image.rgb_to_grayscale(images)
    return tf.image.grayscale_to_rgb(images)


def check_image_size(image_size):
    """Normalises `image_size` (an int or `(height, width)`) to a tuple, or None."""
    if image_size is None:
        return None
    sides = (image_size, image_size) if np.isscalar(image_size) else tuple(image_size)
    if len(sides) != 2 or not all(_is_positive_int(side) for side in sides):
        raise ValueError(
            "image_size must be a positive integer (square images) or a pair "
            f"(height, width) of positive integers; got {image_size!r}. Example: "
            "image_size=32 or image_size=(64, 48)."
        )
    return tuple(int(side) for side in sides)


def check_channels(channels):
    """Checks that `channels` is None, 1 (grayscale) or 3 (RGB)."""
    if channels is not None and channels not in (1, 3):
        raise ValueError(
            f"channels must be 1 (grayscale) or 3 (RGB), or None to keep the "
            f"dataset's own; got {channels!r}."
        )
    return channels


def _is_positive_int(value):
    return (
        isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0
    )


def check_batch_size(batch_size):
    """Checks that `batch_size` is a positive integer."""
    if not _is_positive_int(batch_size):
        raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}.")
    return int(batch_size)


def domain_to_numpy(domain, batch_size):
    """All images of one domain of an `UnpairedSplit`, in order, as a NumPy array."""
    tf = tensorflow()
    if isinstance(domain, RowSplit):
        dataset = tf.data.Dataset.from_tensor_slices(domain.rows).batch(batch_size)
        dataset = dataset.map(domain.to_batch, num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = domain.examples.batch(batch_size)
    return dataset_to_numpy(dataset)[0]


def dataset_to_numpy(dataset):
    """Concatenates the batches of a dataset into NumPy arrays.

    Returns:
        `(x, y)`: the data and the int32 labels, `y` None when there are none; for
        pairs, the two halves (`(sources, targets)`, `(low_res, high_res)`).
    """
    data, labels = [], []
    for element in dataset.as_numpy_iterator():
        if isinstance(element, tuple):
            data.append(element[0])
            labels.append(element[1])
        else:
            data.append(element)
    x = np.concatenate(data, axis=0)
    y = np.concatenate(labels, axis=0) if labels else None
    return x, y
