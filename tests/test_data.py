"""kerasgan.data: every loader's shapes, dtypes, range and labels, its errors, and fit().

Runs on the backend KERAS_BACKEND names. No test downloads: keras.datasets and tfds
are exercised through data_dir files written here and `tfds.testing.mock_data`.
"""

import gzip
import os
import pickle
import struct
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

import kerasgan
from conftest import require_fashion_mnist
from kerasgan.data import keras_datasets
from kerasgan.data import mnist5k
from kerasgan.data import stacked_mnist


TFDS_MISSING = "tensorflow-datasets is not installed: pip install tensorflow-datasets"


# ------------------------------------------------------------------ helpers
def write_idx(path, array):
    """Writes a uint8 array as a gzip-compressed IDX file."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    with gzip.open(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


def write_fashion_idx(folder, split, n):
    images_name, labels_name = {
        "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    }[split]
    rng = np.random.default_rng(0)
    write_idx(folder / images_name, rng.integers(0, 256, (n, 28, 28)))
    write_idx(folder / labels_name, np.arange(n) % 10)
    return folder / images_name


def write_png(path, size, mode, value=128):
    path.parent.mkdir(parents=True, exist_ok=True)
    channels = {"L": 1, "RGB": 3, "RGBA": 4}[mode]
    array = np.full((size[1], size[0], channels), value, dtype=np.uint8).squeeze(
        -1 if channels == 1 else ()
    )
    Image.fromarray(array, mode=mode).save(path)


def first_batch(dataset):
    return next(iter(dataset.as_numpy_iterator()))


# ------------------------------------------------------------------ registry
def test_list_describes_every_dataset():
    infos = {info.name: info for info in kerasgan.data.list()}
    for name in (
        "mnist-5k",
        "fashion-mnist",
        "mnist",
        "cifar10",
        "stacked-mnist",
        "ring8",
        "grid25",
        "swissroll",
        "tfds:<name>",
        "<folder path>",
    ):
        assert name in infos
        info = infos[name]
        assert info.kind and info.resolution and info.source and info.licence
    assert infos["fashion-mnist"].size == {"train": 60000, "test": 10000}
    assert infos["fashion-mnist"].licence.startswith("MIT")
    assert kerasgan.data.list is kerasgan.data.list_datasets


def test_unknown_name_lists_known_names_and_forms():
    with pytest.raises(ValueError) as error:
        kerasgan.data.load("fashon-mnist")
    message = str(error.value)
    assert "Did you mean 'fashion-mnist'" in message
    assert "mnist-5k" in message and "tfds:<name>" in message and "folder" in message


def test_missing_folder_path_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such_folder"):
        kerasgan.data.load(str(tmp_path / "no_such_folder"))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"image_size": 0}, "image_size must be"),
        ({"image_size": (32, 32, 3)}, "image_size must be"),
        ({"channels": 2}, "channels must be 1"),
        ({"batch_size": 0}, "batch_size must be"),
        ({"split": "validation"}, "no split 'validation'"),
        ({"image_key": "image"}, "only to 'tfds:<name>'"),
    ],
)
def test_bad_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kerasgan.data.load("mnist-5k", **kwargs)


# ------------------------------------------------------------------ mnist-5k
def test_mnist_5k_numpy_arrays():
    x, y = kerasgan.data.load_numpy("mnist-5k")
    assert x.shape == (5000, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert y.dtype == np.int32 and np.bincount(y).tolist() == [500] * 10


def test_load_gives_batched_labelled_dataset():
    dataset = kerasgan.data.load("mnist-5k", batch_size=64, seed=1)
    image_spec, label_spec = dataset.element_spec
    assert (
        tuple(image_spec.shape) == (64, 28, 28, 1) and image_spec.dtype.name == "float32"
    )
    assert tuple(label_spec.shape) == (64,) and label_spec.dtype.name == "int32"
    assert int(dataset.cardinality()) == 5000 // 64
    images, labels = first_batch(dataset)
    assert -1.0 <= images.min() and images.max() <= 1.0
    assert len(set(labels.tolist())) > 1, "the sorted digits must be shuffled"


def test_resize_and_channel_conversion():
    x, _ = kerasgan.data.load_numpy("mnist-5k", image_size=32, channels=3)
    assert x.shape == (5000, 32, 32, 3)
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    assert -1.0 <= x.min() and x.max() <= 1.0
    x, _ = kerasgan.data.load_numpy("mnist-5k", image_size=(20, 14))
    assert x.shape == (5000, 20, 14, 1)


# ------------------------------------------------------------------ fashion-mnist
def test_fashion_mnist_full_splits_from_debian_package():
    require_fashion_mnist()
    for split, count in (("train", 60000), ("test", 10000)):
        x, y = kerasgan.data.load_numpy("fashion-mnist", split=split)
        assert x.shape == (count, 28, 28, 1) and x.dtype == np.float32
        assert x.min() == -1.0 and x.max() == 1.0
        assert np.bincount(y).tolist() == [count // 10] * 10


def test_fashion_mnist_data_dir_comes_first(tmp_path):
    write_fashion_idx(tmp_path, "train", 12)
    x, y = kerasgan.data.load_numpy("fashion-mnist", data_dir=tmp_path)
    assert x.shape == (12, 28, 28, 1) and y.tolist() == [i % 10 for i in range(12)]


def test_truncated_idx_file_is_named(tmp_path):
    images_path = write_fashion_idx(tmp_path, "test", 5)
    content = images_path.read_bytes()
    images_path.write_bytes(content[: len(content) // 2])
    with pytest.raises(
        ValueError, match="t10k-images-idx3-ubyte.gz is corrupt or truncated"
    ):
        kerasgan.data.load("fashion-mnist", split="test", data_dir=tmp_path)


def test_idx_file_shorter_than_its_header_says_is_named(tmp_path):
    write_fashion_idx(tmp_path, "test", 5)
    images_path = tmp_path / "t10k-images-idx3-ubyte.gz"
    header = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 5, 28, 28)
    with gzip.open(images_path, "wb") as file:
        file.write(header + bytes(100))
    with pytest.raises(
        ValueError, match=r"t10k-images-idx3-ubyte.gz is truncated or corrupt"
    ):
        kerasgan.data.load("fashion-mnist", split="test", data_dir=tmp_path)


# ------------------------------------------------------------------ keras.datasets
def test_mnist_from_data_dir_npz(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(
        tmp_path / "mnist.npz",
        x_train=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        y_train=np.arange(20, dtype=np.uint8) % 10,
        x_test=rng.integers(0, 256, (8, 28, 28), dtype=np.uint8),
        y_test=np.arange(8, dtype=np.uint8),
    )
    x, y = kerasgan.data.load_numpy("mnist", split="test", data_dir=tmp_path)
    assert x.shape == (8, 28, 28, 1) and y.tolist() == list(range(8))
    images, labels = first_batch(
        kerasgan.data.load("mnist", batch_size=5, data_dir=tmp_path)
    )
    assert images.shape == (5, 28, 28, 1) and labels.dtype == np.int32


def test_cifar10_from_data_dir_batches(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name in [
        "data_batch_1",
        "data_batch_2",
        "data_batch_3",
        "data_batch_4",
        "data_batch_5",
        "test_batch",
    ]:
        batch = {
            b"data": rng.integers(0, 256, (4, 3072), dtype=np.uint8),
            b"labels": [0, 1, 2, 3],
        }
        (folder / name).write_bytes(pickle.dumps(batch))
    x, y = kerasgan.data.load_numpy("cifar10", data_dir=tmp_path)
    assert x.shape == (20, 32, 32, 3) and y.tolist() == [0, 1, 2, 3] * 5
    x, _ = kerasgan.data.load_numpy(
        "cifar10", split="test", channels=1, data_dir=tmp_path
    )
    assert x.shape == (4, 32, 32, 1)


def test_offline_download_failure_says_how_to_fix(tmp_path, monkeypatch):
    def offline():
        raise Exception("URL fetch failure on https://...: Name or service not known")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    keras_datasets._keras_load_data.cache_clear()
    with pytest.raises(FileNotFoundError) as error:
        kerasgan.data.load("mnist", data_dir=tmp_path)
    message = str(error.value)
    assert str(tmp_path) in message and "URL fetch failure" in message
    assert "data_dir=" in message and "mnist-5k" in message


def test_corrupt_npz_is_named(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="mnist.npz is not a readable mnist.npz"):
        kerasgan.data.load("mnist", data_dir=tmp_path)


# ------------------------------------------------------------------ tfds
def test_tfds_dataset_with_detected_keys():
    tfds = pytest.importorskip("tensorflow_datasets", reason=TFDS_MISSING)
    with tfds.testing.mock_data(num_examples=12):
        dataset = kerasgan.data.load(
            "tfds:mnist", batch_size=4, image_size=32, channels=3
        )
        images, labels = first_batch(dataset)
    assert images.shape == (4, 32, 32, 3) and images.dtype == np.float32
    assert -1.0 <= images.min() and images.max() <= 1.0
    assert labels.dtype == np.int32 and labels.shape == (4,)


def test_tfds_unknown_feature_and_dataset_are_explained():
    tfds = pytest.importorskip("tensorflow_datasets", reason=TFDS_MISSING)
    with tfds.testing.mock_data(num_examples=4):
        with pytest.raises(ValueError, match="image_key='picture' is not a feature"):
            kerasgan.data.load("tfds:mnist", image_key="picture")
    with pytest.raises(
        ValueError, match="TensorFlow Datasets has no dataset 'no_such_set'"
    ):
        kerasgan.data.load("tfds:no_such_set")


# ------------------------------------------------------------------ folders
def test_folder_with_class_subfolders(tmp_path):
    write_png(tmp_path / "cats" / "a.png", (40, 30), "RGB", 255)
    write_png(tmp_path / "cats" / "b.png", (30, 40), "RGBA", 0)
    write_png(tmp_path / "dogs" / "c.png", (16, 16), "L", 128)
    (tmp_path / "dogs" / "notes.txt").write_text("not an image")
    x, y = kerasgan.data.load_numpy(tmp_path, image_size=16, channels=3)
    assert x.shape == (3, 16, 16, 3) and y.tolist() == [0, 0, 1]
    assert x[0].min() == 1.0 and x[1].max() == -1.0
    x, _ = kerasgan.data.load_numpy(str(tmp_path), image_size=(8, 12), channels=1)
    assert x.shape == (3, 8, 12, 1)
    assert kerasgan.data.folder_class_names(tmp_path) == ["cats", "dogs"]


def test_unlabelled_folder_keeps_size_and_grayscale(tmp_path):
    for i in range(5):
        write_png(tmp_path / f"{i}.png", (20, 12), "L", 51 * i)
    dataset = kerasgan.data.load(str(tmp_path), batch_size=5, shuffle=False)
    images = first_batch(dataset)
    assert images.shape == (5, 12, 20, 1)
    np.testing.assert_allclose(
        images[:, 0, 0, 0], [51 * i / 127.5 - 1 for i in range(5)], atol=1e-6
    )


def test_empty_folder_is_explained(tmp_path):
    (tmp_path / "sub").mkdir()
    with pytest.raises(ValueError, match="holds no images"):
        kerasgan.data.load(str(tmp_path))


def test_folder_of_mixed_sizes_needs_image_size(tmp_path):
    write_png(tmp_path / "a.png", (8, 8), "RGB")
    write_png(tmp_path / "b.png", (9, 8), "RGB")
    with pytest.raises(ValueError, match="differ in size.*Pass image_size"):
        kerasgan.data.load(str(tmp_path))


def test_unreadable_image_is_named(tmp_path):
    write_png(tmp_path / "good.png", (8, 8), "RGB")
    (tmp_path / "bad.png").write_bytes(b"garbage, not a PNG")
    with pytest.raises(ValueError, match="bad.png is not a readable image"):
        kerasgan.data.load(str(tmp_path))


def test_truncated_image_is_named_when_decoded(tmp_path):
    write_png(tmp_path / "good.png", (64, 64), "RGB")
    Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    ).save(tmp_path / "cut.png")
    content = (tmp_path / "cut.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(content[: len(content) // 2])
    dataset = kerasgan.data.load(str(tmp_path), batch_size=2)
    with pytest.raises(Exception, match="Cannot decode image .*cut.png"):
        first_batch(dataset)


# ------------------------------------------------------------------ stacked MNIST
def test_stacked_mnist_images_and_modes():
    dataset = kerasgan.data.load("stacked-mnist", batch_size=32, shuffle=False)
    images, modes = first_batch(dataset)
    assert images.shape == (32, 28, 28, 3) and modes.dtype == np.int32
    digits, digit_labels = mnist5k.load_digits()
    triples, expected_modes = stacked_mnist.digit_triples("train")
    np.testing.assert_array_equal(modes, expected_modes[:32])
    np.testing.assert_allclose(
        images[0, ..., 1], digits[triples[0, 1], ..., 0] / 127.5 - 1, atol=1e-6
    )
    red, green, blue = digit_labels[triples[0]]
    assert modes[0] == 100 * red + 10 * green + blue
    assert 0 <= expected_modes.min() and expected_modes.max() < 1000
    assert len(np.unique(expected_modes)) == 1000, "100,000 draws cover all 1,000 modes"


def test_stacked_mnist_refuses_grayscale():
    with pytest.raises(ValueError, match="3 channels by construction"):
        kerasgan.data.load("stacked-mnist", channels=1)


# ------------------------------------------------------------------ toy sets
def test_toy_sets_are_points_with_mode_labels():
    points, modes = first_batch(kerasgan.data.load("ring8", batch_size=256))
    assert (
        points.shape == (256, 2)
        and points.dtype == np.float32
        and modes.dtype == np.int32
    )
    mixture = kerasgan.data.toy_mixture("ring8")
    distances = np.linalg.norm(points - mixture.centers[modes], axis=1)
    assert distances.max() < 6 * mixture.std
    grid_points, _ = kerasgan.data.load_numpy("grid25", split="test")
    assert grid_points.shape == (10000, 2)
    assert kerasgan.data.toy_mixture("grid25").centers.shape == (25, 2)


def test_swissroll_has_no_modes():
    points = first_batch(kerasgan.data.load("swissroll", batch_size=100))
    assert points.shape == (100, 2) and np.abs(points).max() < 2.5
    with pytest.raises(ValueError, match="no discrete modes"):
        kerasgan.data.toy_mixture("swissroll")


def test_toy_sets_refuse_image_arguments():
    with pytest.raises(ValueError, match="2-D points, not images"):
        kerasgan.data.load("grid25", image_size=32)


# ------------------------------------------------------------------ fit() and imports
def test_dataset_feeds_fit_on_current_backend():
    gan = kerasgan.models.VanillaGAN(
        latent_dim=8, data_shape=(28, 28, 1), hidden_units=(16,), seed=0
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    dataset = kerasgan.data.load("mnist-5k", batch_size=32, seed=0)
    history = gan.fit(dataset, epochs=1, steps_per_epoch=2, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert int(gan.d_optimizer.iterations.numpy()) == 2


def test_toy_dataset_feeds_fit_on_current_backend():
    gan = kerasgan.models.VanillaGAN(
        latent_dim=2,
        data_shape=(2,),
        hidden_units=(8,),
        output_activation="linear",
        seed=0,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    history = gan.fit(
        kerasgan.data.load("grid25", batch_size=64),
        epochs=1,
        steps_per_epoch=2,
        verbose=0,
    )
    assert np.isfinite(history.history["g_loss"][-1])


def test_importing_kerasgan_does_not_import_tensorflow():
    code = "import sys, kerasgan, kerasgan.data; print('tensorflow' in sys.modules)"
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stderr
