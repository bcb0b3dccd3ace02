"""Fashion-MNIST: `data_dir`, then the Debian package, then a keras.datasets download."""

import numpy as np

from kerasgan.data import idx
from kerasgan.data import pipeline
from kerasgan.data.keras_datasets import download_with_keras

# The size of the image-to-image datasets built on Fashion-MNIST: 28×28 with 2 pixels of
# background around it, so that U-Nets can halve it five times.
PADDED_SIZE = (32, 32)

# Installed by `apt-get install dataset-fashion-mnist` (Debian, Ubuntu).
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"

_FIX = (
    "Replace the file: reinstall the Debian package (apt-get install --reinstall "
    "dataset-fashion-mnist) or download it again from "
    "https://github.com/zalandoresearch/fashion-mnist."
)


def find_idx_files(split, data_dir=None):
    """The split's image and label IDX files in `data_dir` or the Debian package.

    Returns:
        `(image_path, label_path)`, or None when neither place holds them.
    """
    folders = ([data_dir] if data_dir is not None else []) + [DEBIAN_DIR]
    for folder in folders:
        pair = idx.find_idx_pair(folder, split)
        if pair is not None:
            return pair
    return None


def load_arrays(split, data_dir=None):
    """A split's images and labels, from `data_dir`, the Debian package or Keras.

    Args:
        split: "train" or "test".
        data_dir: a folder with the IDX files to look in first, or None.

    Returns:
        `(images, labels)`: uint8 `(n, 28, 28, 1)` and `(n,)` arrays.
    """
    pair = find_idx_files(split, data_dir)
    if pair is not None:
        return idx.read_idx_pair(*pair, _FIX)
    return download_with_keras(
        "fashion_mnist",
        split,
        _looked_in(data_dir),
        "install the Debian package (apt-get install dataset-fashion-mnist), or "
        "put the four *-ubyte.gz files of https://github.com/zalandoresearch/"
        "fashion-mnist in a folder and pass data_dir=<folder>",
    )


def open_split(request):
    """The 'fashion-mnist' split (60,000 train or 10,000 test images, 28×28×1)."""
    images, labels = load_arrays(request.split, request.data_dir)
    return pipeline.in_memory_split(images, labels, request.image_size, request.channels)


def fit_to_size(images, image_size):
    """uint8 28×28 images brought to `image_size`, still uint8.

    32×32 pads 2 pixels of background on each side (as LeNet-5 padded MNIST): the
    pixels stay exact. 28×28 keeps them. Other sizes scale the image to cover the
    size and centre-crop it, as every loader's `image_size=` does, then round.

    Args:
        images: uint8 `(n, 28, 28, 1)`.
        image_size: `(height, width)`.

    Returns:
        uint8 `(n, height, width, 1)`.
    """
    if tuple(image_size) == images.shape[1:3]:
        return np.asarray(images)
    if tuple(image_size) == PADDED_SIZE and images.shape[1:3] == (28, 28):
        return np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)))
    tf = pipeline.tensorflow()
    # In chunks: 60,000 float32 images at 64×64 would take 1 GB at once.
    chunks = [
        pipeline.resize_and_crop(tf.constant(images[start : start + 4096]), image_size)
        for start in range(0, len(images), 4096)
    ]
    resized = np.concatenate([chunk.numpy() for chunk in chunks])
    return np.clip(np.round(resized), 0, 255).astype(np.uint8)


def _looked_in(data_dir):
    places = [DEBIAN_DIR + " (where the Debian package dataset-fashion-mnist puts them)"]
    if data_dir is not None:
        places.insert(0, f"data_dir={data_dir!r}")
    return "no IDX files in " + " or ".join(places)
