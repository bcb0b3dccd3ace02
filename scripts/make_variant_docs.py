"""Renders the sample grids of docs/variants/*.md with short real training runs.

Each variant is trained from scratch on Fashion-MNIST (28×28, the offline Debian
copy) for `--steps` steps of batch `--batch-size` with its declared defaults
(losses, n_critic, optimizers) and smaller nets (32 filters), then 64 samples are
written to docs/images/variants/<variant>_fashion_mnist.png. Conditional variants
draw column k with label k (classes 0-7). The runs are short on purpose (minutes
on a CPU): the grids show that training works, not what the variant can reach.

Usage (TensorFlow is the fastest backend on CPU for these conv nets):
    KERAS_BACKEND=tensorflow python scripts/make_variant_docs.py --steps 600
"""

import argparse
import os
import time

import keras
import numpy as np

import kerasgan
from kerasgan.utils.images import save_samples

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_DIR = os.path.join(ROOT, "docs", "images", "variants")
NETWORK = dict(latent_dim=64, data_shape=(28, 28, 1), g_filters=32, d_filters=32)
VARIANTS = {
    "lsgan": (kerasgan.models.LSGAN, {}),
    "wgan": (kerasgan.models.WGAN, {}),
    "wgan_gp": (kerasgan.models.WGANGP, {}),
    "sngan": (kerasgan.models.SNGAN, {}),
    "sagan": (kerasgan.models.SAGAN, {}),
    "conditional_gan": (kerasgan.models.ConditionalGAN, {"num_classes": 10}),
    "acgan": (kerasgan.models.ACGAN, {"num_classes": 10}),
}


def train(name, images, labels, steps, batch_size):
    cls, options = VARIANTS[name]
    gan = cls(**NETWORK, **options, seed=0)
    gan.compile()
    conditional = "num_classes" in options
    n = steps * batch_size
    start = time.perf_counter()
    gan.fit(
        images[:n],
        labels[:n] if conditional else None,
        batch_size=batch_size,
        epochs=1,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    sample_labels = np.arange(64) % 8 if conditional else None
    samples = gan.generate(64, labels=sample_labels, seed=0)
    path = os.path.join(IMAGE_DIR, f"{name}_fashion_mnist.png")
    save_samples(samples, path, scale=2, columns=8)
    return path, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    args = parser.parse_args()
    images, labels = kerasgan.data.load_numpy("fashion-mnist")
    order = np.random.default_rng(0).permutation(len(images))
    images, labels = images[order], labels[order]
    os.makedirs(IMAGE_DIR, exist_ok=True)
    for name in args.variants:
        path, seconds = train(name, images, labels, args.steps, args.batch_size)
        print(
            f"{name}: {args.steps} steps of batch {args.batch_size} in {seconds:.0f}s "
            f"on {keras.backend.backend()} -> {os.path.relpath(path, ROOT)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
