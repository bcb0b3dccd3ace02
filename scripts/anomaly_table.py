"""One-class anomaly detection AUROC per class: f-AnoGAN and GANomaly, docs/apps/anomaly.md.

Protocol (as Ruff et al. 2018, Deep SVDD, §4.1): for each class k, a detector is
trained on images of class k only; the test set holds every class, class k normal and
the nine others anomalous; AUROC (sklearn) of the scores. The threshold at 5 % false
positives is set on held-out normal training images (`threshold_at`) and the table
gives the false-positive rate it has on the normal test images.

Small by design, for a ≤ 15-minute run on a shared 2-core CPU (TensorFlow): tiny
networks, a few hundred steps per class, subsets (see SPLITS, CONFIG, STEPS). Fashion-MNIST:
normal training images are the first TRAIN of class k (seeded order), calibration the
next CALIBRATION, test a stratified TEST_PER_CLASS per class of the official test
set. MNIST-5k (500 digits per class, no test split): per class 350 train, 50
calibration, 100 test, split with a fixed seed.

    KERAS_BACKEND=tensorflow OMP_NUM_THREADS=1 python scripts/anomaly_table.py
"""

import argparse
import json
import pathlib
import time

import keras
import numpy as np
from sklearn.metrics import roc_auc_score

import kerasgan
from kerasgan.apps import AnomalyDetector
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import save_samples
from train import hardware
from train import source_state

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "apps" / "anomaly.md"
IMAGES = ROOT / "docs" / "images" / "apps"
RESULTS = IMAGES / "anomaly_results.json"
SEED = 0
FPR = 0.05
SPLITS = {"fashion-mnist": dict(train=1000, calibration=200, test_per_class=200),
          "mnist-5k": dict(train=350, calibration=50, test_per_class=100)}
CONFIG = dict(latent_dim=16, filters=8, batch_size=64, learning_rate=1e-3)
# Training length in generator steps, the same for both datasets (epochs follow
# from the number of normal training images): f-AnoGAN's WGAN-GP (n_critic critic
# steps per G step, each on its own batch) and its encoder, GANomaly's model.
STEPS = {"f-anogan": dict(gan=120, encoder=80, n_critic=2), "ganomaly": dict(gan=200)}
LABELS = {"fashion-mnist": ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal",
                            "shirt", "sneaker", "bag", "boot"],
          "mnist-5k": [str(d) for d in range(10)]}
# Ruff et al. 2018 (ICML), Table 1, MNIST, AUROC % (mean over 10 seeds), class 0..9.
PUBLISHED = {
    "AnoGAN": [96.6, 99.2, 85.0, 88.7, 89.4, 88.3, 94.7, 93.5, 84.9, 92.4],
    "One-Class Deep SVDD": [98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5],
}


def class_splits(dataset):
    """`{k: (train, calibration)}` normal images per class and `(test_x, test_y)`."""
    sizes = SPLITS[dataset]
    rng = np.random.default_rng(SEED)
    if dataset == "mnist-5k":
        x, y = kerasgan.data.load_numpy(dataset)
        train_x, train_y, test_x, test_y = x, y, x, y
    else:
        train_x, train_y = kerasgan.data.load_numpy(dataset, split="train")
        test_x, test_y = kerasgan.data.load_numpy(dataset, split="test")
    normals, test_rows = {}, []
    for k in range(10):
        rows = rng.permutation(np.flatnonzero(train_y == k))
        train, calibration = sizes["train"], sizes["calibration"]
        normals[k] = (train_x[rows[:train]], train_x[rows[train:train + calibration]])
        if dataset == "mnist-5k":  # its test images: the rows after calibration
            test_rows.append(rows[train + calibration:][:sizes["test_per_class"]])
        else:
            test_rows.append(rng.permutation(np.flatnonzero(test_y == k))[
                :sizes["test_per_class"]])
    test_rows = np.concatenate(test_rows)
    return normals, (test_x[test_rows], test_y[test_rows])


def epochs(method, n):
    """`AnomalyDetector.fit` epoch options giving STEPS[method] on n images."""
    steps = STEPS[method]
    critic = steps.get("n_critic", 1)
    per_epoch = max(1, n // (CONFIG["batch_size"] * critic))
    options = dict(epochs=max(1, round(steps["gan"] / per_epoch)))
    if method == "f-anogan":
        options.update(n_critic=critic, encoder_epochs=max(
            1, round(steps["encoder"] / max(1, n // CONFIG["batch_size"]))))
    return options


def run_class(method, normal, calibration, test_x, test_y, k):
    start = time.time()
    options = epochs(method, len(normal))
    detector = AnomalyDetector.fit(normal, method=method, seed=SEED + k, **CONFIG, **options)
    scores = detector.score(test_x)
    detector.threshold_at(FPR, calibration)
    flagged = scores > detector.threshold
    return dict(auroc=float(roc_auc_score(test_y != k, scores)),
                test_fpr=float(flagged[test_y == k].mean()),
                test_tpr=float(flagged[test_y != k].mean()),
                seconds=time.time() - start), scores


def histogram(scores, test_y, k, title, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 3))
    bins = np.histogram_bin_edges(scores, 40)
    axes.hist(scores[test_y == k], bins, alpha=0.6, density=True, label=f"normal ({title})")
    axes.hist(scores[test_y != k], bins, alpha=0.6, density=True, label="anomalous (others)")
    axes.set_xlabel("anomaly score")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def pictures(scores, test_x, test_y, dataset, k, method):
    stem = f"anomaly_{method.replace('-', '')}_{dataset.replace('-', '')}_{k}"
    histogram(scores, test_y, k, LABELS[dataset][k], IMAGES / f"{stem}_hist.png")
    order = np.argsort(scores)
    # Top row: the 10 least anomalous test images; bottom row: the 10 most.
    save_samples(np.concatenate([test_x[order[:10]], test_x[order[-10:]]]),
                 IMAGES / f"{stem}_extremes.png", columns=10)
    return stem


def table(results, datasets, methods):
    lines = []
    for dataset in datasets:
        header = ["normal class"] + [m for m in methods]
        if dataset == "mnist-5k":
            header += [f"{name} (published)" for name in PUBLISHED]
        lines += [f"**{dataset}** (AUROC %, normal class vs the nine others)", "",
                  "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for k in range(10):
            cells = [f"{k} {LABELS[dataset][k]}" if dataset != "mnist-5k" else str(k)]
            for method in methods:
                run = results.get(f"{dataset}/{method}/{k}")
                cells.append("not run" if run is None else f"{100 * run['auroc']:.1f}")
            if dataset == "mnist-5k":
                cells += [f"{PUBLISHED[name][k]:.1f}" for name in PUBLISHED]
            lines.append("| " + " | ".join(cells) + " |")
        means = ["**mean**"]
        for method in methods:
            runs = [results[f"{dataset}/{method}/{k}"] for k in range(10)
                    if f"{dataset}/{method}/{k}" in results]
            means.append(f"**{100 * np.mean([r['auroc'] for r in runs]):.1f}**"
                         + ("" if len(runs) == 10 else f" ({len(runs)} classes)"))
        if dataset == "mnist-5k":
            means += [f"{np.mean(PUBLISHED[name]):.1f}" for name in PUBLISHED]
        lines += ["| " + " | ".join(means) + " |", ""]
        calibration = []
        for method in methods:
            runs = [results[f"{dataset}/{method}/{k}"] for k in range(10)
                    if f"{dataset}/{method}/{k}" in results]
            calibration.append(
                f"{method}: false-positive rate on normal test images "
                f"{100 * np.mean([r['test_fpr'] for r in runs]):.1f} % (asked {100 * FPR:.0f} %), "
                f"anomalies flagged {100 * np.mean([r['test_tpr'] for r in runs]):.1f} %")
        lines += ["Threshold at 5 % on held-out normal training images, mean over classes: "
                  + "; ".join(calibration) + ".", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(SPLITS))
    parser.add_argument("--methods", nargs="+", default=list(STEPS))
    parser.add_argument("--classes", nargs="+", type=int, default=list(range(10)))
    parser.add_argument("--allow-dirty", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print, write nothing")
    args = parser.parse_args()
    commit, dirty = source_state()
    if dirty and not args.allow_dirty:
        raise SystemExit("The code differs from HEAD: commit first (or --allow-dirty).")
    IMAGES.mkdir(parents=True, exist_ok=True)
    results, start, drawn = {}, time.time(), []
    for dataset in args.datasets:
        normals, (test_x, test_y) = class_splits(dataset)
        for method in args.methods:
            for k in args.classes:
                run, scores = run_class(method, *normals[k], test_x, test_y, k)
                results[f"{dataset}/{method}/{k}"] = run
                print(dataset, method, k, json.dumps(run), flush=True)
                if k == args.classes[0] and not args.no_write:
                    drawn.append(pictures(scores, test_x, test_y, dataset, k, method))
    minutes = (time.time() - start) / 60
    text = "\n".join([
        table(results, args.datasets, args.methods),
        f"Measured on {hardware()} with Keras {keras.version()} / "
        f"{keras.backend.backend()}, {minutes:.1f} min in all, by `python "
        f"scripts/anomaly_table.py` at commit `{commit[:10]}`"
        + (" (uncommitted changes)" if dirty else "") + ".",
    ])
    print(text)
    if args.no_write:
        return
    RESULTS.write_text(json.dumps({"commit": commit, "dirty": dirty, "minutes": minutes,
                                   "config": CONFIG, "steps": STEPS, "splits": SPLITS,
                                   "results": results, "pictures": drawn}, indent=1))
    replace_marked_section(DOC, "table", text)


if __name__ == "__main__":
    main()
