"""Images/s of each kerasgan.data loader next to the images/s of a DCGAN train step.

The pipeline must never be the bottleneck: every loader should deliver more images
per second than the train step consumes. Loaders are read as NumPy batches, as
`fit()` reads them on JAX and PyTorch (TensorFlow skips that conversion, so this is
the conservative figure). The train step is DCGAN on 28×28×1 at the same batch size,
measured with `fit()` after a warm-up epoch (compilation excluded), on the backend
KERAS_BACKEND names. Nothing is downloaded: keras.datasets loaders read small files
written to a temporary data_dir, folders are written there too.

Usage:
    KERAS_BACKEND=jax python scripts/bench_data.py [--batches 50] [--steps 20]
"""

import argparse
import os
import pickle
import tempfile
import time

import keras
import numpy as np
from PIL import Image

import kerasgan
from kerasgan.data import fashion_mnist
from kerasgan.data import mnist5k


def measure_loader(dataset, batches, warmup=5):
    """Images/s of a dataset read as NumPy batches, after `warmup` batches."""
    iterator = dataset.repeat().as_numpy_iterator()
    for _ in range(warmup):
        next(iterator)
    images = 0
    start = time.perf_counter()
    for _ in range(batches):
        element = next(iterator)
        images += len(element[0] if isinstance(element, tuple) else element)
    return images / (time.perf_counter() - start)


class _EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = time.perf_counter() - self.start


def measure_train_step(batch_size, steps):
    """Images/s of DCGAN's train step on 28×28×1 (the second epoch: no compilation)."""
    gan = kerasgan.models.DCGAN(data_shape=(28, 28, 1), seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    images = np.random.default_rng(0).uniform(-1, 1, (batch_size * steps, 28, 28, 1))
    timer = _EpochTimer()
    gan.fit(
        images.astype("float32"),
        batch_size=batch_size,
        epochs=2,
        verbose=0,
        callbacks=[timer],
    )
    return batch_size * steps / timer.seconds


def write_fake_keras_files(data_dir):
    """mnist.npz and CIFAR-10 batches of random pixels, in the layouts Keras downloads."""
    rng = np.random.default_rng(0)
    np.savez(
        os.path.join(data_dir, "mnist.npz"),
        x_train=rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 10000, dtype=np.uint8),
        x_test=rng.integers(0, 256, (1000, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 1000, dtype=np.uint8),
    )
    cifar = os.path.join(data_dir, "cifar-10-batches-py")
    os.makedirs(cifar)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            b"data": rng.integers(0, 256, (2000, 3072), dtype=np.uint8),
            b"labels": rng.integers(0, 10, 2000).tolist(),
        }
        with open(os.path.join(cifar, name), "wb") as file:
            pickle.dump(batch, file)


def write_png_folder(folder, count):
    """`count` real 28×28 digits as PNG files in ten class subfolders."""
    digits, labels = mnist5k.load_digits()
    for i in range(count):
        class_folder = os.path.join(folder, str(labels[i * len(labels) // count]))
        os.makedirs(class_folder, exist_ok=True)
        Image.fromarray(digits[i * len(labels) // count, ..., 0]).save(
            os.path.join(class_folder, f"{i}.png")
        )


def write_jpeg_folder(folder, count):
    """`count` 178×218 RGB JPEG files (CelebA's size): smooth gradients plus noise."""
    os.makedirs(folder)
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:218, 0:178]
    for i in range(count):
        base = np.stack([x * 255 / 178, y * 255 / 218, np.full_like(x, 40 * (i % 6))], -1)
        pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(os.path.join(folder, f"{i}.jpg"), quality=90)


def loaders(data_dir, batch_size):
    """(label, dataset) pairs of every loader this machine can read."""

    def load(name, **kwargs):
        return kerasgan.data.load(name, batch_size=batch_size, seed=0, **kwargs)

    pairs = [("mnist-5k", load("mnist-5k"))]
    if fashion_mnist.find_idx_files("train"):
        pairs.append(("fashion-mnist", load("fashion-mnist")))
        pairs.append(
            ("fashion-mnist → 64×64×3", load("fashion-mnist", image_size=64, channels=3))
        )
    else:
        print("fashion-mnist: not measured (apt-get install dataset-fashion-mnist)")
    pairs += [
        ("mnist (data_dir npz)", load("mnist", data_dir=data_dir)),
        ("cifar10 (data_dir batches)", load("cifar10", data_dir=data_dir)),
        ("stacked-mnist", load("stacked-mnist")),
        ("ring8", load("ring8")),
        ("folder: PNG 28×28×1", load(os.path.join(data_dir, "png"))),
        (
            "folder: JPEG 178×218 → 64×64×3",
            load(os.path.join(data_dir, "jpeg"), image_size=64),
        ),
    ]
    print("tfds:<name>: not measured (offline, tfds can only generate mock data)")
    return pairs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument(
        "--batches", type=int, default=50, help="batches timed per loader"
    )
    parser.add_argument("--steps", type=int, default=20, help="train steps timed")
    parser.add_argument("--files", type=int, default=2048, help="images per test folder")
    args = parser.parse_args()

    print(f"backend: {keras.backend.backend()}, batch size {args.batch_size}")
    step_rate = measure_train_step(args.batch_size, args.steps)
    print(f"{'DCGAN train step, 28×28×1':34s} {step_rate:10.0f} images/s")
    print(f"{'loader':34s} {'images/s':>10s}  × train step")
    with tempfile.TemporaryDirectory() as data_dir:
        write_fake_keras_files(data_dir)
        write_png_folder(os.path.join(data_dir, "png"), args.files)
        write_jpeg_folder(os.path.join(data_dir, "jpeg"), args.files)
        for label, dataset in loaders(data_dir, args.batch_size):
            rate = measure_loader(dataset, args.batches)
            print(f"{label:34s} {rate:10.0f}  {rate / step_rate:6.1f}×")


if __name__ == "__main__":
    main()
