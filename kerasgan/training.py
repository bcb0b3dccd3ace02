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

import inspect
import json
import pathlib
import shutil
import time

import keras

from kerasgan import callbacks as callbacks_lib
from kerasgan import data as data_lib
from kerasgan.callbacks.loss_plot import read_history_csv
from kerasgan.callbacks.run_backup import RunBackup
from kerasgan.engine.gan import GAN
from kerasgan.engine.protocols import DataToData
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
        latent_dim, seed, ema_decay: `kerasgan.GAN` arguments; `latent_dim=None`
            keeps the variant's own default (BigGAN's 120 splits across its
            blocks, the AAE's 8 is a code size).
        n_critic: D steps per G step; None keeps the variant's default.
        **options: further constructor arguments (e.g. `g_filters`, `num_classes`).
    """
    entry = registry.get(variant)
    if entry.task == registry.TRANSLATE:
        # Pix2Pix, CycleGAN and SRGAN translate with the trained generators, as
        # their papers do: no EMA copy.
        return build_translator(entry, data_shape, seed, **options)
    if len(data_shape) not in entry.data_ranks:
        raise ValueError(
            f"{variant} trains on {entry.data}; the data has examples of shape "
            f"{tuple(data_shape)}."
        )
    common = dict(seed=seed, ema_decay=ema_decay, **options)
    if latent_dim is not None:
        common["latent_dim"] = latent_dim
    if n_critic is not None:
        common["n_critic"] = n_critic
    if variant == "vanilla_gan":
        # Points (toy sets) are not bounded by [-1, 1] like images: no tanh.
        common.setdefault(
            "output_activation", "linear" if len(data_shape) == 1 else "tanh"
        )
    return entry.cls(data_shape=data_shape, **common)


def constructor_parameters(cls):
    """The keyword arguments `cls(...)` accepts, following `**kwargs` up the MRO.

    A variant such as `WGAN` takes `**kwargs` and hands them to its parent; the
    names its constructor really understands are those of the first `__init__`
    without `**kwargs`, plus every named one on the way there.
    """
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        parameters = inspect.signature(init).parameters
        names.update(name for name, p in parameters.items()
                     if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and name != "self")
        if not any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
            break
    return names


def width_options(variant, filters):
    """Constructor arguments that set a variant's convolution widths to `filters`.

    `kerasgan train --filters N` means "N filters in the first conv layers of G and
    D"; each variant names them its own way (`g_filters`/`d_filters`), and a
    variant without convolutions (the MLP vanilla GAN, the adversarial
    autoencoder) has none, which is an error rather than a silent no-op.
    """
    if filters is None:
        return {}
    accepted = constructor_parameters(registry.get(variant).cls)
    options = {name: filters for name in ("g_filters", "d_filters") if name in accepted}
    if not options:
        raise ValueError(
            f"{variant} has no convolutional networks, so --filters does not apply "
            "to it; leave it out (its layer sizes are set in its recipe or in Python: "
            f"kerasgan.models.{registry.get(variant).cls.__name__})."
        )
    return options


def build_translator(entry, shapes, seed, **options):
    """An image-to-image variant for batches of `shapes` (one shape per element).

    The element shapes come from the dataset: `(source, target)` for Pix2Pix,
    `(domain_a, domain_b)` for CycleGAN, `(low_res, high_res)` for SRGAN.
    """
    shapes = tuple(tuple(shape) for shape in shapes)
    names = entry.cls.input_names
    if len(shapes) != len(names) or any(len(shape) != 3 for shape in shapes):
        raise ValueError(
            f"{entry.name} trains on {entry.data}: batches of {len(names)} images "
            f"({', '.join(names)}); the data has elements of shapes {list(shapes)}."
        )
    return entry.cls.for_data_shapes(shapes, seed=seed, **options)


def compile_translator(model, total_steps, g_lr=None, d_lr=None, cosine=False,
                       **techniques):
    """Compiles an image-to-image variant with its paper's optimizers for the run.

    `total_steps` matters where the optimizers decay over the run (CycleGAN's
    learning rate falls linearly to 0 over the second half); `g_lr` / `d_lr`
    replace the constant learning rate of the optimizer "g" / of the others
    (keeping their kind and betas); with `cosine`, those rates decay to 0 over
    `total_steps` (cosine); `techniques` go to `compile` (e.g. SRGAN's
    `content_network`).
    """
    check_optimizer_arguments(g_lr, d_lr)
    optimizers = model.run_optimizers(total_steps)
    for key, optimizer in optimizers.items():
        rate = g_lr if key == "g" else d_lr
        if rate is None:
            continue
        config = optimizer.get_config()
        if isinstance(config["learning_rate"], dict):  # a serialized schedule
            raise ValueError(
                f"{type(model).__name__}'s optimizer {key!r} follows its paper's "
                "schedule over the run; a constant g_lr/d_lr would drop it. Leave the "
                "learning rates at their defaults, or compile the model yourself."
            )
        rate = float(rate)
        if cosine:
            rate = keras.optimizers.schedules.CosineDecay(rate, total_steps)
        optimizers[key] = type(optimizer).from_config({**config, "learning_rate": rate})
    model.compile(optimizers=optimizers, **techniques)
    return model


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
    init_from=None,
    data_options=None,
    callbacks=None,
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
        init_from: a preset (zoo name or folder) whose networks of the same names
            and shapes the model starts from (SRGAN from its SRResNet).
        data_options: further `kerasgan.data.load` arguments (`split`,
            `image_size`, `channels`, `data_dir`, `image_key`, `label_key`).
        callbacks: further `fit()` callbacks that watch the run without changing
            it, e.g. `kerasgan.callbacks.Metrics` for a curve of FID over training
            (its values land in history.csv). They are not part of the run's
            arguments: a run trains the same weights with or without them.

    An image-to-image variant (`registry.TRANSLATE`) is built for the dataset's
    element shapes and compiled with its paper's optimizers for the run
    (`model.run_optimizers(total_steps)`); `techniques` go to its `compile`.

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
    if init_from:
        arguments["init_from"] = str(init_from)
    if data_options:  # absent otherwise: runs written before the option still resume
        arguments["data_options"] = dict(data_options)
    check_optimizer_arguments(g_lr, d_lr, beta1)
    prepare_run_folder(out, arguments, resume=resume, overwrite=overwrite)
    keras.utils.set_random_seed(seed)
    ds, steps, shapes = _training_data(
        dataset, batch_size, steps_per_epoch, seed, data_options
    )
    translates = registry.get(variant).task == registry.TRANSLATE
    data_shape = shapes if translates else shapes[0]
    gan = build_variant(
        variant,
        data_shape,
        latent_dim,
        seed,
        n_critic,
        ema_decay or None,
        **(options or {}),
    )
    if translates or not isinstance(gan, GAN):
        # Translators and other models with their own phases and optimizers (the
        # adversarial autoencoder) compile with their paper's optimizers.
        compile_translator(gan, epochs * steps, g_lr, d_lr, cosine,
                           **_attachments(techniques))
    else:
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
    if init_from:
        load_networks_from(gan, init_from)
    backup = RunBackup(out / "backup", steps, hint=_last_good_hint(out))
    backup.set_model(gan)
    finished = backup.restore()
    write_json(out / ARGUMENTS, arguments)
    start = time.perf_counter()
    # The run's own callbacks, then the caller's watchers.
    run_callbacks = [*_callbacks(out, backup, gan, dataset, seed, every, tensorboard),
                     *(callbacks or [])]
    if hasattr(gan, "fit_stages"):
        history = _fit_in_stages(gan, ds, epochs, steps, verbose, run_callbacks, backup,
                                 resume)
    else:
        history = gan.fit(
            ds.skip(finished * steps),
            epochs=epochs,
            steps_per_epoch=steps,
            verbose=verbose,
            callbacks=run_callbacks,
        )
    seconds = time.perf_counter() - start
    write_final_files(gan, out, arguments, steps, seconds, finished, backup.earlier_seconds)
    # Only now: until the final files exist, the backup is the run.
    shutil.rmtree(out / "backup", ignore_errors=True)
    return gan, history


def _fit_in_stages(gan, ds, epochs, steps, verbose, callbacks, backup, resume):
    """A staged variant (StackGAN): `gan.fit_stages` runs its stages, `epochs` in
    all. RunBackup counts the epochs of one fit(), so a staged run does not resume."""
    if resume:
        raise ValueError(
            f"{type(gan).__name__} trains in stages, which a run cannot resume: "
            "pass --overwrite to train again from the start."
        )
    return gan.fit_stages(
        ds, epochs=epochs, steps_per_epoch=steps, verbose=verbose,
        callbacks=[c for c in callbacks if c is not backup],
    )


def write_final_files(gan, out, arguments, steps, seconds, resumed_from=0,
                      earlier_seconds=0.0):
    """Writes `model.keras`, `run.json` and `preset/` of a finished run.

    `seconds` is this process's training; a run resumed at epoch `resumed_from`
    adds the `earlier_seconds` of the epochs it restored (`RunBackup`'s clock).
    When those are unknown (a backup older than the clock), `train_seconds` is
    this process's alone and `train_seconds_from_epoch` says so.
    """
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
        **_loss_settings(gan),
        options=arguments["options"],
        techniques=arguments["techniques"],
        cosine=arguments["cosine"],
        ema_decay=gan.ema_decay,
        seed=arguments["seed"],
        backend=keras.backend.backend(),
        train_seconds=round(seconds + (earlier_seconds or 0.0), 1),
        final=final,
    )
    if resumed_from:
        run["resumed_from_epoch"] = resumed_from
    if earlier_seconds is None:
        run["train_seconds_from_epoch"] = resumed_from
    write_json(out / "run.json", run)
    gan.save_to_preset(out / "preset", {"dataset": arguments["dataset"]})


def _loss_settings(gan):
    """The loss, penalty and n_critic of a latent GAN's run (translators and the
    adversarial autoencoder declare their losses in their config)."""
    if not isinstance(gan, GAN):
        return {}
    return dict(
        loss=gan.adversarial_loss.name,
        gradient_penalty=gan.get_compile_config().get("gradient_penalty"),
        n_critic=getattr(gan, "n_critic", 1),
    )


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


def _training_data(dataset, batch_size, steps_per_epoch, seed, data_options=None):
    """A seeded, endlessly repeated pipeline, the steps per epoch and the data shape.

    Repeating a seeded pipeline makes the order of every epoch a function of the
    seed alone, so a resumed run skips the batches of the finished epochs and sees
    the batches the uninterrupted run saw.
    """
    options = {"split": "train", **(data_options or {})}
    ds = data_lib.load(
        dataset, batch_size=batch_size, shuffle=True, seed=seed, **options
    )
    specs = ds.element_spec if isinstance(ds.element_spec, tuple) else (ds.element_spec,)
    steps = int(steps_per_epoch or ds.cardinality())
    if steps < 1:
        raise ValueError(
            f"{dataset!r} gives no full batch of {batch_size}; lower --batch-size."
        )
    shapes = tuple(tuple(spec.shape[1:]) for spec in specs)
    return ds.repeat(), steps, shapes


def _callbacks(out, backup, gan, dataset, seed, every, tensorboard):
    callbacks = [
        callbacks_lib.NonFiniteLossGuard(out / "last_good.weights.h5"),
        backup,
        *_picture_callbacks(out, gan, dataset, seed, every),
        callbacks_lib.LossPlot(out / "losses.png", csv_path=out / "history.csv"),
    ]
    if tensorboard:
        callbacks.append(keras.callbacks.TensorBoard(str(out / "tensorboard")))
    return callbacks


#: Input → output pairs a translator's sample grids show, from the test split.
SAMPLE_PAIRS = 16


def _picture_callbacks(out, gan, dataset, seed, every):
    """What a run draws: input → output pairs of a translator; samples, the mode
    alarm and (images) latent walks of a latent GAN."""
    if isinstance(gan, DataToData):
        inputs, targets = sample_pairs(dataset, SAMPLE_PAIRS)
        return [callbacks_lib.SampleGrid(out / "samples", every=every, inputs=inputs,
                                         targets=targets)]
    pictures = [
        callbacks_lib.SampleGrid(out / "samples", every=every, n=64, seed=seed),
        callbacks_lib.ModeCollapseAlarm(every=every, n=128, seed=seed),
    ]
    if len(gan.data_shape) == 3:
        pictures.append(callbacks_lib.LatentInterpolation(out / "interp", every=max(every, 5)))
    return pictures


def sample_pairs(dataset, n):
    """The first `n` (input, target) pairs of `dataset`'s test split (train if none):
    the fixed pairs of a translator's sample grids. For unpaired data the "target"
    is an unrelated image of the other domain."""
    try:
        ds = data_lib.load(dataset, split="test", batch_size=n, shuffle=False)
    except ValueError:
        ds = data_lib.load(dataset, split="train", batch_size=n, shuffle=False)
    first, second = next(iter(ds))[:2]
    return first.numpy(), second.numpy()


def _attachments(techniques):
    """`compile` arguments of a translator: a content network named in the recipe
    (SRGAN's `content_network`) is built here, where kerasgan.metrics may be used."""
    techniques = dict(techniques or {})
    name = techniques.pop("content_network", None)
    if name is not None:
        techniques["content_network"] = content_network(name)
    return techniques


def content_network(name):
    """A network mapping images in [-1, 1] to features, by name, for SRGAN.

    `"fashion-mnist-classifier"`: the penultimate features of the shipped
    Fashion-MNIST domain classifier (28×28 grey; 32×32 inputs are cropped by 2 px,
    the padding the datasets add).
    """
    from kerasgan.metrics import domain_classifier

    if name != "fashion-mnist-classifier":
        raise ValueError(
            f"Unknown content network {name!r}; the recipes know "
            "'fashion-mnist-classifier'. Attach your own with "
            "model.compile(content_network=...)."
        )
    classifier, _ = domain_classifier.load_classifier("fashion-mnist")
    features = classifier.get_layer(domain_classifier.FEATURE_LAYER).output
    inputs = keras.Input((32, 32, 1))
    cropped = keras.layers.Cropping2D(2)(inputs)
    extractor = keras.Model(classifier.inputs, features)
    extractor.trainable = False
    return keras.Model(inputs, extractor(cropped), name=name)


def load_networks_from(model, preset):
    """Starts `model` from the networks of a preset (a zoo name, a folder or a run's
    `preset/`): every network of the preset with the same name and shapes is copied
    (SRGAN from its SRResNet; a fine-tuned model from a zoo entry)."""
    from kerasgan import zoo

    source = zoo.load(str(preset), training=True)  # a lean preset has no D
    copied = []
    for name, network in model.networks.items():
        other = source.networks.get(name)
        if other is not None and [w.shape for w in other.weights] == [
            w.shape for w in network.weights
        ]:
            network.set_weights(other.get_weights())
            copied.append(name)
    if not copied:
        raise ValueError(
            f"{preset} has no network of {type(model).__name__}'s names and shapes "
            f"({', '.join(model.network_names)}); nothing to start from."
        )
    return copied
