"""edges2fashion: Fashion-MNIST images paired with their Canny edge maps.

The layout of pix2pix's edges2shoes (Isola et al. 2017), small and offline: the
source is an edge map, the target the image it was computed from. Edges come from
scikit-image's Canny detector, run on the target image at the size it is served at,
so every edge lies on the image it is paired with. Computing them takes ~20 s for
the 70,000 images; they are cached on disk (`kerasgan.data.derived_cache`).
"""

import numpy as np

from kerasgan.data import derived_cache
from kerasgan.data import fashion_mnist
from kerasgan.data import pipeline

SPLIT_SIZES = {"train": 60_000, "test": 10_000}
# Canny on [0, 1] images with skimage's default hysteresis thresholds (0.1, 0.2):
# sigma 1 keeps a garment's outline and its main inner lines (collar, sleeves, soles)
# without the fabric texture at 28×28.
CANNY_SIGMA = 1.0


def edge_maps(images):
    """Canny edge maps of uint8 grayscale images.

    Args:
        images: uint8 `(n, height, width, 1)`.

    Returns:
        bool `(n, height, width, 1)`: True on edges.
    """
    canny = _canny()
    edges = np.zeros(images.shape, dtype=bool)
    for index, image in enumerate(images[..., 0]):
        edges[index, ..., 0] = canny(image / 255.0, sigma=CANNY_SIGMA)
    return edges


def paired_arrays(split, image_size=None, data_dir=None):
    """The split's edge maps, images and class labels, as uint8/bool arrays.

    Args:
        split: "train" or "test".
        image_size: `(height, width)`; None gives 32×32 (28×28 padded).
        data_dir: where to look for Fashion-MNIST first.

    Returns:
        `(edges, images, labels)`: bool `(n, h, w, 1)` edge maps, uint8
        `(n, h, w, 1)` images, the images' Fashion-MNIST class labels `(n,)`.
    """
    image_size = tuple(image_size or fashion_mnist.PADDED_SIZE)
    images, labels = fashion_mnist.load_arrays(split, data_dir)
    images = fashion_mnist.fit_to_size(images, image_size)
    parameters = {"sigma": CANNY_SIGMA, "scikit-image": _canny_version()}
    key = derived_cache.cache_key(images, parameters)
    height, width = image_size
    cached = derived_cache.cached_arrays(
        f"edges2fashion-{split}-{height}x{width}",
        key,
        lambda: {"edges": np.packbits(edge_maps(images), axis=None)},
    )
    edges = np.unpackbits(cached["edges"], count=images.size).astype(bool)
    return edges.reshape(images.shape), images, np.asarray(labels).astype("int32")


def class_labels(split, data_dir=None):
    """The Fashion-MNIST classes of a split's images, in the dataset's order.

    The target of translation accuracy: a translated edge map should be classified
    as the garment it was drawn from.

    Returns:
        int32 `(n,)`.
    """
    return np.asarray(fashion_mnist.load_arrays(split, data_dir)[1]).astype("int32")


def open_split(request):
    """An 'edges2fashion' split: rows are indices; batches `(edges, images)`, [-1, 1]."""
    edges, images, _ = paired_arrays(request.split, request.image_size, request.data_dir)
    tf = pipeline.tensorflow()
    stored_edges = tf.constant(edges.astype(np.uint8) * np.uint8(255))
    stored_images = tf.constant(images)

    def to_batch(indices):
        source = pipeline.fit_images(
            tf.gather(stored_edges, indices), channels=request.channels
        )
        target = pipeline.fit_images(
            tf.gather(stored_images, indices), channels=request.channels
        )
        return source, target

    return pipeline.RowSplit(np.arange(len(images), dtype="int32"), None, to_batch)


def _canny():
    try:
        from skimage.feature import canny
    except ImportError as error:
        raise ImportError(
            "'edges2fashion' computes edges with scikit-image: pip install scikit-image."
        ) from error
    return canny


def _canny_version():
    import skimage

    return skimage.__version__
