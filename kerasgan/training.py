"""Training a named variant on a named dataset: what `kerasgan train` runs.

A run folder holds everything a run makes, each file written atomically:

    samples/epoch_NNN.png   SampleGrid (a scatter plot for 2-D data)
    interp/epoch_NNN.*      LatentInterpolation (image data)
    losses.png, history.csv LossPlot
    last_good.weights.h5    the NaN guard's last weights with finite losses
    backup/                 BackupAndRestore's state while training; removed at the end
    model.keras             the final model (EMA generator included)
    preset/                 config.json, model.weights.h5, metadata.json (zoo.load)
    run.json                the arguments, backend, time and final logs
"""

import json
import pathlib
import shutil
import time

import keras

from kerasgan import callbacks as callbacks_lib
from kerasgan import data as data_lib
from kerasgan.models import registry
from kerasgan.utils.files import atomic_path
from kerasgan.utils.files import write_json


def build_variant(
    variant, data_shape, latent_dim, seed, n_critic=None, ema_decay=None, **options
):
    """Instantiates a variant for data of `data_shape`.

    Args:
        variant: a name from `kerasgan.models.registry.names()`.
        data_shape: the shape of one example.
        latent_dim, seed, ema_decay: `kerasgan.GAN` arguments.
        n_critic: D steps per G step; None keeps the variant's default.
        **options: further constructor arguments (e.g. `g_filters`, `num_classes`).
    """
    entry = registry.get(variant)
    if len(data_shape) not in entry.data_ranks:
        raise ValueError(
            f"{variant} trains on {entry.data}; the data has examples of shape "
            f"{tuple(data_shape)}."
        )
    common = dict(latent_dim=latent_dim, seed=seed, ema_decay=ema_decay, **options)
    if n_critic is not None:
        common["n_critic"] = n_critic
    if variant == "vanilla_gan":
        # Points (toy sets) are not bounded by [-1, 1] like images: no tanh.
        common.setdefault(
            "output_activation", "linear" if len(data_shape) == 1 else "tanh"
        )
    return entry.cls(data_shape=data_shape, **common)


def compile_variant(
    gan,
    loss=None,
    gradient_penalty=None,
    g_lr=None,
    d_lr=None,
    beta1=None,
    cosine_steps=None,
    **techniques,
):
    """Compiles `gan`; every argument left None keeps the variant's default.

    Variants declare their optimizers (WGAN: RMSprop, SAGAN: TTUR Adam), loss and
    penalty; naming a learning rate, beta1 or `cosine_steps` (cosine decay of the
    learning rates to 0 over that many steps) switches both networks to Adam.
    `techniques` go to `GAN.compile` (`penalty_weight`, `augment`, ...).
    """
    # `GAN.default_optimizers()` is empty; NetworkGAN variants declare theirs.
    defaults = gan.default_optimizers()
    adam_asked_for = any(v is not None for v in (g_lr, d_lr, beta1, cosine_steps))
    if {"g", "d"} <= set(defaults) and not adam_asked_for:
        g_optimizer, d_optimizer = defaults["g"], defaults["d"]
    else:
        g_optimizer = _adam(g_lr, beta1, cosine_steps)
        d_optimizer = _adam(d_lr, beta1, cosine_steps)
    options = dict(techniques)
    if loss is not None:
        options["loss"] = loss
    if gradient_penalty is not None:
        options["gradient_penalty"] = gradient_penalty
    gan.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **options)
    return gan


def _adam(learning_rate, beta1, cosine_steps):
    learning_rate = learning_rate or 2e-4
    if cosine_steps:
        learning_rate = keras.optimizers.schedules.CosineDecay(
            learning_rate, cosine_steps
        )
    return keras.optimizers.Adam(learning_rate, beta_1=0.5 if beta1 is None else beta1)


def train_variant(
    variant,
    dataset,
    out,
    epochs=5,
    batch_size=64,
    steps_per_epoch=None,
    latent_dim=100,
    loss=None,
    gradient_penalty=None,
    n_critic=None,
    g_lr=None,
    d_lr=None,
    beta1=None,
    ema_decay=0.999,
    options=None,
    techniques=None,
    cosine=False,
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
    is a function of the seed and the epoch. Arguments left None (loss, penalty,
    n_critic, optimizers) keep the variant's defaults; `options` holds further
    constructor arguments (`g_filters`, `num_classes`, ...), `techniques` further
    `compile` arguments (`penalty_weight`, `augment`, ...); `cosine` decays the
    learning rates to 0 over the run.

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
        variant,
        data_shape,
        latent_dim,
        seed,
        n_critic,
        ema_decay or None,
        **(options or {}),
    )
    compile_variant(
        gan,
        loss,
        gradient_penalty,
        g_lr,
        d_lr,
        beta1,
        cosine_steps=epochs * steps if cosine else None,
        **(techniques or {}),
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
        loss=gan.adversarial_loss.name,
        gradient_penalty=gan.get_compile_config()["gradient_penalty"],
        n_critic=gan.n_critic,
        options=options or {},
        techniques=techniques or {},
        cosine=cosine,
        ema_decay=gan.ema_decay,
        seed=seed,
        backend=keras.backend.backend(),
        train_seconds=round(seconds, 1),
        final={k: float(v[-1]) for k, v in history.history.items()},
    )
    write_json(out / "run.json", run)
    gan.save_to_preset(out / "preset", {"dataset": dataset})
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
