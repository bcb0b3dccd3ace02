"""sneaker2boot: sneakers and ankle boots of Fashion-MNIST as two unpaired domains.

CycleGAN's horse2zebra in the small: two classes that share a layout (a shoe seen
from the side) and differ in shape, so a translation must change the class while
keeping the pose. Unpaired by construction: the domains are different images (class
7 and class 9 of one split, disjoint index sets) and each is shuffled on its own,
so the i-th sneaker of a batch has nothing to do with the i-th boot.
"""

import numpy as np

from kerasgan.data import fashion_mnist
from kerasgan.data import pipeline

# Fashion-MNIST classes: 7 "Sneaker", 9 "Ankle boot".
DOMAIN_CLASSES = {"a": 7, "b": 9}
DOMAIN_NAMES = {"a": "sneaker", "b": "ankle boot"}
SPLIT_SIZES = {"train": 6_000, "test": 1_000}  # per domain


def domain_indices(split, data_dir=None):
    """Indices into the Fashion-MNIST split of domain A's and domain B's images.

    Returns:
        `(indices_a, indices_b)`: sorted int32 arrays, disjoint.
    """
    _, labels = fashion_mnist.load_arrays(split, data_dir)
    labels = np.asarray(labels).reshape(-1)
    return (
        np.flatnonzero(labels == DOMAIN_CLASSES["a"]).astype("int32"),
        np.flatnonzero(labels == DOMAIN_CLASSES["b"]).astype("int32"),
    )


def open_split(request):
    """A 'sneaker2boot' split: batches `(sneakers, boots)` in [-1, 1], shuffled apart."""
    images, _ = fashion_mnist.load_arrays(request.split, request.data_dir)
    image_size = request.image_size or fashion_mnist.PADDED_SIZE
    indices_a, indices_b = domain_indices(request.split, request.data_dir)
    return pipeline.UnpairedSplit(
        _domain(images[indices_a], image_size, request.channels),
        _domain(images[indices_b], image_size, request.channels),
    )


def _domain(images, image_size, channels):
    images = fashion_mnist.fit_to_size(images, image_size)
    return pipeline.in_memory_split(images, None, None, channels)
