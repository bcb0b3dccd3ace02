"""Training a named variant on a named dataset: what `kerasgan train` runs.

A run folder holds everything a run makes, each file written atomically:

    samples/epoch_NNN.png   SampleGrid (a scatter plot for 2-D data)
    interp/epoch_NNN.*      LatentInterpolation (image data)
    losses.png, history.csv LossPlot
    last_good.weights.h5    the NaN guard's last weights with finite losses
    arguments.json          the run's arguments, written before the first epoch
    backup/                 two checkpoints (RunBackup); removed once the files
                            below are written, so a kill never loses the run
    model.keras             the final model (EMA generator included)
    preset/                 config.json, model.weights.h5, metadata.json (zoo.load)
    run.json                the arguments, backend, time and final logs

A run goes into an empty (or new) folder; `resume=True` continues the run in the
folder (refused when its arguments differ), `overwrite=True` replaces it.
"""

import json
import pathlib
import shutil
import time

import keras

from kerasgan import callbacks as callbacks_lib
from kerasgan import data as data_lib
from kerasgan.callbacks.loss_plot import read_history_csv
from kerasgan.callbacks.run_backup import RunBackup
from kerasgan.models import registry
from kerasgan.utils.files import atomic_path
from kerasgan.utils.files import check_writable
from kerasgan.utils.files import write_json

ARGUMENTS = "arguments.json"
# What a run writes into its folder (`--overwrite` removes these and nothing else).
RUN_FILES = (
    ARGUMENTS,
    "backup",
    "evaluation.json",
    "history.csv",
    "interp",
    "last_good.weights.h5",
    "losses.png",
    "model.keras",
    "preset",
    "run.json",
    "samples",
    "tensorboard",
)
# Arguments a resumed run may change: they do not change a step's result.
RESUMABLE_CHANGES = ("epochs",)


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
    check_optimizer_arguments(g_lr, d_lr, beta1)
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


def check_optimizer_arguments(g_lr=None, d_lr=None, beta1=None):
    """Refuses learning rates that are not positive and a beta1 outside [0, 1).

    Keras accepts a negative learning rate and trains uphill without a word.
    """
    for name, value in (("g_lr", g_lr), ("d_lr", d_lr)):
        if value is not None and not float(value) > 0:
            raise ValueError(f"{name} must be a positive learning rate; got {value}.")
    if beta1 is not None and not 0 <= float(beta1) < 1:
        raise ValueError(f"beta1 must lie in [0, 1); got {beta1}.")


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
    overwrite=False,
    tensorboard=False,
    verbose=1,
):
    """Trains `variant` on `dataset` and writes a run folder (see the module docstring).

    With `resume`, a run killed mid-training (or after its last epoch, before its
    final files) continues from its last finished epoch (`out/backup`) and ends with
    the weights an uninterrupted run would have: model, both optimizers, EMA, RNG
    states and step count are restored, and the data order is a function of the
    seed and the epoch. Arguments left None (loss, penalty, n_critic, optimizers)
    keep the variant's defaults; `options` holds further constructor arguments
    (`g_filters`, `num_classes`, ...), `techniques` further `compile` arguments
    (`penalty_weight`, `augment`, ...); `cosine` decays the learning rates to 0
    over the run.

    Args:
        resume: continue the run in `out`; refused when `out` holds no backup or
            was trained with other arguments (only `epochs` may change, and not
            with `cosine`).
        overwrite: replace the run in `out`. Without `resume` or `overwrite`, `out`
            must be empty or new.

    Returns:
        `(gan, history)`.
    """
    out = pathlib.Path(out)
    arguments = {
        "variant": variant,
        "dataset": str(dataset),
        "epochs": epochs,
        "batch_size": batch_size,
        "steps_per_epoch": steps_per_epoch,
        "latent_dim": latent_dim,
        "loss": loss,
        "gradient_penalty": gradient_penalty,
        "n_critic": n_critic,
        "g_lr": g_lr,
        "d_lr": d_lr,
        "beta1": beta1,
        "ema_decay": ema_decay,
        "options": options or {},
        "techniques": techniques or {},
        "cosine": cosine,
        "seed": seed,
        "backend": keras.backend.backend(),
    }
    check_optimizer_arguments(g_lr, d_lr, beta1)
    prepare_run_folder(out, arguments, resume=resume, overwrite=overwrite)
    keras.utils.set_random_seed(seed)
    ds, steps, data_shape = _training_data(dataset, batch_size, steps_per_epoch, seed)
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
    backup = RunBackup(out / "backup", steps, hint=_last_good_hint(out))
    backup.set_model(gan)
    finished = backup.restore()
    write_json(out / ARGUMENTS, arguments)
    start = time.perf_counter()
    history = gan.fit(
        ds.skip(finished * steps),
        epochs=epochs,
        steps_per_epoch=steps,
        verbose=verbose,
        callbacks=_callbacks(out, backup, data_shape, seed, every, tensorboard),
    )
    seconds = time.perf_counter() - start
    write_final_files(gan, out, arguments, steps, seconds)
    # Only now: until the final files exist, the backup is the run.
    shutil.rmtree(out / "backup", ignore_errors=True)
    return gan, history


def write_final_files(gan, out, arguments, steps, seconds):
    """Writes `model.keras`, `run.json` and `preset/` of a finished run."""
    with atomic_path(out / "model.keras") as tmp:
        gan.save(tmp)
    # From history.csv: a resumed run's fit() may have run no epoch at all.
    rows = read_history_csv(out / "history.csv")
    final = {k: float(v) for k, v in (rows[-1] if rows else {}).items() if k != "epoch"}
    run = dict(
        variant=arguments["variant"],
        dataset=arguments["dataset"],
        epochs=arguments["epochs"],
        batch_size=arguments["batch_size"],
        steps_per_epoch=steps,
        loss=gan.adversarial_loss.name,
        gradient_penalty=gan.get_compile_config()["gradient_penalty"],
        n_critic=gan.n_critic,
        options=arguments["options"],
        techniques=arguments["techniques"],
        cosine=arguments["cosine"],
        ema_decay=gan.ema_decay,
        seed=arguments["seed"],
        backend=keras.backend.backend(),
        train_seconds=round(seconds, 1),
        final=final,
    )
    write_json(out / "run.json", run)
    gan.save_to_preset(out / "preset", {"dataset": arguments["dataset"]})


def prepare_run_folder(out, arguments, resume=False, overwrite=False):
    """Checks (and with `overwrite` empties) a run folder before any training.

    Raises:
        ValueError: `out` holds another run (without `resume` or `overwrite`), no
            run to resume, or a run with other arguments.
        kerasgan.utils.files.WriteError: `out` cannot be written.
    """
    out = pathlib.Path(out)
    if resume and overwrite:
        raise ValueError("Pass resume or overwrite, not both.")
    if resume:
        _check_resumable(out, arguments)
    elif overwrite:
        _remove_run_files(out)
    elif set(_entries(out)) - {ARGUMENTS}:  # arguments alone: no epoch to lose
        raise ValueError(
            f"{out} already holds files ({_listing(_entries(out))}): pass --resume "
            "to continue the run in it, --overwrite to replace it, or another --out."
        )
    check_writable(out)


def _entries(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _listing(names, limit=5):
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _check_resumable(out, arguments):
    recorded_path = out / ARGUMENTS
    if not recorded_path.is_file():
        raise ValueError(
            f"Nothing to resume in {out}: it has no {ARGUMENTS} (the arguments a "
            "run writes before its first epoch). Start the run without --resume."
        )
    differences = argument_differences(json.loads(recorded_path.read_text()), arguments)
    if differences:
        raise ValueError(
            f"Cannot resume the run in {out} with other arguments: "
            + "; ".join(differences)
            + ". Resume with the run's arguments (see "
            f"{recorded_path}), or pass --overwrite to start a new run there."
        )
    backup = out / "backup"
    if not any(backup.glob("*.weights.h5*")):
        finished = (out / "run.json").is_file()
        raise ValueError(
            f"Nothing to resume in {out}: "
            + (
                "the run finished (run.json is written)."
                if finished
                else f"{backup} holds no checkpoint (no epoch finished)."
            )
            + " Pass --overwrite to train again from the start."
        )


def argument_differences(recorded, arguments):
    """`["name: X in the run, Y now", ...]` for each argument a resume may not change."""
    allowed = () if arguments.get("cosine") else RESUMABLE_CHANGES
    names = sorted(set(recorded) | set(arguments))
    return [
        f"{name}: {recorded.get(name)!r} in the run, {arguments.get(name)!r} now"
        for name in names
        if name not in allowed and recorded.get(name) != arguments.get(name)
    ]


def _remove_run_files(out):
    """Removes what a run wrote into `out`; refuses a folder holding anything else."""
    names = _entries(out)
    foreign = [n for n in names if n not in RUN_FILES and "-tmp-" not in n]
    if foreign:
        raise ValueError(
            f"--overwrite replaces a run folder, and {out} holds files no run "
            f"writes ({_listing(foreign)}); choose another --out."
        )
    for name in names:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _last_good_hint(out):
    return (
        f"The weights of the last epoch with finite losses are in "
        f"{out / 'last_good.weights.h5'} (model.load_weights); pass --overwrite to "
        "train again from the start."
    )


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


def _callbacks(out, backup, data_shape, seed, every, tensorboard):
    images = len(data_shape) == 3
    callbacks = [
        callbacks_lib.NonFiniteLossGuard(out / "last_good.weights.h5"),
        backup,
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
