"""Fashion-MNIST: `data_dir`, then the Debian package, then a keras.datasets download."""

from kerasgan.data import idx
from kerasgan.data import pipeline
from kerasgan.data.keras_datasets import download_with_keras

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


def open_split(request):
    """The 'fashion-mnist' split (60,000 train or 10,000 test images, 28×28×1)."""
    pair = find_idx_files(request.split, request.data_dir)
    if pair is not None:
        images, labels = idx.read_idx_pair(*pair, _FIX)
    else:
        images, labels = download_with_keras(
            "fashion_mnist",
            request.split,
            _looked_in(request.data_dir),
            "install the Debian package (apt-get install dataset-fashion-mnist), or "
            "put the four *-ubyte.gz files of https://github.com/zalandoresearch/"
            "fashion-mnist in a folder and pass data_dir=<folder>",
        )
    return pipeline.in_memory_split(images, labels, request.image_size, request.channels)


def _looked_in(data_dir):
    places = [DEBIAN_DIR + " (where the Debian package dataset-fashion-mnist puts them)"]
    if data_dir is not None:
        places.insert(0, f"data_dir={data_dir!r}")
    return "no IDX files in " + " or ".join(places)
