"""Training a named variant on a named dataset: what `kerasgan train` runs.

A run folder holds everything a run makes, each file written atomically:

    samples/epoch_NNN.png   SampleGrid (a scatter plot for 2-D data)
    interp/epoch_NNN.*      LatentInterpolation (image data)
    losses.png, history.csv LossPlot
    last_good.weights.h5    the NaN guard's last weights with finite losses
    backup/                 BackupAndRestore's state while training; removed at the end
    model.keras             the final model (EMA generator included)
    preset/                 config.json, model.weights.h5, metadata.json
    run.json                the arguments, backend, time and final logs
"""

import json
import pathlib
import shutil
import time

import keras

import kerasgan
from kerasgan import callbacks as callbacks_lib
from kerasgan import data as data_lib
from kerasgan import models
from kerasgan.utils.files import atomic_path

VARIANTS = ("dcgan", "vanilla_gan")


def build_variant(variant, data_shape, latent_dim, seed, n_critic=1, ema_decay=None):
    """Instantiates a variant for data of `data_shape`."""
    common = dict(
        latent_dim=latent_dim, seed=seed, n_critic=n_critic, ema_decay=ema_decay
    )
    if variant == "dcgan":
        return models.DCGAN(image_shape=data_shape, **common)
    if variant == "vanilla_gan":
        # Points (toy sets) are not bounded by [-1, 1] like images: no tanh.
        activation = "linear" if len(data_shape) == 1 else "tanh"
        return models.VanillaGAN(
            data_shape=data_shape, output_activation=activation, **common
        )
    raise ValueError(f"Unknown variant {variant!r}; known: {', '.join(VARIANTS)}.")


def train_variant(
    variant,
    dataset,
    out,
    epochs=5,
    batch_size=64,
    steps_per_epoch=None,
    latent_dim=100,
    loss="non_saturating",
    gradient_penalty=None,
    n_critic=1,
    g_lr=2e-4,
    d_lr=2e-4,
    beta1=0.5,
    ema_decay=0.999,
    seed=0,
    every=1,
    resume=False,
    tensorboard=False,
    verbose=1,
):
    """Trains `variant` on `dataset` and writes a run folder (see the module docstring).

    With `resume`, a run killed mid-training continues from its last finished epoch
    (`out/backup`) and ends with the weights an uninterrupted run would have: model,
    both optimizers, EMA, RNG states and step count are restored, and the data order
    is a function of the seed and the epoch.

    Returns:
        `(gan, history)`.
    """
    out = pathlib.Path(out)
    backup = out / "backup"
    if not resume and backup.exists():
        shutil.rmtree(backup)  # a stale backup would silently resume an old run
    keras.utils.set_random_seed(seed)
    ds, steps, data_shape = _training_data(dataset, batch_size, steps_per_epoch, seed)
    ds = ds.skip(_finished_epochs(backup) * steps)
    gan = build_variant(
        variant, data_shape, latent_dim, seed, n_critic, ema_decay or None
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(g_lr, beta_1=beta1),
        d_optimizer=keras.optimizers.Adam(d_lr, beta_1=beta1),
        loss=loss,
        gradient_penalty=gradient_penalty,
    )
    start = time.perf_counter()
    history = gan.fit(
        ds,
        epochs=epochs,
        steps_per_epoch=steps,
        verbose=verbose,
        callbacks=_callbacks(out, data_shape, seed, every, tensorboard),
    )
    seconds = time.perf_counter() - start
    with atomic_path(out / "model.keras") as tmp:
        gan.save(tmp)
    run = dict(
        variant=variant,
        dataset=dataset,
        epochs=epochs,
        batch_size=batch_size,
        steps_per_epoch=steps,
        loss=loss,
        gradient_penalty=gradient_penalty,
        ema_decay=gan.ema_decay,
        seed=seed,
        backend=keras.backend.backend(),
        train_seconds=round(seconds, 1),
        final={k: float(v[-1]) for k, v in history.history.items()},
    )
    write_json(out / "run.json", run)
    save_preset(gan, out / "preset", {"variant": variant, "dataset": dataset})
    return gan, history


def _training_data(dataset, batch_size, steps_per_epoch, seed):
    """A seeded, endlessly repeated pipeline, the steps per epoch and the data shape.

    Repeating a seeded pipeline makes the order of every epoch a function of the
    seed alone, so a resumed run skips the batches of the finished epochs and sees
    the batches the uninterrupted run saw.
    """
    ds = data_lib.load(
        dataset, split="train", batch_size=batch_size, shuffle=True, seed=seed
    )
    spec = ds.element_spec[0] if isinstance(ds.element_spec, tuple) else ds.element_spec
    steps = int(steps_per_epoch or ds.cardinality())
    if steps < 1:
        raise ValueError(
            f"{dataset!r} gives no full batch of {batch_size}; lower --batch-size."
        )
    return ds.repeat(), steps, tuple(spec.shape[1:])


def _finished_epochs(backup):
    """Epochs a killed run finished, from BackupAndRestore's metadata; 0 if none."""
    metadata = backup / "training_metadata.json"
    if not metadata.exists():
        return 0
    # BackupAndRestore (save_freq="epoch") records the number of finished epochs.
    return int(json.loads(metadata.read_text())["epoch"])


def _callbacks(out, data_shape, seed, every, tensorboard):
    images = len(data_shape) == 3
    callbacks = [
        callbacks_lib.NonFiniteLossGuard(out / "last_good.weights.h5"),
        keras.callbacks.BackupAndRestore(str(out / "backup")),
        callbacks_lib.SampleGrid(out / "samples", every=every, n=64, seed=seed),
        callbacks_lib.ModeCollapseAlarm(every=every, n=128, seed=seed),
        callbacks_lib.LossPlot(out / "losses.png", csv_path=out / "history.csv"),
    ]
    if images:
        callbacks.append(
            callbacks_lib.LatentInterpolation(out / "interp", every=max(every, 5))
        )
    if tensorboard:
        callbacks.append(keras.callbacks.TensorBoard(str(out / "tensorboard")))
    return callbacks


def save_preset(gan, directory, metadata=None):
    """Writes a keras-hub style preset: config.json, model.weights.h5, metadata.json.

    Load it with `load_preset(directory)`.
    """
    directory = pathlib.Path(directory)
    write_json(directory / "config.json", keras.saving.serialize_keras_object(gan))
    with atomic_path(directory / "model.weights.h5") as tmp:
        gan.save_weights(tmp)
    info = {
        "keras_version": keras.__version__,
        "kerasgan_version": kerasgan.__version__,
        "parameter_count": gan.count_params(),
        **(metadata or {}),
    }
    write_json(directory / "metadata.json", info)
    return directory


def load_preset(directory):
    """The model of a preset folder written by `save_preset`, weights loaded."""
    directory = pathlib.Path(directory)
    config = json.loads((directory / "config.json").read_text())
    gan = keras.saving.deserialize_keras_object(config)
    gan.load_weights(directory / "model.weights.h5")
    return gan


def write_json(path, value):
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_text(json.dumps(value, indent=2) + "\n")
    return path
