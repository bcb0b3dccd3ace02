"""The results table and pictures of docs/apps/augmentation.md (synthetic data, TSTR).

One fixed small CNN (`kerasgan.apps.augmentation.small_classifier`, ~20k weights)
trained for the same number of Adam steps (batch 128) on each training set, tested on
the 10,000 real Fashion-MNIST test images; every row is run with several seeds
(classifier weights, shuffles, subsets and synthetic latents) and shown as mean ± std.

Rows: the real training set (60,000); synthetic only, 60,000 samples per class-
conditional zoo entry with the real class counts (train on synthetic, test on real);
1 % and 10 % real subsets (stratified) without and with synthetic data
(`kerasgan.apps.augment`, labels "balanced"); an imbalanced set (classes 0-4 at 10 %)
without and with GAN rebalancing. Augmentation uses the conditional entry whose card
reports the highest class accuracy of its samples (domain classifier), chosen before
any classifier here is trained.

    KERAS_BACKEND=tensorflow OMP_NUM_THREADS=1 python scripts/augmentation_table.py

About 10 minutes on 2 shared CPU cores (a small CNN and ~2 epochs' worth of steps per
run: the numbers are far from converged, state-of-the-art accuracies).
"""

import argparse
import json
import pathlib
import time

import keras
import numpy as np

import kerasgan
from kerasgan.apps import augmentation
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import save_samples
from kerasgan.utils.plots import save_figure
from train import hardware
from train import source_state

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "apps" / "augmentation.md"
IMAGES = ROOT / "docs" / "images" / "apps"
ENTRIES = ("conditional_gan_fashion_mnist", "acgan_fashion_mnist", "big_gan_fashion_mnist")
RARE = (0, 1, 2, 3, 4)  # the classes the imbalanced set keeps at 10 %
BATCH = 128
GAFI_GAP = 2.03  # Lampis et al. 2023, abstract: GaFi's gap to real-data accuracy, points


def class_accuracy(entry):
    """The share of an entry's samples the domain classifier gives their own class."""
    metrics = json.loads((ROOT / "zoo" / entry / "metrics.json").read_text())
    return next(r["value"] for r in metrics["results"] if r["name"] == "class_accuracy")


def stratified(y, fraction, rng, keep=None):
    """Indices of `fraction` of each class (of the classes in `keep`; others whole)."""
    picked = []
    for k in range(10):
        rows = np.flatnonzero(y == k)
        if keep is None or k in keep:
            rows = rng.choice(rows, int(round(fraction * len(rows))), replace=False)
        picked.append(rows)
    return np.sort(np.concatenate(picked))


def mixed(real, gan, ratio, seed):
    """`augment`ed real data, repeated (runs are a fixed number of steps)."""
    ds = augmentation.augment(real, gan, ratio=ratio, labels="balanced",
                              batch_size=BATCH, seed=seed, verbose=False)
    return ds.repeat()


def run_rows(train, test, gans, best, seeds, steps):
    """`{row name: {"accuracy": [...], "rare": [...], "examples": n}}`."""
    x, y = train
    rows = {}

    def record(name, accuracy, examples, rare=None):
        row = rows.setdefault(name, {"accuracy": [], "rare": [], "examples": examples})
        row["accuracy"].append(accuracy)
        if rare is not None:
            row["rare"].append(rare)

    synthetic = {
        name: augmentation.generate_labelled(gan, len(y), np.bincount(y, minlength=10), 0)
        for name, gan in gans.items()
    }
    for seed in seeds:
        rng = np.random.default_rng(seed)
        start = time.time()
        record("real (60,000)", evaluate(augmentation.numpy_dataset(x, y, BATCH, seed, True),
                                         test, seed, steps), len(y))
        for name, (fake_x, fake_y) in synthetic.items():
            ds = augmentation.numpy_dataset(fake_x, fake_y, BATCH, seed, True)
            record(f"synthetic only: {name} (60,000)", evaluate(ds, test, seed, steps),
                   len(fake_y))
        for fraction, ratio in ((0.01, 0.9), (0.1, 0.5)):
            rows_ = stratified(y, fraction, rng)
            subset = (x[rows_], y[rows_])
            label = f"{fraction:.0%} real ({len(rows_):,})"
            record(label, evaluate(augmentation.numpy_dataset(*subset, BATCH, seed, True),
                                   test, seed, steps), len(rows_))
            record(f"{label} + {best} (ratio {ratio})",
                   evaluate(mixed(_shuffled(subset, seed), gans[best], ratio, seed), test,
                            seed, steps), len(rows_))
        rows_ = stratified(y, 0.1, rng, keep=RARE)
        imbalanced = (x[rows_], y[rows_])
        label = f"imbalanced: classes 0-4 at 10 % ({len(rows_):,})"
        accuracy, rare = evaluate(augmentation.numpy_dataset(*imbalanced, BATCH, seed, True),
                                  test, seed, steps, rare=True)
        record(label, accuracy, len(rows_), rare)
        accuracy, rare = evaluate(mixed(_shuffled(imbalanced, seed), gans[best], 0.45, seed),
                                  test, seed, steps, rare=True)
        record(f"{label} + {best} rebalancing (ratio 0.45)", accuracy, len(rows_), rare)
        print(f"seed {seed}: {time.time() - start:.0f} s", flush=True)
    return rows


def _shuffled(data, seed):
    """A shuffled, batched real pipeline for `augment` (one epoch)."""
    tf = augmentation.tensorflow()
    return (tf.data.Dataset.from_tensor_slices(data)
            .shuffle(len(data[1]), seed=seed, reshuffle_each_iteration=True).batch(BATCH))


def evaluate(train_ds, test, seed, steps, rare=False):
    """Test accuracy of a classifier trained on `train_ds`; with `rare`, also its
    accuracy on the test images of the rare classes."""
    x, y = test
    hits = augmentation.train_and_predict(train_ds, x, 10, seed, 1, steps) == y
    if not rare:
        return float(hits.mean())
    return float(hits.mean()), float(hits[np.isin(y, RARE)].mean())


def percent(values):
    values = 100 * np.asarray(values)
    return f"{values.mean():.2f} ± {values.std():.2f}"


def table(rows, seeds):
    real = 100 * np.mean(rows["real (60,000)"]["accuracy"])
    lines = ["| training data (real examples) | test accuracy % | gap to real, points "
             "| rare classes 0-4 accuracy % |", "|---|---|---|---|"]
    for name, row in rows.items():
        gap = real - 100 * np.mean(row["accuracy"])
        rare = percent(row["rare"]) if row["rare"] else ""
        gap_text = "" if name.startswith("real") else f"{gap:.2f}"
        lines.append(f"| {name} | {percent(row['accuracy'])} | {gap_text} | {rare} |")
    lines.append(f"| *published: GaFi (Lampis et al. 2023), synthetic only* | | "
                 f"*{GAFI_GAP:.2f}* | |")
    return "\n".join(lines)


def pictures(train, gan, best):
    """The mixed batch grid and the per-class bar chart of the rebalancing."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    x, y = train
    real = _shuffled((x[:2048], y[:2048]), 0)
    ds = augmentation.augment(real, gan, ratio=0.5, batch_size=64, seed=0, verbose=False)
    images, _ = next(ds.as_numpy_iterator())
    save_samples(images, IMAGES / "augmentation_batch.png", columns=8)

    rows_ = stratified(y, 0.1, np.random.default_rng(0), keep=RARE)
    ds, plan = augmentation.augment(_shuffled((x[rows_], y[rows_]), 0), gan, ratio=0.45,
                                    batch_size=BATCH, seed=0, return_plan=True,
                                    verbose=False)
    labels = np.concatenate([b[1] for b in ds.as_numpy_iterator()])
    is_synthetic = np.tile(np.arange(BATCH) >= plan.real_per_batch, plan.batches)
    real_counts = np.bincount(labels[~is_synthetic], minlength=10)
    fake_counts = np.bincount(labels[is_synthetic], minlength=10)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3))
    axes = figure.add_subplot()
    axes.bar(range(10), real_counts, label="real (imbalanced: classes 0-4 at 10 %)")
    axes.bar(range(10), fake_counts, bottom=real_counts, label=f"synthetic ({best})")
    axes.set_xticks(range(10))
    axes.set_xlabel("class")
    axes.set_ylabel("examples per epoch")
    axes.legend(loc="lower right", fontsize=8)
    save_figure(figure, IMAGES / "augmentation_rebalancing.png")
    return real_counts, fake_counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000, help="Adam steps per run")
    parser.add_argument("--dry-run", action="store_true",
                        help="do not write the docs page (for a quick check)")
    args = parser.parse_args()
    commit, dirty = source_state()
    if dirty and not args.dry_run:
        raise SystemExit("Uncommitted changes: commit first so the table records the code.")
    start = time.time()
    train = kerasgan.data.load_numpy("fashion-mnist", split="train")
    test = kerasgan.data.load_numpy("fashion-mnist", split="test")
    gans = {name: kerasgan.zoo.load(name) for name in ENTRIES}
    best = max(ENTRIES, key=class_accuracy)
    seeds = tuple(range(args.seeds))
    real_counts, fake_counts = pictures(train, gans[best], best)
    rows = run_rows(train, test, gans, best, seeds, args.steps)
    minutes = (time.time() - start) / 60
    text = "\n".join([
        table(rows, seeds),
        "",
        f"Small CNN (~20k weights), {args.steps} Adam steps (lr 2e-3) of batch {BATCH} per "
        f"run, whatever the training set's size; seeds {list(seeds)}; tested on the "
        "10,000 real test images. Synthetic-only sets: 60,000 samples (seed 0) with the "
        f"real class counts. Augmentation with `{best}` (highest class accuracy of its "
        f"samples on its card: {class_accuracy(best):.2f}), labels \"balanced\". "
        f"Rebalancing picture: real {real_counts.tolist()} + synthetic "
        f"{fake_counts.tolist()} per class in one epoch.",
        "",
        f"Written by `KERAS_BACKEND={keras.backend.backend()} OMP_NUM_THREADS=1 python "
        f"scripts/augmentation_table.py --seeds {args.seeds} --steps {args.steps}` at "
        f"commit `{commit[:10]}` on {hardware()} in {minutes:.1f} min.",
    ])
    print(text)
    if not args.dry_run:
        replace_marked_section(DOC, "table", text)


if __name__ == "__main__":
    main()
