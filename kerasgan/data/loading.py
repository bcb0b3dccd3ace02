"""`load()` and `load_numpy()`: any dataset as a tf.data pipeline or NumPy arrays."""

from kerasgan.data import pipeline
from kerasgan.data import registry

# Batch size when reading a whole split into NumPy arrays: large batches amortise
# the per-batch overhead; the size does not change the result.
_NUMPY_BATCH_SIZE = 1024


def load(
    name,
    split="train",
    batch_size=128,
    image_size=None,
    channels=None,
    shuffle=True,
    seed=None,
    data_dir=None,
    drop_remainder=True,
    image_key=None,
    label_key=None,
):
    """Loads a dataset as a shuffled, batched, prefetched `tf.data.Dataset`.

    Images are float32 NHWC in [-1, 1] (the range of a tanh generator); toy sets
    are float32 2-D points. Datasets with labels yield `(data, labels)` pairs with
    int32 labels, the others yield data alone. Image-to-image datasets yield two
    image batches: `(source, target)` (paired: "edges2fashion", "paired:<folder>"),
    `(domain_a, domain_b)` (unpaired: "sneaker2boot", "unpaired:<folder>",
    "tfds:cycle_gan/<name>") or `(low_res, high_res)` (super-resolution:
    "fashion-mnist-sr4", "photos-sr4"). The dataset feeds `fit()` on every Keras
    backend: TensorFlow, JAX and PyTorch.

    Args:
        name: a name from `kerasgan.data.list()` ("mnist-5k", "fashion-mnist",
            "mnist", "cifar10", "stacked-mnist", "ring8", "grid25", "swissroll",
            "edges2fashion", "sneaker2boot", "fashion-mnist-sr4", "photos-sr4"),
            "tfds:<name>" for a TensorFlow Datasets dataset, a path to a folder of
            images (class subfolders become labels), or "paired:<folder>" /
            "unpaired:<folder>" for image-to-image folders.
        split: "train" or "test" (a tfds split string for tfds datasets).
        batch_size: examples per batch.
        image_size: an int or `(height, width)`: images are scaled to cover it and
            centre-cropped. None keeps the dataset's size. For super-resolution
            datasets it is the high-resolution size (a multiple of the scale).
        channels: 1 (grayscale) or 3 (RGB); None keeps the dataset's own.
        shuffle: reshuffle every epoch.
        seed: shuffle seed, for a reproducible order.
        data_dir: a folder to look in first (see each dataset's source).
        drop_remainder: drop the last, smaller batch, so every batch has the same
            shape (a JAX-jitted train step would otherwise compile twice).
        image_key: tfds only: the image feature, when it cannot be detected.
        label_key: tfds only: the label feature, when it cannot be detected.

    Returns:
        A `tf.data.Dataset`.

    Example:

    ```python
    ds = kerasgan.data.load("fashion-mnist", split="train", batch_size=128)
    gan.fit(ds, epochs=10)
    ```
    """
    entry = registry.resolve(name)
    request = _make_request(
        entry.info,
        split,
        image_size,
        channels,
        shuffle,
        seed,
        data_dir,
        image_key,
        label_key,
    )
    split_data = entry.open(request)
    return pipeline.make_dataset(
        split_data, pipeline.check_batch_size(batch_size), shuffle, seed, drop_remainder
    )


def load_numpy(
    name,
    split="train",
    image_size=None,
    channels=None,
    data_dir=None,
    image_key=None,
    label_key=None,
):
    """Loads a whole split as NumPy arrays, in the dataset's order.

    Takes the arguments of `load()` that change the data (not batching or
    shuffling).

    Returns:
        `(x, y)`: float32 data (images NHWC in [-1, 1], or 2-D points) and int32
        labels, `y` None for datasets without labels. Image-to-image datasets give
        their two halves: `(sources, targets)` (paired, aligned),
        `(low_res, high_res)` (super-resolution, aligned) or `(domain_a, domain_b)`
        (unpaired: each domain whole, in its stored order; sizes may differ).

    Example:

    ```python
    x, y = kerasgan.data.load_numpy("mnist-5k")  # (5000, 28, 28, 1), (5000,)
    edges, images = kerasgan.data.load_numpy("edges2fashion", split="test")
    ```
    """
    entry = registry.resolve(name)
    request = _make_request(
        entry.info,
        split,
        image_size,
        channels,
        False,
        None,
        data_dir,
        image_key,
        label_key,
    )
    split_data = entry.open(request)
    if isinstance(split_data, pipeline.UnpairedSplit):
        # Each domain whole and in order; the two may differ in size.
        return (
            pipeline.domain_to_numpy(split_data.domain_a, _NUMPY_BATCH_SIZE),
            pipeline.domain_to_numpy(split_data.domain_b, _NUMPY_BATCH_SIZE),
        )
    dataset = pipeline.make_dataset(
        split_data, _NUMPY_BATCH_SIZE, shuffle=False, seed=None, drop_remainder=False
    )
    return pipeline.dataset_to_numpy(dataset)


def _make_request(
    info, split, image_size, channels, shuffle, seed, data_dir, image_key, label_key
):
    is_tfds = info.name.startswith("tfds:")
    if info.size and split not in info.size:
        raise ValueError(
            f"{info.name!r} has no split {split!r}; its splits are {list(info.size)}."
        )
    if info.kind == registry.POINTS and (image_size is not None or channels is not None):
        raise ValueError(
            f"{info.name!r} is a set of 2-D points, not images: leave image_size and "
            "channels unset."
        )
    if not is_tfds and (image_key is not None or label_key is not None):
        raise ValueError(
            "image_key and label_key select TensorFlow Datasets features; they apply "
            f"only to 'tfds:<name>' datasets, not to {info.name!r}."
        )
    return registry.Request(
        split=split,
        image_size=pipeline.check_image_size(image_size),
        channels=pipeline.check_channels(channels),
        shuffle=bool(shuffle),
        seed=seed,
        data_dir=None if data_dir is None else str(data_dir),
        image_key=image_key,
        label_key=label_key,
    )
