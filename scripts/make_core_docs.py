"""Pictures for docs/variants/dcgan.md and vanilla_gan.md, from real training runs.

- DCGAN: the README's main job (`kerasgan train dcgan --dataset mnist-5k --epochs 10`),
  its last sample grid copied to docs/images/variants/dcgan_mnist5k.png.
- VanillaGAN: the ring of 8 Gaussians with the settings of tests/test_toy.py; a
  scatter plot of 2,000 samples over the mode centres, and the mode statistics.

Usage: KERAS_BACKEND=tensorflow python scripts/make_core_docs.py [--skip-dcgan]
"""

import argparse
import json
import pathlib
import shutil
import time

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import kerasgan  # noqa: E402
from kerasgan.training import train_variant  # noqa: E402

IMAGES = pathlib.Path(__file__).resolve().parents[1] / "docs" / "images" / "variants"
RING_STEPS, RING_BATCH = 3000, 1024


def make_dcgan_grid(out_dir):
    train_variant(
        variant="dcgan",
        dataset="mnist-5k",
        epochs=10,
        batch_size=64,
        latent_dim=100,
        loss="non_saturating",
        g_lr=2e-4,
        d_lr=2e-4,
        beta1=0.5,
        seed=0,
        out=out_dir,
    )
    shutil.copy(
        pathlib.Path(out_dir) / "samples" / "epoch_010.png", IMAGES / "dcgan_mnist5k.png"
    )


def make_ring_plot():
    mixture = kerasgan.data.ring8()
    gan = kerasgan.models.VanillaGAN(
        latent_dim=16,
        data_shape=(2,),
        hidden_units=(128, 128),
        output_activation="linear",
        seed=0,
    )

    def adam():
        return keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(3e-3, RING_STEPS), beta_1=0.5
        )

    gan.compile(
        g_optimizer=adam(), d_optimizer=adam(), gradient_penalty="r1", penalty_weight=0.1
    )
    start = time.perf_counter()
    gan.fit(
        mixture.sample(RING_BATCH * RING_STEPS // 10, seed=0),
        batch_size=RING_BATCH,
        epochs=10,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    samples = gan.generate(2000, seed=1)
    stats = kerasgan.metrics.mode_statistics(samples, mixture)
    figure, axis = plt.subplots(figsize=(4, 4))
    axis.scatter(samples[:, 0], samples[:, 1], s=2, alpha=0.4, label="generated")
    axis.scatter(*mixture.centers.T, c="red", marker="x", label="mode centres")
    axis.set_aspect("equal")
    axis.set_title(
        f"{stats['modes_covered']}/8 modes, {stats['high_quality']:.0%} within 3σ"
    )
    axis.legend(loc="upper right", fontsize=7)
    figure.tight_layout()
    figure.savefig(IMAGES / "vanilla_gan_ring8.png", dpi=100)
    report = {
        **stats,
        "backend": keras.backend.backend(),
        "train_seconds": round(seconds, 1),
    }
    print(json.dumps(report))
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-dcgan", action="store_true")
    parser.add_argument("--out", default="runs/docs_dcgan")
    args = parser.parse_args()
    IMAGES.mkdir(parents=True, exist_ok=True)
    if not args.skip_dcgan:
        make_dcgan_grid(args.out)
    make_ring_plot()


if __name__ == "__main__":
    main()
