"""Training a named variant on a named dataset: what `kerasgan train` runs."""

import csv
import json
import pathlib
import time

import keras

from kerasgan import callbacks as callbacks_lib
from kerasgan import data as data_lib
from kerasgan import models
from kerasgan.utils.files import atomic_path


def build_variant(variant, data_shape, latent_dim, seed):
    """Instantiates a variant for data of `data_shape`."""
    if variant == "dcgan":
        return models.DCGAN(latent_dim=latent_dim, image_shape=data_shape, seed=seed)
    if variant == "vanilla_gan":
        return models.VanillaGAN(latent_dim=latent_dim, data_shape=data_shape, seed=seed)
    raise ValueError(f"Unknown variant {variant!r}; known: dcgan, vanilla_gan.")


def train_variant(
    variant, dataset, epochs, batch_size, latent_dim, loss, g_lr, d_lr, beta1, seed, out
):
    """Trains `variant` on `dataset`; writes samples/, history.csv, model.keras, run.json."""
    out = pathlib.Path(out)
    keras.utils.set_random_seed(seed)
    ds = data_lib.load(
        dataset, split="train", batch_size=batch_size, shuffle=True, seed=seed
    )
    data_shape = tuple(
        ds.element_spec[0].shape[1:]
        if isinstance(ds.element_spec, tuple)
        else ds.element_spec.shape[1:]
    )
    gan = build_variant(variant, data_shape, latent_dim, seed)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(g_lr, beta_1=beta1),
        d_optimizer=keras.optimizers.Adam(d_lr, beta_1=beta1),
        loss=loss,
    )
    start = time.perf_counter()
    history = gan.fit(
        ds,
        epochs=epochs,
        callbacks=[callbacks_lib.SampleGrid(out / "samples", n=64, seed=seed)],
    )
    seconds = time.perf_counter() - start
    _write_history(history.history, out / "history.csv")
    with atomic_path(out / "model.keras") as tmp:
        gan.save(tmp)
    run = {
        "variant": variant,
        "dataset": dataset,
        "epochs": epochs,
        "batch_size": batch_size,
        "loss": loss,
        "backend": keras.backend.backend(),
        "train_seconds": round(seconds, 1),
        "final": {k: float(v[-1]) for k, v in history.history.items()},
    }
    with atomic_path(out / "run.json") as tmp:
        pathlib.Path(tmp).write_text(json.dumps(run, indent=2))
    print(
        f"done in {seconds:.0f}s: {out / 'samples'} has a grid per epoch; model in {out / 'model.keras'}"
    )
    return gan, history


def _write_history(history, path):
    names = list(history)
    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["epoch", *names])
            for epoch, values in enumerate(zip(*history.values()), start=1):
                writer.writerow([epoch, *values])
