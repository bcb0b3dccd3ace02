"""MNIST and CIFAR-10: from `data_dir`, else through `keras.datasets` (downloads once).

`keras.datasets` caches its downloads in `~/.keras/datasets` (or `$KERAS_HOME`), so
after one online run these load offline too.
"""

import functools
import os
import pickle
import zipfile

import keras
import numpy as np

from kerasgan.data import idx
from kerasgan.data import pipeline

_CIFAR_FOLDER = "cifar-10-batches-py"
_CIFAR_FILES = {"train": [f"data_batch_{i}" for i in range(1, 6)], "test": ["test_batch"]}

# CIFAR batches are pickles; only these globals rebuild their NumPy arrays, so a
# tampered file cannot run code.
_ALLOWED_PICKLE_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


def open_mnist(request):
    """The 'mnist' split: `data_dir` (mnist.npz or IDX files), else keras.datasets."""
    images, labels = _mnist_arrays(request.split, request.data_dir)
    return pipeline.in_memory_split(images, labels, request.image_size, request.channels)


def open_cifar10(request):
    """The 'cifar10' split: `data_dir` (cifar-10-batches-py), else keras.datasets."""
    images, labels = _cifar10_arrays(request.split, request.data_dir)
    return pipeline.in_memory_split(images, labels, request.image_size, request.channels)


def _mnist_arrays(split, data_dir):
    fix = "Replace the file with a fresh download, or remove it."
    if data_dir is not None:
        npz_path = os.path.join(data_dir, "mnist.npz")
        if os.path.isfile(npz_path):
            return _read_mnist_npz(npz_path, split)
        pair = idx.find_idx_pair(data_dir, split)
        if pair is not None:
            return idx.read_idx_pair(*pair, fix)
    looked_in = _looked_in(
        data_dir, "mnist.npz or MNIST IDX files (train-images-idx3-ubyte.gz, ...)"
    )
    return download_with_keras(
        "mnist",
        split,
        looked_in,
        "put mnist.npz (https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        "mnist.npz) in a folder and pass data_dir=<folder>; or use 'mnist-5k', the "
        "5,000 real MNIST digits that need no download",
    )


def _read_mnist_npz(path, split):
    try:
        with np.load(path, allow_pickle=False) as arrays:
            images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{path} is not a readable mnist.npz ({type(error).__name__}: {error}); it "
            "needs arrays x_train, y_train, x_test, y_test. Replace it with a fresh "
            "download or remove it."
        ) from error
    return _with_channel_axis(images), labels


def _cifar10_arrays(split, data_dir):
    if data_dir is not None:
        for folder in (os.path.join(data_dir, _CIFAR_FOLDER), data_dir):
            paths = [os.path.join(folder, name) for name in _CIFAR_FILES[split]]
            if all(os.path.isfile(path) for path in paths):
                return _read_cifar_batches(paths)
    looked_in = _looked_in(
        data_dir, f"{_CIFAR_FOLDER}/ with data_batch_1..5 and test_batch"
    )
    return download_with_keras(
        "cifar10",
        split,
        looked_in,
        "download https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz, extract it "
        "and pass data_dir=<the folder holding cifar-10-batches-py>",
    )


def _read_cifar_batches(paths):
    images, labels = [], []
    for path in paths:
        batch = _read_cifar_batch(path)
        images.append(batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.append(np.asarray(batch[b"labels"]))
    return np.concatenate(images), np.concatenate(labels)


def _read_cifar_batch(path):
    try:
        with open(path, "rb") as file:
            batch = _RestrictedUnpickler(file, encoding="bytes").load()
        if not (isinstance(batch, dict) and b"data" in batch and b"labels" in batch):
            raise ValueError("no b'data' and b'labels' entries")
        return batch
    except (OSError, EOFError, ValueError, pickle.UnpicklingError) as error:
        raise ValueError(
            f"{path} is not a readable CIFAR-10 batch ({type(error).__name__}: {error}). "
            "Extract cifar-10-python.tar.gz again."
        ) from error


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED_PICKLE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def _looked_in(data_dir, expected):
    if data_dir is None:
        return "no data_dir was given"
    return f"data_dir={data_dir!r} holds no {expected}"


def download_with_keras(module_name, split, looked_in, manual_fix):
    """One split of a `keras.datasets` dataset, downloaded (and cached) by Keras.

    Args:
        module_name: "mnist", "fashion_mnist" or "cifar10".
        split: "train" or "test".
        looked_in: where the files were looked for already, for the error message.
        manual_fix: how to get the files without Keras' download, for the error.

    Returns:
        `(images, labels)`: uint8 NHWC images and their labels.
    """
    try:
        (x_train, y_train), (x_test, y_test) = _keras_load_data(module_name)
    except Exception as error:
        # keras.datasets raises a bare Exception when the download fails.
        raise FileNotFoundError(
            f"Could not find {module_name} locally ({looked_in}), and "
            f"keras.datasets.{module_name}.load_data() could not download it: {error}. "
            f"Fix: run once with internet access (Keras then caches it in "
            f"~/.keras/datasets), or {manual_fix}."
        ) from error
    images, labels = (x_train, y_train) if split == "train" else (x_test, y_test)
    return _with_channel_axis(images), labels


@functools.lru_cache(maxsize=3)
def _keras_load_data(module_name):
    return getattr(keras.datasets, module_name).load_data()


def _with_channel_axis(images):
    return images[..., None] if images.ndim == 3 else images
