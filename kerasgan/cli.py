"""The `kerasgan` command line: train, sample, interpolate, evaluate, zoo, export, augment,
invert, anomaly, finetune.

Keras reads KERAS_BACKEND once, at import, and importing kerasgan imports Keras; when
`--backend` names another backend than the one loaded, the command re-executes itself
with KERAS_BACKEND set, so the choice always takes effect.
"""

import argparse
import json
import os
import pathlib
import re
import sys

from kerasgan import tf_logs
from kerasgan.models import registry
from kerasgan.version import __version__

# Exit codes scripts can rely on.
OK = 0
FAILED = 1  # the command ran and failed (non-finite loss, unreadable file, ...)
USAGE = 2  # bad arguments (argparse uses 2 as well)
UNAVAILABLE = 3  # a valid request kerasgan has no implementation for yet

EPILOG = """exit codes: 0 success; 1 runtime failure (e.g. a non-finite loss, an unreadable
file); 2 bad arguments or usage; 3 valid request not available yet (e.g. a metric
for swissroll)."""

TOY_MIXTURES = ("ring8", "grid25")


class UsageError(Exception):
    """A problem with the command's arguments (exit code 2)."""


class Unavailable(Exception):
    """A valid request kerasgan cannot serve yet (exit code 3)."""


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number; got {text}")
    return value


def _image_size(text):
    """`64` or `64x48` (height x width), as `kerasgan.data.load(image_size=)` takes."""
    sides = text.lower().split("x")
    if len(sides) > 2 or not all(side.isdigit() and int(side) > 0 for side in sides):
        raise argparse.ArgumentTypeError(
            f"must be a size like 64 or 64x48 (height x width); got {text}"
        )
    return int(sides[0]) if len(sides) == 1 else (int(sides[0]), int(sides[1]))


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows an option's default in `--help` unless it is None/False or the help
    already says it (argparse's ArgumentDefaultsHelpFormatter prints "None" too)."""

    def _get_help_string(self, action):
        text = action.help or ""
        # Identity, not ==: a default of 0 (--seed) is shown, False (a flag) is not.
        hidden = any(action.default is v for v in (None, False, argparse.SUPPRESS))
        if hidden or "default" in text:
            return text
        return f"{text} (default: %(default)s)".strip()


def _add_command(subparsers, name, help_text, description):
    parser = subparsers.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument(
        "--backend",
        choices=("tensorflow", "jax", "torch"),
        help="Keras backend (default: KERAS_BACKEND, else tensorflow)",
    )
    return parser


def _variant_list():
    """The registry's variants, one a line: name, what it trains on, summary."""
    width = max(len(name) for name in registry.names())
    return "\n".join(
        f"  {v.name.ljust(width)}  [{v.data}] {v.summary}" for v in registry.variants()
    )


def _train_parser(subparsers):
    parser = _add_command(
        subparsers,
        "train",
        "train a GAN variant on a dataset with fit()",
        "Train a GAN with fit(). Writes to --out: samples/ (a grid per epoch), interp/, "
        "losses.png, history.csv, last_good.weights.h5, model.keras, preset/ and "
        "run.json, each file atomically. A killed run continues with --resume.\n\n"
        "variants:\n" + _variant_list(),
    )
    parser.add_argument("variant", choices=registry.names(), help="the GAN variant")
    parser.add_argument(
        "--dataset",
        default="mnist-5k",
        help="a kerasgan.data name (mnist-5k, fashion-mnist, ring8, ...) or an image "
        "folder (default: mnist-5k)",
    )
    _add_data_options(parser)
    parser.add_argument("--epochs", type=_positive_int, default=5, help="epochs")
    parser.add_argument(
        "--batch-size", type=_positive_int, default=64, help="examples per batch"
    )
    parser.add_argument(
        "--steps-per-epoch", type=_positive_int, help="default: one pass over the data"
    )
    parser.add_argument(
        "--latent-dim",
        type=_positive_int,
        help="size of the latent (default: the variant's, e.g. 100 for dcgan, 120 "
        "for big_gan)",
    )
    parser.add_argument(
        "--filters",
        type=_positive_int,
        help="base width of the conv nets (default: the variant's, 64)",
    )
    parser.add_argument(
        "--loss", help="adversarial loss (default: the variant's, e.g. hinge for sngan)"
    )
    parser.add_argument(
        "--gradient-penalty",
        choices=("wgan_gp", "r1"),
        help="default: the variant's (wgan_gp for wgan_gp, else none)",
    )
    parser.add_argument(
        "--n-critic", type=_positive_int, help="D steps per G step (default: variant's)"
    )
    variant_default = "default: the variant's optimizers (Adam 2e-4, β1 0.5 for dcgan)"
    parser.add_argument(
        "--g-lr", type=_positive_float, help=f"G learning rate; {variant_default}"
    )
    parser.add_argument("--d-lr", type=_positive_float, help="D learning rate (Adam)")
    parser.add_argument("--beta1", type=float, help="Adam beta_1")
    parser.add_argument(
        "--ema-decay",
        type=float,
        default=0.999,
        help="decay of the generator EMA used for sampling; 0 turns it off "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="weights, data order and sample latents"
    )
    parser.add_argument(
        "--every", type=_positive_int, default=1, help="epochs between sample grids"
    )
    parser.add_argument("--out", help="output folder (default: runs/<variant>)")
    run_folder = parser.add_mutually_exclusive_group()
    run_folder.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out from its last finished epoch (with the run's "
        "arguments; see --out/arguments.json)",
    )
    run_folder.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the run in --out (without --resume or --overwrite, --out must "
        "be empty or new)",
    )
    parser.add_argument(
        "--tensorboard", action="store_true", help="also log to --out/tensorboard"
    )
    parser.add_argument(
        "--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras's progress bar"
    )
    parser.set_defaults(run=_run_train)


def _add_data_options(parser):
    """The options of `kerasgan.data.load` that change the data."""
    data = parser.add_argument_group(
        "data options", "as kerasgan.data.load(); by default a dataset keeps its own"
    )
    data.add_argument("--split", default="train", help="the split to train on")
    data.add_argument(
        "--image-size",
        type=_image_size,
        metavar="SIZE",
        help="scale every image to cover SIZE or HxW and centre-crop it; needed for a "
        "folder of images of different sizes",
    )
    data.add_argument(
        "--channels", type=int, choices=(1, 3), help="1: grayscale, 3: RGB"
    )
    data.add_argument("--data-dir", help="a folder to look in first for the dataset")
    data.add_argument("--image-key", help="tfds: the image feature, if not detected")
    data.add_argument("--label-key", help="tfds: the label feature, if not detected")


def _data_options(args):
    """`kerasgan.data.load` arguments given on the command line (the rest default)."""
    options = {
        "split": args.split,
        "image_size": args.image_size,
        "channels": args.channels,
        "data_dir": args.data_dir,
        "image_key": args.image_key,
        "label_key": args.label_key,
    }
    defaults = {"split": "train"}
    return {
        name: value
        for name, value in options.items()
        if value is not None and value != defaults.get(name)
    }


def _add_model_argument(parser):
    parser.add_argument(
        "run_dir", help="a folder written by `kerasgan train`, or a zoo name"
    )


def _sample_parser(subparsers):
    parser = _add_command(
        subparsers,
        "sample",
        "write a grid of samples from a trained run",
        "Write a PNG of samples from RUN/model.keras or a zoo entry (a scatter plot "
        "for 2-D data).",
    )
    _add_model_argument(parser)
    parser.add_argument("--n", type=_positive_int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="samples.png", help="the PNG path")
    parser.add_argument(
        "--no-ema", action="store_true", help="sample the raw generator, not its EMA"
    )
    parser.set_defaults(run=_run_sample)


def _interpolate_parser(subparsers):
    parser = _add_command(
        subparsers,
        "interpolate",
        "walk the latent space between seeds (GIF or PNG strip)",
        "Walk the latent space of RUN/model.keras through the latents of --seeds; "
        "--out ending in .gif writes an animation, .png a strip (one row per pair).",
    )
    _add_model_argument(parser)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--steps", type=_positive_int, default=8)
    parser.add_argument("--method", choices=("spherical", "linear"), default="spherical")
    parser.add_argument("--out", default="walk.gif", help="a .gif or .png path")
    parser.set_defaults(run=_run_interpolate)


def _translate_parser(subparsers, name="translate"):
    upscale = name == "upscale"
    parser = _add_command(
        subparsers,
        name,
        "upscale images with a super-resolution model" if upscale
        else "translate images with an image-to-image model",
        f"{'Upscale' if upscale else 'Translate'} an image file, or every image at the "
        "top of a folder, with a zoo entry, a preset folder or RUN/model.keras "
        f"({'SRGAN' if upscale else 'Pix2Pix, CycleGAN, SRGAN'}). Images are fitted "
        "to the model's input size and channels; outputs are PNGs.",
    )
    _add_model_argument(parser)
    parser.add_argument("input", help="an image file or a folder of images")
    parser.add_argument(
        "--out",
        help="the output PNG (a file input) or folder (a folder input); default: "
        f"<input name>_{'upscaled' if upscale else 'translated'}[.png] here",
    )
    if upscale:
        parser.add_argument(
            "--self-ensemble", action="store_true",
            help="average the upscaled 8 flips and quarter turns of each image (8× the "
            "work, usually a higher PSNR; EDSR's '+')",
        )
    else:
        parser.add_argument(
            "--direction", choices=("a_to_b", "b_to_a"),
            help="CycleGAN's direction (default a_to_b); other models translate one way",
        )
    parser.set_defaults(run=_run_translate, upscale=upscale)


def _upscale_parser(subparsers):
    _translate_parser(subparsers, "upscale")


def _evaluate_parser(subparsers):
    parser = _add_command(
        subparsers,
        "evaluate",
        "score a trained run",
        "Score RUN/model.keras. Toy mixtures (ring8, grid25): modes covered, share "
        "of high-quality samples, reverse KL. Image datasets: kerasgan.metrics."
        "evaluate (FID, KID, ... with their N). Writes RUN/evaluation.json.",
    )
    parser.add_argument("run_dir", help="a folder written by `kerasgan train`")
    parser.add_argument(
        "--dataset", help="default: the dataset the run was trained on (run.json)"
    )
    parser.add_argument(
        "--n", type=_positive_int, default=2500, help="samples (FID depends on it)"
    )
    parser.add_argument(
        "--extractor",
        help="image features: inception, mnist, fashion-mnist (default: the "
        "dataset's domain classifier, else inception)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(run=_run_evaluate)


def _zoo_parser(subparsers):
    parser = subparsers.add_parser(
        "zoo",
        help="list the pretrained models or show one's card",
        description="The zoo's pretrained models (offline, hash-checked). Load one in "
        "Python with kerasgan.zoo.load(NAME); sample it with `kerasgan sample NAME`.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="zoo_command", required=True)
    common = dict(epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    listing = commands.add_parser(
        "list", help="name, variant, dataset, size, metrics", **common
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=_run_zoo_list)
    info = commands.add_parser(
        "info", help="an entry's card: metrics, training, files", **common
    )
    info.add_argument("name", help="a name from `kerasgan zoo list` or a preset folder")
    info.add_argument("--json", action="store_true", help="print the metadata as JSON")
    info.set_defaults(run=_run_zoo_info)


def _export_parser(subparsers):
    parser = _add_command(
        subparsers,
        "export",
        "export a generator to ONNX, a SavedModel or TFLite",
        "Export the generator of RUN/model.keras or a zoo entry (latents, and labels "
        "for class-conditional models → images in [-1, 1], as generate_from_latents; "
        "for Pix2Pix, CycleGAN and SRGAN, images → images, as translate) with "
        "Keras's exporters. Formats per backend: docs/export.md.",
    )
    _add_model_argument(parser)
    parser.add_argument("--format", choices=("onnx", "savedmodel", "tflite"),
                        default="onnx")
    parser.add_argument("--out", required=True,
                        help="the .onnx/.tflite file or the SavedModel folder to write")
    parser.add_argument("--batch-size", type=_positive_int,
                        help="a fixed batch size (default: any; TFLite: 1)")
    parser.add_argument(
        "--no-ema", action="store_true", help="export the raw generator, not its EMA"
    )
    parser.add_argument("--direction", choices=("a_to_b", "b_to_a"),
                        help="CycleGAN's direction (default a_to_b)")
    parser.set_defaults(run=_run_export)


def _augment_parser(subparsers):
    parser = _add_command(
        subparsers,
        "augment",
        "write a real + synthetic (class-conditional GAN) dataset to a .npz",
        "Mix one epoch of a labelled dataset with samples of a class-conditional GAN "
        "(RUN/model.keras or a zoo entry), as kerasgan.apps.augment: every batch holds "
        "round(ratio * batch size) synthetic examples after its real ones. Writes "
        "OUT.npz with x (uint8 images, 0-255), y (labels) and synthetic (True for "
        "generated rows). docs/apps/augmentation.md.",
    )
    _add_model_argument(parser)
    parser.add_argument("--dataset", required=True, help="a labelled dataset name")
    parser.add_argument("--split", default="train")
    parser.add_argument("--ratio", type=float, default=0.5,
                        help="the fraction of synthetic examples, in [0, 1)")
    parser.add_argument("--labels", choices=("balanced", "match"), default="balanced",
                        help="synthetic classes: balance the mixed data's classes, or "
                        "follow the real class distribution")
    parser.add_argument("--limit", type=_positive_int,
                        help="use only the first LIMIT real examples")
    parser.add_argument("--batch-size", type=_positive_int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="the .npz file to write")
    parser.set_defaults(run=_run_augment)


def _invert_parser(subparsers):
    parser = _add_command(
        subparsers,
        "invert",
        "find the latents of real images (GAN inversion)",
        "Optimise latents so that the generator of a zoo entry or RUN/model.keras "
        "reproduces the given images (an image file, a folder of images, or a .npy "
        "array (n, h, w, c) in [-1, 1] or uint8). Writes OUT/latents.npy, "
        "OUT/reconstructions.npy and OUT/reconstructions.png (originals above, "
        "reconstructions below). See docs/apps/inversion.md.",
    )
    _add_model_argument(parser)
    parser.add_argument("images", help="an image file, a folder of images or a .npy file")
    parser.add_argument("--steps", type=_positive_int, default=500)
    parser.add_argument("--start", choices=("random", "encoder"), default="random",
                        help="random latents, or a small encoder trained on G(z) -> z")
    parser.add_argument("--distance", choices=("pixel", "pixel+perceptual"),
                        default="pixel+perceptual")
    parser.add_argument("--learning-rate", type=_positive_float, default=0.1)
    parser.add_argument("--labels", type=int, nargs="+",
                        help="class labels, one per image (conditional models)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="inverted", help="the output folder")
    parser.set_defaults(run=_run_invert)


def _anomaly_parser(subparsers):
    from kerasgan.apps.anomaly.anomaly_detector import METHODS

    parser = _add_command(
        subparsers,
        "anomaly",
        "one-class anomaly detection (f-AnoGAN, GANomaly)",
        "Train a detector on one class of a labelled dataset (the normal class) and "
        "calibrate its threshold on held-out images of that class (`fit`), then score "
        "image files (`score`). docs/apps/anomaly.md.",
    )
    commands = parser.add_subparsers(dest="anomaly_command", required=True)
    fit = commands.add_parser("fit", help="train and calibrate a detector",
                              formatter_class=_HelpFormatter)
    fit.add_argument("--dataset", required=True, help="a labelled dataset, e.g. fashion-mnist")
    fit.add_argument("--normal-class", type=int, required=True)
    fit.add_argument("--method", choices=METHODS, default="f-anogan")
    fit.add_argument("--out", required=True, help="the folder to write")
    fit.add_argument("--epochs", type=_positive_int, default=10)
    fit.add_argument("--batch-size", type=_positive_int, default=64)
    fit.add_argument("--latent-dim", type=_positive_int, default=64)
    fit.add_argument("--filters", type=_positive_int, default=32)
    fit.add_argument("--steps-per-epoch", type=_positive_int, help="default: all the data")
    fit.add_argument("--limit", type=_positive_int, help="at most this many normal images")
    fit.add_argument("--fpr", type=float, default=0.05,
                     help="false-positive rate of the threshold on held-out normal images")
    fit.add_argument("--seed", type=int, default=0)
    fit.set_defaults(run=_run_anomaly_fit)
    score = commands.add_parser("score", help="score image files with a detector",
                                formatter_class=_HelpFormatter)
    score.add_argument("run_dir", help="a folder written by `kerasgan anomaly fit`")
    score.add_argument("images", nargs="+", help="image files or folders of images")
    score.add_argument("--json", action="store_true", help="print JSON")
    score.set_defaults(run=_run_anomaly_score)


def _finetune_parser(subparsers):
    parser = _add_command(
        subparsers,
        "finetune",
        "fine-tune a pretrained GAN on a few images of a new domain",
        "Fine-tune a zoo entry, preset folder or run on new images with FreezeD "
        "(D's first layers frozen) and DiffAugment (docs/apps/finetune.md). Writes a "
        "preset to --out (config.json, model.weights.h5, metadata.json, samples.png): "
        "`kerasgan sample OUT` and kerasgan.zoo.load(OUT) read it.",
    )
    _add_model_argument(parser)
    parser.add_argument(
        "--images", required=True,
        help="a .npy array (floats in [-1, 1], the model's shape), an image folder or "
        "a kerasgan.data name; folders and datasets are loaded at the model's size",
    )
    parser.add_argument("--classes", type=_class_list,
                        help="keep these classes only, e.g. 3,5 (datasets, class folders)")
    parser.add_argument("--limit", type=_positive_int,
                        help="use this many images, drawn at random with --seed")
    parser.add_argument("--freeze-d-layers", type=int, default=2,
                        help="D's weighted layers to freeze, from the input (FreezeD)")
    parser.add_argument("--diff-augment", default="color,translation,cutout",
                        help="DiffAugment policy, or 'none'")
    parser.add_argument("--epochs", type=_positive_int, default=10, help="epochs")
    parser.add_argument("--steps-per-epoch", type=_positive_int,
                        help="default: one pass over the images")
    parser.add_argument("--batch-size", type=_positive_int, default=32)
    parser.add_argument("--learning-rate", type=_positive_float,
                        help="Adam's rate for both networks (default: the variant's optimizers)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="the folder to write the preset to")
    parser.add_argument("--overwrite", action="store_true", help="replace --out's files")
    parser.set_defaults(run=_run_finetune)


def _class_list(text):
    try:
        return [int(c) for c in text.split(",") if c.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be class numbers like 3,5; got {text}") from None


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kerasgan",
        description="GANs for Keras 3 on TensorFlow, JAX and PyTorch.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for add in (
        _train_parser,
        _sample_parser,
        _interpolate_parser,
        _evaluate_parser,
        _translate_parser,
        _upscale_parser,
        _zoo_parser,
        _export_parser,
        _augment_parser,
        _invert_parser,
        _anomaly_parser,
        _finetune_parser,
    ):
        add(subparsers)
    return parser


def _run_train(args):
    import keras

    from kerasgan.training import train_variant, width_options

    out = args.out or os.path.join("runs", args.variant)
    # tf.data logs a failing pipeline function's whole traceback (a file that does
    # not decode) as a C++ warning; main() reports the error in one line instead.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not 0.0 <= args.ema_decay < 1.0:
        raise UsageError(f"--ema-decay must lie in [0, 1); got {args.ema_decay}.")
    print(
        f"kerasgan {__version__}, Keras {keras.__version__}, backend "
        f"{keras.backend.backend()}: training {args.variant} on {args.dataset} into {out}"
    )
    options = width_options(args.variant, args.filters)
    train_variant(
        variant=args.variant,
        options=options,
        dataset=args.dataset,
        out=out,
        epochs=args.epochs,
        batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch,
        latent_dim=args.latent_dim,
        loss=args.loss,
        gradient_penalty=args.gradient_penalty,
        n_critic=args.n_critic,
        g_lr=args.g_lr,
        d_lr=args.d_lr,
        beta1=args.beta1,
        ema_decay=args.ema_decay,
        seed=args.seed,
        every=args.every,
        resume=args.resume,
        overwrite=args.overwrite,
        tensorboard=args.tensorboard,
        verbose=args.verbose,
        data_options=_data_options(args),
    )
    print(
        f"done: {out}/model.keras, samples in {out}/samples, losses in {out}/losses.png"
    )
    return OK


def load_run(run_dir):
    """The model of a run folder (`RUN/model.keras`), a preset folder or a zoo name."""
    import keras

    from kerasgan import zoo

    path = pathlib.Path(run_dir) / "model.keras"
    if path.exists():
        return keras.models.load_model(path)
    try:
        return zoo.load(run_dir)
    except zoo.PresetError:
        raise  # a preset that fails its checks: exit 1, not a usage error
    except ValueError as error:
        raise UsageError(
            f"{run_dir} is neither a folder written by `kerasgan train` (no "
            f"model.keras) nor a preset: {error}"
        ) from None


def _format_table(rows, columns):
    widths = [
        max(len(str(row[c])) for row in [dict(zip(columns, columns)), *rows])
        for c in columns
    ]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(columns, widths))]
    for row in rows:
        lines.append("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths)))
    return "\n".join(lines)


def _run_zoo_list(args):
    from kerasgan import zoo

    entries = zoo.list()
    if args.json:
        print(json.dumps(entries, indent=2))
        return OK
    rows = []
    for entry in entries:
        metrics = entry["metrics"]
        fid = [f"{k}={v:.3g}" for k, v in metrics.items() if k.startswith("fid[")]
        modes = [f"{k}={v:.3g}" for k, v in metrics.items() if k.startswith("modes")]
        rows.append(
            {
                **entry,
                "MB": entry["size_mb"],
                "G params": f"{entry['generator_parameters']:,}",
                "metrics": "  ".join(fid + modes[:1]) or "not measured",
            }
        )
    columns = ["name", "variant", "dataset", "G params", "MB", "metrics"]
    print(_format_table(rows, columns) if rows else "The zoo is empty.")
    return OK


def _run_zoo_info(args):
    from kerasgan import zoo

    info = zoo.info(args.name)
    if args.json or info["card"] is None:
        print(json.dumps(info, indent=2))
    else:
        print(pathlib.Path(info["card"]).read_text())
    return OK


def _run_sample(args):
    import keras

    from kerasgan.utils.labels import fixed_labels
    from kerasgan.utils.images import save_samples

    gan = load_run(args.run_dir)
    if args.no_ema:
        gan.ema_generator = None
    labels = fixed_labels(gan, args.n)
    save_samples(gan.generate(args.n, seed=args.seed, labels=labels), args.out)
    print(f"wrote {args.out} (backend {keras.backend.backend()})")
    return OK


def _run_finetune(args):
    import keras

    from kerasgan import zoo
    from kerasgan.apps import transfer
    from kerasgan.utils.images import save_samples

    out = pathlib.Path(args.out)
    if out.is_dir() and any(out.iterdir()) and not args.overwrite:
        raise UsageError(f"{out} already holds files: pass --overwrite or another --out.")
    source = load_run(args.run_dir)
    images = transfer.load_images(args.images, source.data_shape, args.classes,
                                  args.limit, args.seed)
    if not (pathlib.Path(args.run_dir) / "model.keras").exists():
        source = args.run_dir  # a preset: finetune reads the loss its metadata records
    augment = None if args.diff_augment.lower() == "none" else args.diff_augment
    print(f"kerasgan {__version__}, backend {keras.backend.backend()}: fine-tuning "
          f"{args.run_dir} on {len(images)} images into {out}")
    gan = transfer.finetune(
        source, images, freeze_d_layers=args.freeze_d_layers, diff_augment=augment,
        epochs=args.epochs, batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch, learning_rate=args.learning_rate,
        seed=args.seed,
    )
    out.mkdir(parents=True, exist_ok=True)
    save_samples(gan.generate(64, seed=args.seed), out / "samples.png")
    zoo.save_preset(gan, out, {
        "finetuned_from": str(args.run_dir),
        "dataset": args.images,
        "finetune": {"images": len(images), "classes": args.classes,
                     "freeze_d_layers": args.freeze_d_layers,
                     "frozen_layers": list(gan.frozen_layers), "diff_augment": augment,
                     "epochs": args.epochs, "steps": int(gan.optimizer.iterations),
                     "batch_size": args.batch_size, "seed": args.seed},
    }, extra_files=("samples.png",))
    print(f"wrote {out} (kerasgan sample {out})")
    return OK


def _run_export(args):
    import keras

    from kerasgan import export

    model = load_run(args.run_dir)
    if args.direction is not None and not export.is_translator(model):
        raise UsageError(f"--direction is for CycleGAN, not {type(model).__name__}.")
    try:
        export.check_exportable(model, args.format)
    except NotImplementedError as error:
        raise Unavailable(str(error)) from None
    export.export_generator(model, args.out, args.format, ema=not args.no_ema,
                            batch_size=args.batch_size, direction=args.direction)
    inputs = ", ".join(name for name, _, _ in export.exported_inputs(model, args.direction))
    print(f"wrote {args.out} ({args.format}; inputs {inputs}; backend "
          f"{keras.backend.backend()})")
    return OK


def _run_augment(args):
    import keras
    import numpy as np

    from kerasgan import data
    from kerasgan.apps import augmentation
    from kerasgan.utils.files import atomic_path
    from kerasgan.utils.images import to_uint8

    if not args.out.endswith(".npz"):
        raise UsageError(f"--out must name a .npz file; got {args.out}")
    gan = load_run(args.run_dir)
    x, y = data.load_numpy(args.dataset, split=args.split)
    if y is None:
        raise UsageError(f"{args.dataset} has no labels; augment needs labelled data.")
    if args.limit:
        x, y = x[: args.limit], y[: args.limit]
    mixed, plan = augmentation.augment(
        (x, y), gan, ratio=args.ratio, labels=args.labels, batch_size=args.batch_size,
        seed=args.seed, return_plan=True,
    )
    images, labels = zip(*mixed.as_numpy_iterator())
    synthetic = np.tile(np.arange(plan.batch_size) >= plan.real_per_batch, plan.batches)
    with atomic_path(args.out) as tmp, open(tmp, "wb") as file:
        np.savez_compressed(file, x=to_uint8(np.concatenate(images)),
                            y=np.concatenate(labels), synthetic=synthetic)
    print(f"wrote {args.out}: {len(synthetic)} examples, {int(synthetic.sum())} "
          f"synthetic (backend {keras.backend.backend()})")
    return OK


def _run_anomaly_fit(args):
    from kerasgan.apps.anomaly.command import fit_command

    record = fit_command(
        args.dataset, args.normal_class, args.method, args.out, args.fpr,
        limit=args.limit, seed=args.seed, epochs=args.epochs, batch_size=args.batch_size,
        latent_dim=args.latent_dim, filters=args.filters,
        steps_per_epoch=args.steps_per_epoch,
    )
    print(f"wrote {args.out} ({record['method']}, class {record['normal_class']} of "
          f"{record['dataset']} normal; threshold {record['threshold']:.4g} at "
          f"{100 * record['false_positive_rate']:g}% false positives on "
          f"{record['calibration_images']} held-out images)")
    return OK


def _run_anomaly_score(args):
    from kerasgan.apps.anomaly.command import score_command

    rows = score_command(args.run_dir, args.images)
    if args.json:
        print(json.dumps([{"path": p, "score": s, "anomalous": f} for p, s, f in rows]))
        return OK
    for path, score, flagged in rows:
        print(f"{path}\t{score:.6g}\t{'anomalous' if flagged else 'normal'}")
    return OK


def _run_translate(args):
    import keras

    from kerasgan.translate_images import translate_files

    model = load_run(args.run_dir)
    if args.upscale and not hasattr(model, "upscale"):
        raise UsageError(
            f"{args.run_dir} holds a {type(model).__name__}, not a super-resolution "
            "model: use `kerasgan translate` for it."
        )
    direction = getattr(args, "direction", None)
    directions = getattr(type(model), "directions", (None,))
    if direction is None and directions != (None,):
        direction = directions[0]  # CycleGAN: a_to_b
    try:
        written = translate_files(
            model, args.input, args.out, direction,
            suffix="upscaled" if args.upscale else "translated",
            self_ensemble=getattr(args, "self_ensemble", False),
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    where = written[0] if len(written) == 1 else f"{len(written)} images in {written[0].parent}"
    print(f"wrote {where} (backend {keras.backend.backend()})")
    return OK


def _run_interpolate(args):
    from kerasgan.callbacks.interpolation import write_latent_walk

    suffix = pathlib.Path(args.out).suffix.lower()
    if suffix not in (".gif", ".png"):
        raise UsageError(f"--out must end in .gif or .png; got {args.out}.")
    if len(args.seeds) < 2 or args.steps < 2:
        raise UsageError("a walk needs at least 2 --seeds and --steps of at least 2.")
    gan = load_run(args.run_dir)
    if len(gan.data_shape) != 3:
        raise UsageError(
            f"{args.run_dir} holds a model of {gan.data_shape}-shaped data; "
            "interpolate draws images."
        )
    write_latent_walk(
        gan,
        png_path=args.out if suffix == ".png" else None,
        gif_path=args.out if suffix == ".gif" else None,
        seeds=args.seeds,
        steps=args.steps,
        method=args.method,
    )
    print(f"wrote {args.out}")
    return OK


def _run_invert(args):
    import keras
    import numpy as np

    from kerasgan.apps import inversion

    gan = load_run(args.run_dir)
    try:
        inversion.check_latent_model(gan)
        images = inversion.read_images(args.images, gan.data_shape)
        latents = inversion.invert(
            gan, images, steps=args.steps, labels=args.labels, start=args.start,
            distance=args.distance, learning_rate=args.learning_rate, seed=args.seed,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    reconstructions = gan.generate_from_latents(latents, labels=args.labels)
    np.save(out / "latents.npy", latents)
    np.save(out / "reconstructions.npy", reconstructions)
    inversion.save_comparison(images, reconstructions, out / "reconstructions.png")
    error = float(np.mean(np.square(reconstructions - images)))
    print(f"wrote {out}/latents.npy, reconstructions.npy, reconstructions.png "
          f"({len(images)} images, MSE {error:.4f}; backend {keras.backend.backend()})")
    return OK


def _run_evaluate(args):
    from kerasgan import data
    from kerasgan import metrics
    from kerasgan.utils.files import write_json

    run_file = pathlib.Path(args.run_dir) / "run.json"
    dataset = args.dataset
    if dataset is None and run_file.exists():
        dataset = json.loads(run_file.read_text())["dataset"]
    if dataset is None:
        raise UsageError(f"{run_file} is missing: name the data with --dataset.")
    gan = load_run(args.run_dir)
    if dataset in TOY_MIXTURES:
        mixture = getattr(data, dataset)()
        scores = metrics.mode_statistics(gan.generate(args.n, seed=args.seed), mixture)
    elif len(gan.data_shape) != 3:
        raise Unavailable(
            f"no metric for {dataset!r} yet: kerasgan evaluate scores the toy mixtures "
            f"{', '.join(TOY_MIXTURES)} and image datasets."
        )
    else:
        results = metrics.evaluate(
            gan, dataset, num_samples=args.n, extractor=args.extractor, seed=args.seed
        )
        scores = {name: result.to_dict() for name, result in results.items()}
    scores = {"dataset": dataset, **scores}
    write_json(pathlib.Path(args.run_dir) / "evaluation.json", scores)
    print(json.dumps(scores, indent=2))
    return OK


def _switch_backend(backend, argv):
    """Re-executes this command with KERAS_BACKEND=backend (Keras reads it once)."""
    import keras

    if keras.backend.backend() == backend:
        return
    env = tf_logs.environment_for_child(dict(os.environ, KERAS_BACKEND=backend))
    os.execve(sys.executable, [sys.executable, "-m", "kerasgan.cli", *argv], env)


def main(argv=None):
    """Runs a `kerasgan` command; returns its exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if getattr(args, "backend", None):  # the zoo commands load no model
        _switch_backend(args.backend, argv)
    try:
        return args.run(args)
    except Exception as error:
        code = exit_code(error)
        if code is None:
            raise  # a bug: its traceback helps
        return _fail(_one_message(error), code)


def exit_code(error):
    """The exit code of an error the CLI reports in one line; None for any other."""
    from kerasgan.utils.files import WriteError
    from kerasgan.zoo.preset import PresetError

    # A file that cannot be written or trusted is a failure, not a bad argument,
    # though WriteError is a FileNotFoundError's kin and PresetError a ValueError.
    if isinstance(error, (WriteError, PresetError)):
        return FAILED
    if isinstance(error, Unavailable):
        return UNAVAILABLE
    # ValueError: kerasgan's own checks (unknown dataset, loss, a used --out, ...).
    if isinstance(error, (UsageError, FileNotFoundError, ValueError)):
        return USAGE
    failures = (FloatingPointError, ImportError, OSError, RuntimeError)
    if isinstance(error, failures) or _is_tensorflow_error(error):
        return FAILED
    return None


def _is_tensorflow_error(error):
    # tf.data raises these (e.g. for a file a pipeline fails to decode); checked by
    # module so that the CLI does not import TensorFlow on the other backends.
    return type(error).__module__.startswith("tensorflow") and hasattr(error, "message")


def _one_message(error):
    """The message of `error`; for a TensorFlow error, the Python error inside it.

    tf.data wraps an error raised in a pipeline's Python function in a message with
    the whole traceback; its last "XError: message" line is the one that explains.
    """
    if not _is_tensorflow_error(error):
        return str(error)
    lines = [line.strip() for line in str(error.message).splitlines()]
    explained = [line for line in lines if re.match(r"^\w*(Error|Exception): ", line)]
    if not explained:
        return lines[0] if lines else type(error).__name__
    return explained[-1].split(": ", 1)[1]


def _fail(message, code):
    print(f"kerasgan: error: {message}{_flag_hint(message)}", file=sys.stderr)
    return code


def _flag_hint(message):
    """The command-line flag of a loader argument an error names ("image_size=")."""
    if "image_size=" in str(message):
        return " On the command line: --image-size SIZE (or HxW)."
    return ""


if __name__ == "__main__":
    sys.exit(main())
