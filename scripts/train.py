"""Trains a zoo entry from its recipe and publishes it into zoo/<name>/.

Every zoo entry is made by this script at a clean commit (it refuses to run with
uncommitted changes to kerasgan/, scripts/ or the build files), then measured by
`scripts/evaluate.py --zoo <name>`:

    KERAS_BACKEND=tensorflow python scripts/train.py dcgan_fashion_mnist
    KERAS_BACKEND=tensorflow python scripts/evaluate.py --zoo dcgan_fashion_mnist

A run killed on the way (a session that ends, a machine that is taken back) goes on
from its last finished epoch with `--resume`, at the commit that started it, and ends
with the weights of an uninterrupted run; its card gives the minutes of all its
epochs and says where it was resumed.

The run folder (runs/zoo/<name>: grids per epoch, loss plot, history) is kept; the
entry gets the preset (config.json, model.weights.h5 with G, D and EMA G,
metadata.json with the sha256 of every file and a reference slice of the samples),
samples.png and its card, README.md.
"""

import argparse
import os
import pathlib
import platform
import shutil
import subprocess
import sys

import keras
import numpy as np

import kerasgan
from kerasgan import training
from kerasgan.models import registry
from kerasgan.utils.labels import fixed_labels
from kerasgan.utils.images import centre_crop
from kerasgan.utils.images import save_samples
from kerasgan.zoo import card
from kerasgan.zoo import preset as preset_lib
from kerasgan.utils.files import write_json

ROOT = pathlib.Path(__file__).resolve().parents[1]
# Paths whose uncommitted changes would make an entry unreproducible.
CODE_PATHS = ("kerasgan", "scripts", "pyproject.toml", "setup.py")

# Zoo entry name → `training.train_variant` arguments, from each variant's
# `kerasgan/models/<variant>/<variant>_presets.py`.
RECIPES = registry.recipes()


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def source_state():
    """`(commit, dirty)`: HEAD and whether the code differs from it."""
    commit = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--", *CODE_PATHS))
    return commit, dirty


def hardware():
    """CPU model, core count and accelerators, e.g. "AMD EPYC, 2 cores, no GPU"."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    gpus = kerasgan.backend.accelerators()
    return f"{cpu}, {os.cpu_count()} cores, " + (", ".join(gpus) if gpus else "no GPU")


#: Larger images (the held-out photographs) are shown by their centre, at full scale.
DISPLAY_SIDE = 128


def translation_samples(model, dataset, n=8):
    """Input, output and target side by side for `n` test pairs of `dataset`; small
    inputs (super-resolution) enlarged with nearest neighbours to the output size."""
    inputs, targets = training.sample_pairs(dataset, n)
    outputs = model.translate(inputs)
    factor = outputs.shape[1] // inputs.shape[1]
    shown = np.repeat(np.repeat(inputs, factor, axis=1), factor, axis=2)
    if shown.shape[-1] != outputs.shape[-1]:
        shown = np.repeat(shown, outputs.shape[-1], axis=-1)
    triplets = np.stack([shown, outputs, targets[..., : outputs.shape[-1]]], axis=1)
    triplets = centre_crop(triplets, DISPLAY_SIDE)
    text = (
        f"Test pairs of `{dataset}`, each row: input, `translate(input)`, "
        + ("an unrelated image of the target domain." if model.input_names[1] == "domain_b"
           else "ground truth.")
    )
    return triplets.reshape((-1,) + outputs.shape[1:]), text


def entry_samples(gan, dataset):
    """The samples drawn on an entry's card, and what they are."""
    if isinstance(gan, kerasgan.engine.DataToData):
        return translation_samples(gan, dataset)
    if getattr(gan, "num_classes", None):
        labels = fixed_labels(gan, 100)
        text = (
            "`generate(100, seed=0, labels=0, 1, ..., 9, 0, ...)`: one class per column."
        )
        return gan.generate(100, seed=0, labels=labels), text
    if len(gan.data_shape) == 1:
        # A scatter plot needs many points to show every mode.
        return gan.generate(2000, seed=0), "`generate(2000, seed=0)`."
    return gan.generate(64, seed=0), "`generate(64, seed=0)`."


def publish(name, gan, run, recipe, commit, dirty, run_dir):
    """Writes zoo/<name>: preset, samples.png, card."""
    entry = ROOT / "zoo" / name
    if entry.exists():
        shutil.rmtree(entry)  # a retrained entry replaces the old one entirely
    entry.mkdir(parents=True)
    samples, description = entry_samples(gan, recipe["dataset"])
    translating = isinstance(gan, kerasgan.engine.DataToData)
    columns = 3 if translating else 10 if len(samples) == 100 else None
    save_samples(samples, entry / "samples.png", columns=columns)
    backend = keras.backend.backend()
    metadata = {
        "dataset": recipe["dataset"],
        "samples": description,
        "hardware": hardware(),
        "commit": commit,
        "dirty": dirty,
        "recipe": {k: v for k, v in recipe.items() if k != "dataset"},
        "training": {
            "steps": run["epochs"] * run["steps_per_epoch"],
            "epochs": run["epochs"],
            "batch_size": run["batch_size"],
            "seconds": run["train_seconds"],
            # A run resumed after a kill (--resume): where, and whether its earlier
            # epochs' seconds are known (see kerasgan.training.write_final_files).
            **{key: run[key] for key in ("resumed_from_epoch",) if key in run},
            **({"seconds_from_epoch": run["train_seconds_from_epoch"]}
               if "train_seconds_from_epoch" in run else {}),
            **{
                key: run[key]
                for key in ("loss", "gradient_penalty", "n_critic")
                if key in run  # latent GANs; translators' losses are in config.json
            },
            "final_logs": run["final"],
        },
        "command": f"KERAS_BACKEND={backend} python scripts/train.py {name}",
        "run_dir": str(run_dir.relative_to(ROOT))
        if run_dir.is_relative_to(ROOT)
        else str(run_dir),
    }
    preset_lib.save_preset(gan, entry, metadata, extra_files=["samples.png"])
    card.write_card(entry)
    return entry


def source_record(run_dir):
    """Where a zoo run records the commit that started it: in its backup, which
    lives exactly as long as there is a run to resume (removed with it at the end,
    and by --overwrite)."""
    return run_dir / "backup" / "zoo_source.json"


class RecordSource(keras.callbacks.Callback):
    """Records the commit that trains a zoo run, for `--resume` to check."""

    def __init__(self, run_dir, commit):
        super().__init__()
        self.path = source_record(run_dir)
        self.commit = commit

    def on_train_begin(self, logs=None):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_json(self.path, {"commit": self.commit})


def check_resumable_source(run_dir, commit):
    """Refuses, before any training, to resume a zoo run at another commit than the
    one that started it: its entry must record the one commit that made it."""
    path = source_record(run_dir)
    if not path.exists():
        sys.exit(f"Cannot resume {run_dir}: it has no {path.name} in its backup (no "
                 "run to resume, or one started before --resume existed). Train it "
                 "again with --overwrite.")
    started = preset_lib.read_json(path)["commit"]
    if started != commit:
        sys.exit(f"Cannot resume {run_dir}: it was started at commit {started[:10]}, "
                 f"this checkout is {commit[:10]}. Check out {started[:10]} to resume "
                 "it, or train it again with --overwrite.")


#: Samples (and test images) of `--track-fid`'s FID.
TRACK_SAMPLES = 10_000


def tracking(recipe, every):
    """`--track-fid`'s callback: the FID of the samples against the test split, by
    the dataset's domain classifier."""
    if not every:
        return []
    return [kerasgan.callbacks.Metrics("fid", dataset=recipe["dataset"], split="test",
                                       num_samples=TRACK_SAMPLES, every=every)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(RECIPES))
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="train from uncommitted code (the card says so)",
    )
    parser.add_argument("--out", help="run folder (default runs/zoo/<name>)")
    parser.add_argument("--verbose", type=int, default=2)
    parser.add_argument(
        "--overwrite", action="store_true", help="replace an earlier run in the run folder"
    )
    parser.add_argument(
        "--resume", action="store_true",
        help="continue a killed run in the run folder from its last finished epoch, at "
        "the commit that started it; it ends with the weights of an uninterrupted run",
    )
    parser.add_argument(
        "--track-fid", type=int, metavar="EVERY",
        help="also measure the FID of the samples against the test split every EVERY "
        "epochs (by the dataset's domain classifier, else Inception; 10,000 vs 10,000), "
        "into the run's "
        "history.csv: a curve of FID over training (`scripts/fid_curve.py`); the "
        "weights are the same without it",
    )
    args = parser.parse_args(argv)
    commit, dirty = source_state()
    if dirty and not args.allow_dirty:
        sys.exit(
            f"Uncommitted changes in {', '.join(CODE_PATHS)}: commit them first so the "
            "entry records the code that made it (or pass --allow-dirty)."
        )
    if args.resume and args.overwrite:
        parser.error("pass --resume or --overwrite, not both")
    if args.resume and dirty:
        parser.error("--resume needs committed code: with uncommitted changes it "
                     "cannot check that the code is the code that started the run")
    recipe = RECIPES[args.name]
    run_dir = pathlib.Path(args.out or ROOT / "runs" / "zoo" / args.name)
    if args.resume:
        check_resumable_source(run_dir, commit)
    print(
        f"kerasgan {kerasgan.__version__}, backend {keras.backend.backend()}, "
        f"{hardware()}, commit {commit[:10]}{' (dirty)' if dirty else ''}"
    )
    gan, _ = training.train_variant(
        out=run_dir, verbose=args.verbose, overwrite=args.overwrite, resume=args.resume,
        callbacks=[*tracking(recipe, args.track_fid), RecordSource(run_dir, commit)],
        **recipe
    )
    run = preset_lib.read_json(run_dir / "run.json")
    entry = publish(args.name, gan, run, recipe, commit, dirty, run_dir)
    print(
        f"published {entry}; measure it with "
        f"`python scripts/evaluate.py --zoo {args.name}`"
    )


if __name__ == "__main__":
    main()
