"""The inversion results table and pictures of docs/apps/inversion.md.

Inverts N held-out Fashion-MNIST test images (a fixed random subset, seed 0) with the
zoo's `dcgan_fashion_mnist` generator (its EMA generator), four ways: random or
encoder start × pixel or pixel+perceptual distance, `STEPS` Adam steps each, plus the
two starting points alone (no optimisation). For each: reconstruction MSE and PSNR
against the originals, and the FID of the N reconstructions against the N originals
on two feature extractors: the Fashion-MNIST domain classifier (128-d embedding) and
Inception (pool3; ~10 images/s on 2 cores, hence the small N, and only for the
reference and the optimised rows). The FID of N other
real test images against the originals is the reference of "another real set" at this
N (reconstructions, paired one to one with the originals, can score below it); the FID
of N random samples of the GAN is that of "not reconstructing at all".

Edits: class directions (class-centroid differences) from (a) the inverted test
latents grouped by their true class and (b) 5,000 random latents labelled by the
domain classifier; each inverted image of class a is moved by s·(d[b] − d[a]) towards
every other class b, and the domain classifier's rate of predicting b is reported.

Writes the table between the `table` markers of docs/apps/inversion.md and the
pictures in docs/images/apps/. N = 100 images and 200 steps keep the run within 15
minutes on 2 CPU cores shared with other work:

    KERAS_BACKEND=tensorflow OMP_NUM_THREADS=1 python scripts/inversion_table.py
"""

import argparse
import os
import pathlib
import platform
import time

import numpy as np

import kerasgan
from kerasgan import metrics
from kerasgan.apps import inversion
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import save_samples

from train import hardware
from train import source_state

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "apps" / "inversion.md"
IMAGES = ROOT / "docs" / "images" / "apps"
ENTRY = "dcgan_fashion_mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
           "Sneaker", "Bag", "Ankle boot"]
CONFIGS = [  # (row label, start, distance)
    ("random start, pixel", "random", "pixel"),
    ("random start, pixel + perceptual", "random", "pixel+perceptual"),
    ("encoder start, pixel", "encoder", "pixel"),
    ("encoder start, pixel + perceptual", "encoder", "pixel+perceptual"),
]
CHEAP = ("fashion-mnist",)
# Inception runs at ~10 images/s on 2 idle cores: only the reference and optimised rows.
INCEPTION_ROWS = ["other real test images (reference)"] + [label for label, _, _ in CONFIGS]
PICTURED = "encoder start, pixel + perceptual"  # the latents the pictures use
STRENGTHS = [0.0, 0.5, 1.0, 1.5, 2.0]
EDITS = [(7, 9), (0, 3), (2, 4), (5, 7)]  # (from, to) classes drawn in the edit grid


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="test images inverted")
    parser.add_argument("--steps", type=int, default=200, help="Adam steps")
    parser.add_argument("--inception", action=argparse.BooleanOptionalAction,
                        default=True, help="also Inception FID (slow)")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="run with uncommitted code (the numbers are not published)")
    return parser.parse_args()


def held_out(n):
    """N test images (a seeded random subset), their labels, and N other test images."""
    x, y = kerasgan.data.load_numpy("fashion-mnist", split="test")
    order = np.random.default_rng(0).permutation(len(x))
    return x[order[:n]], y[order[:n]], x[order[n:2 * n]]


_ORIGINAL_FEATURES = {}


def fid(extractor, originals, images):
    """FID of `images` against `originals` (whose features are computed once)."""
    if extractor not in _ORIGINAL_FEATURES:
        _ORIGINAL_FEATURES[extractor] = metrics.extract(extractor, originals)["features"]
    fake = metrics.extract(extractor, images)["features"]
    return metrics.fid_from_features(_ORIGINAL_FEATURES[extractor], fake)


def scores(originals, images, extractors):
    mse = np.mean(np.square(images - originals), axis=(1, 2, 3))
    psnr = np.asarray(metrics.psnr(images, originals), "float64")
    row = {"MSE": float(mse.mean()), "PSNR (dB)": float(psnr.mean())}
    for name in extractors:
        row[f"FID ({name})"] = fid(name, originals, images)
    return row


def invert_all(gan, originals, steps):
    """`{label: (latents, seconds)}` of every configuration, and the start points."""
    started = time.time()
    encoder = inversion.train_encoder(gan)  # 10,000 pairs G(z) -> z, 10 epochs
    encoder_seconds = time.time() - started
    starts = {"random": gan.latents_for(len(originals), 0),
              "encoder": np.asarray(encoder.predict(originals, verbose=0), "float32")}
    results = {"random latents (no optimisation)": (starts["random"], 0.0),
               "encoder only (no optimisation)": (starts["encoder"], encoder_seconds)}
    for label, start, distance in CONFIGS:
        began = time.time()
        latents = kerasgan.apps.invert(gan, originals, steps=steps, start=starts[start],
                                       distance=distance)
        results[label] = (latents, time.time() - began)
        print(f"{label}: {results[label][1]:.0f} s", flush=True)
    return results, encoder_seconds


def edit_success(gan, classifier, latents, labels, directions):
    """`{strength: rate}`: how often the classifier sees class b after moving a → b."""
    rates = {}
    for strength in STRENGTHS:
        moved, targets = [], []
        for target in range(len(CLASSES)):
            keep = labels != target
            moved.append(latents[keep]
                         + strength * (directions[target] - directions[labels[keep]]))
            targets.append(np.full(int(keep.sum()), target))
        images = gan.generate_from_latents(np.concatenate(moved))
        predicted = np.argmax(classifier.predict(images, batch_size=256, verbose=0), -1)
        rates[strength] = float(np.mean(predicted == np.concatenate(targets)))
    return rates


def table(rows, seconds, n, steps, extractors):
    columns = ["MSE", "PSNR (dB)"] + [f"FID ({e})" for e in extractors]
    lines = ["| latents | " + " | ".join(columns) + " | seconds |",
             "|---|" + "---|" * (len(columns) + 1)]
    for label, row in rows.items():
        cells = [f"{row[c]:.4g}" if c in row else "" for c in columns]
        time_cell = f"{seconds[label]:.0f}" if label in seconds else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {time_cell} |")
    return "\n".join(lines)


def edit_table(rates):
    header = "| directions from | " + " | ".join(f"s = {s:g}" for s in STRENGTHS) + " |"
    lines = [header, "|---|" + "---|" * len(STRENGTHS)]
    for label, by_strength in rates.items():
        lines.append(f"| {label} | "
                     + " | ".join(f"{by_strength[s]:.1%}" for s in STRENGTHS) + " |")
    return "\n".join(lines)


def pictures(gan, originals, labels, results, directions):
    IMAGES.mkdir(parents=True, exist_ok=True)
    shown = slice(0, 8)
    rows = [originals[shown]] + [
        gan.generate_from_latents(results[label][0][shown]) for label, _, _ in CONFIGS]
    save_samples(np.concatenate(rows), IMAGES / "inversion_reconstructions.png",
                 columns=8, scale=3)
    latents = results[PICTURED][0]
    first = int(np.flatnonzero(labels == 7)[0])  # a sneaker
    second = int(np.flatnonzero(labels == 9)[0])  # an ankle boot
    walk = [kerasgan.apps.interpolate(gan, latents[a], latents[b], n=8, method=method)
            for a, b in ((first, second), (shown.start, shown.start + 1))
            for method in ("slerp", "lerp")]
    save_samples(np.concatenate(walk), IMAGES / "inversion_interpolation.png", columns=8,
                 scale=3)
    grid = []
    for source, target in EDITS:
        z = latents[np.flatnonzero(labels == source)[:2]]
        edits = kerasgan.apps.edit(gan, z, directions[target] - directions[source],
                                   STRENGTHS)
        grid.append(edits.reshape((-1,) + edits.shape[2:]))
    save_samples(np.concatenate(grid), IMAGES / "inversion_edits.png",
                 columns=len(STRENGTHS), scale=3)
    return first, second


def main():
    args = arguments()
    commit, dirty = source_state()
    if dirty and not args.allow_dirty:
        raise SystemExit("uncommitted changes under kerasgan/ or scripts/: commit them "
                         "first (the table records the commit), or pass --allow-dirty.")
    began = time.time()
    gan = kerasgan.zoo.load(ENTRY)
    originals, labels, others = held_out(args.n)
    results, _ = invert_all(gan, originals, args.steps)
    extractors = ["fashion-mnist"] + (["inception"] if args.inception else [])
    rows, seconds = {}, {}
    reference = {"other real test images (reference)": others,
                 "random GAN samples (no inversion)": gan.generate(args.n, seed=1)}
    for label, images in reference.items():
        rows[label] = {f"FID ({e})": fid(e, originals, images) for e in extractors
                       if e in CHEAP or label in INCEPTION_ROWS}
    for label, (latents, took) in results.items():
        rows[label] = scores(originals, gan.generate_from_latents(latents),
                             [e for e in extractors if e in CHEAP or label in INCEPTION_ROWS])
        if took:
            seconds[label] = took
    classifier, _ = kerasgan.metrics.domain_classifier.load_classifier("fashion-mnist")
    real_directions = kerasgan.apps.class_directions(results[PICTURED][0], labels,
                                                     num_classes=len(CLASSES))
    sampled, sampled_labels = kerasgan.apps.label_latents(gan, n=5000, seed=2)
    sampled_directions = kerasgan.apps.class_directions(sampled, sampled_labels,
                                                        num_classes=len(CLASSES))
    rates = {
        f"inverted test images by true class (N={args.n})": edit_success(
            gan, classifier, results[PICTURED][0], labels, real_directions),
        "5,000 random latents by classifier label": edit_success(
            gan, classifier, results[PICTURED][0], labels, sampled_directions),
    }
    first, second = pictures(gan, originals, labels, results, real_directions)
    minutes = (time.time() - began) / 60
    import keras

    text = "\n".join([
        table(rows, seconds, args.n, args.steps, extractors),
        "",
        f"N = {args.n} Fashion-MNIST test images (seeded random subset), {args.steps} "
        "Adam steps (learning rate 0.1, all images in one batch), generator: the EMA "
        f"generator of `{ENTRY}`. FIDs compare the {args.n} reconstructions with the "
        f"{args.n} originals: at this N even other real images score the reference "
        "row (FID is biased upwards at small N; compare rows, not with published "
        "FIDs); reconstructions, each paired with its original, can score below it. "
        "The perceptual term optimises the domain classifier's own features, which "
        "favours the fashion-mnist FID column: the Inception column is the independent "
        "check (computed only for the reference and the optimised rows, for time). "
        "Perceptual term: the Fashion-MNIST domain classifier's three ReLU activations "
        "and 128-d embedding, weight 1. Seconds: wall time of the optimisation (for "
        "the encoder, its training on 10,000 generated pairs), on a shared machine.",
        "",
        "Edit success: the domain classifier's rate of seeing class b after each "
        f"inverted image (`{PICTURED}`) of class a ≠ b is moved by s·(d[b] − d[a]), "
        "over all 9 target classes:",
        "",
        edit_table(rates),
        "",
        f"Pictured interpolation: images {first} (a sneaker) → {second} (an ankle "
        "boot) and 0 → 1 of the subset, slerp then lerp rows.",
        "",
        f"Written by `KERAS_BACKEND={keras.backend.backend()} OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', '')} python scripts/inversion_table.py` at "
        f"commit `{commit[:10]}`{' (dirty)' if dirty else ''}, {hardware()}, "
        f"Python {platform.python_version()}, Keras {keras.__version__}; "
        f"{minutes:.1f} min.",
    ])
    replace_marked_section(DOC, "table", text)
    print(text)


if __name__ == "__main__":
    main()
