"""Adversarial autoencoder results into docs/variants/adversarial_autoencoder.md.

One command, at a clean commit of the code:

    KERAS_BACKEND=tensorflow python scripts/aae_table.py

1. Priors (Fashion-MNIST, 2-D codes): an AAE per prior (Gaussian, mixture of 10
   Gaussians, and, steered by labels, the mixture and the swiss roll) trained on
   the 60,000 training images; on the 10,000 test images: reconstruction error,
   the MMD² of the codes to the prior (Gaussian kernel, bandwidth the median
   distance of prior samples) beside two prior samples' MMD², a latent plot
   coloured by class (docs/images/aae_latent.png), and samples per mixture
   component (docs/images/aae_components.png).
2. Semi-supervised classification (`SemiSupervisedAAE`) with 100 and 1,000 labels
   (10 and 100 per class) on Fashion-MNIST (test split) and MNIST-5k (400 per
   class for training, the other 100 per class for testing), beside the same
   encoder trained on the labelled images alone for as many classification steps.

Everything is seeded; the table records the epochs, the backend and the commit.
"""

import argparse
import pathlib
import subprocess
import sys
import time

import keras
import numpy as np

import kerasgan
from kerasgan.models.adversarial_autoencoder import AdversarialAutoencoder
from kerasgan.models.adversarial_autoencoder import SemiSupervisedAAE
from kerasgan.models.adversarial_autoencoder.aae_encoder import AAEEncoder
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import save_samples

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "variants" / "adversarial_autoencoder.md"
IMAGES = ROOT / "docs" / "images"
BATCH = 100
PRIORS = (  # (row name, prior, supervised)
    ("Gaussian", "gaussian", False),
    ("mixture of 10 Gaussians", "mixture", False),
    ("mixture, labels steer the component", "mixture", True),
    ("swiss roll, labels steer the segment", "swiss_roll", True),
)
AAE_OPTIONS = dict(latent_dim=2, hidden_units=(256, 256), d_hidden_units=(256, 256))
SS_OPTIONS = dict(latent_dim=10, hidden_units=(512, 512), d_hidden_units=(256, 256))
MMD_N = 2000


def commit():
    run = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True,  # noqa: E731
                                    text=True).stdout.strip()
    dirty = bool(run("status", "--porcelain", "--", "kerasgan", "scripts"))
    return run("rev-parse", "--short", "HEAD") + (" (uncommitted changes)" if dirty else "")


# ------------------------------------------------------------------- priors
def train_prior_model(prior, supervised, x, y, epochs, seed=0):
    model = AdversarialAutoencoder(data_shape=x.shape[1:], prior=prior,
                                   num_classes=10 if supervised else None, seed=seed,
                                   **AAE_OPTIONS)
    model.compile()
    keras.utils.set_random_seed(seed)
    model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0)
    return model


def prior_rows(x, y, x_test, y_test, epochs):
    rows, panels, models = [], [], {}
    for name, prior, supervised in PRIORS:
        start = time.perf_counter()
        model = train_prior_model(prior, supervised, x, y, epochs)
        mse = kerasgan.metrics.reconstruction_error(model, x_test)
        mmd, floor = kerasgan.metrics.posterior_prior_mmd(model, x_test[:MMD_N], seed=1)
        bandwidth = mmd.extractor.split("bandwidth ")[1].split(" ")[0]
        rows.append((name, mse.value, mmd.value, floor.value, bandwidth,
                     time.perf_counter() - start))
        panels.append((name, model.encode(x_test), model.latents_for(3000, seed=2)))
        models[(prior, supervised)] = model
        print(rows[-1], flush=True)
    return rows, panels, models


def latent_plot(panels, y_test, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.4))
    for axis, (name, codes, prior) in zip(axes, panels):
        axis.scatter(prior[:, 0], prior[:, 1], s=1, c="lightgrey", label="prior")
        points = axis.scatter(codes[:, 0], codes[:, 1], s=1, c=y_test, cmap="tab10",
                              vmin=-0.5, vmax=9.5)
        axis.set_title(name, fontsize=10)
        axis.set_aspect("equal")
    figure.colorbar(points, ax=axes, ticks=range(10), label="Fashion-MNIST class")
    figure.savefig(path, dpi=80)
    plt.close(figure)


def component_samples(models, path):
    """10 rows per model: row k decodes 10 prior samples of component k."""
    labels = np.repeat(np.arange(10), 10)
    grids = [models[("mixture", True)].generate(100, seed=0, labels=labels),
             models[("mixture", False)].generate(100, seed=0, labels=labels)]
    gap = np.ones((100,) + grids[0].shape[1:], "float32")  # a white column between
    joined = np.concatenate([grids[0].reshape(10, 10, *grids[0].shape[1:]),
                             gap.reshape(10, 10, *gap.shape[1:])[:, :1],
                             grids[1].reshape(10, 10, *grids[1].shape[1:])], axis=1)
    save_samples(joined.reshape(-1, *grids[0].shape[1:]), path, columns=21)


# ---------------------------------------------------------- semi-supervised
def mnist5k_split(seed=0):
    """MNIST-5k (500 per class): 400 per class to train on, 100 per class to test."""
    x, y = kerasgan.data.load_numpy("mnist-5k")
    test = SemiSupervisedAAE.labelled_subset(y, per_class=100, seed=seed + 100)
    train = np.setdiff1d(np.arange(len(y)), test)
    return x[train], y[train], x[test], y[test]


def semi_supervised_error(x, y, x_test, y_test, per_class, steps, seed=0):
    labelled = SemiSupervisedAAE.labelled_subset(y, per_class, seed=seed)
    arrays = SemiSupervisedAAE.training_arrays(x, y, labelled, seed=seed)
    model = SemiSupervisedAAE(data_shape=x.shape[1:], num_classes=10, seed=seed, **SS_OPTIONS)
    model.compile()
    keras.utils.set_random_seed(seed)
    epochs = max(1, round(steps * BATCH / len(x)))
    model.fit(arrays, batch_size=BATCH, epochs=epochs, verbose=0)
    error = float(np.mean(model.classify(x_test) != y_test))
    return error, labelled, epochs * (len(x) // BATCH)


def labelled_only_error(x, y, x_test, y_test, labelled, steps, seed=0):
    """The same encoder, trained on the labelled images alone, as many steps."""
    keras.utils.set_random_seed(seed)
    encoder = AAEEncoder(x.shape[1:], SS_OPTIONS["latent_dim"], SS_OPTIONS["hidden_units"],
                         num_classes=10)
    classifier = keras.Model(encoder.inputs, encoder.outputs[0])
    classifier.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    # An epoch: the labelled images repeated to about 2,000 (so that 100 labels do
    # not make 1,800 one-step epochs).
    repeated = np.resize(labelled, max(len(labelled), 2000 // len(labelled) * len(labelled)))
    batch = min(BATCH, len(labelled))
    epochs = max(1, round(steps / (len(repeated) // batch)))
    classifier.fit(x[repeated], y[repeated], batch_size=batch, epochs=epochs, verbose=0)
    predicted = np.argmax(classifier.predict(x_test, batch_size=256, verbose=0), axis=-1)
    return float(np.mean(predicted != y_test))


def semi_supervised_rows(datasets, steps):
    rows = []
    for name, (x, y, x_test, y_test) in datasets.items():
        for per_class in (10, 100):
            start = time.perf_counter()
            error, labelled, done = semi_supervised_error(x, y, x_test, y_test, per_class,
                                                          steps[name])
            baseline = labelled_only_error(x, y, x_test, y_test, labelled, done)
            rows.append((name, 10 * per_class, len(x), len(x_test), done, error, baseline,
                         time.perf_counter() - start))
            print(rows[-1], flush=True)
    return rows


# -------------------------------------------------------------------- table
def text(prior_table, ss_table, args):
    lines = [
        f"Fashion-MNIST, 2-D codes, {args.epochs} epochs of the 60,000 training images "
        f"(batch {BATCH}, {args.epochs * 600} steps; networks {AAE_OPTIONS['hidden_units']}, "
        f"D {AAE_OPTIONS['d_hidden_units']}); measured on the 10,000 test images "
        f"(MMD² between the codes of the first {MMD_N} and {MMD_N} prior samples, "
        "unbiased, Gaussian kernel whose bandwidth is the median distance between prior "
        "samples; MMD²(prior, prior): two independent prior samples, what a perfect match "
        "scores):",
        "",
        "| prior | reconstruction MSE | MMD²(codes, prior) | MMD²(prior, prior) | bandwidth |"
        " seconds |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {mse:.4f} | {mmd:.4f} | {floor:.4f} | {bw} | {s:.0f} |"
              for n, mse, mmd, floor, bw, s in prior_table]
    lines += [
        "",
        f"Semi-supervised classification error (`SemiSupervisedAAE`, style code "
        f"{SS_OPTIONS['latent_dim']}-D, networks {SS_OPTIONS['hidden_units']}); "
        "\"labelled only\": the same encoder trained on the labelled images alone for "
        "as many steps:",
        "",
        "| data | labels | training images | test images | steps | AAE error | labelled only |"
        " seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {d} | {k} | {n} | {t} | {st} | {e:.2%} | {b:.2%} | {s:.0f} |"
              for d, k, n, t, st, e, b, s in ss_table]
    lines += [
        "",
        f"Written by `scripts/aae_table.py` at commit {commit()}, Keras backend "
        f"`{keras.backend.backend()}`, 2 shared CPU cores:",
        "",
        "```",
        " ".join(["KERAS_BACKEND=" + keras.backend.backend(), "python"] + sys.argv),
        "```",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs of each prior's AAE")
    parser.add_argument("--fmnist-steps", type=int, default=1800,
                        help="steps of each semi-supervised run on Fashion-MNIST")
    parser.add_argument("--mnist-steps", type=int, default=1200,
                        help="steps of each semi-supervised run on MNIST-5k")
    parser.add_argument("--doc", default=str(DOC))
    args = parser.parse_args(argv)
    x, y = kerasgan.data.load_numpy("fashion-mnist")
    x_test, y_test = kerasgan.data.load_numpy("fashion-mnist", split="test")
    prior_table, panels, models = prior_rows(x, y, x_test, y_test, args.epochs)
    latent_plot(panels, y_test, IMAGES / "aae_latent.png")
    component_samples(models, IMAGES / "aae_components.png")
    datasets = {"Fashion-MNIST": (x, y, x_test, y_test), "MNIST-5k": mnist5k_split()}
    ss_table = semi_supervised_rows(
        datasets, {"Fashion-MNIST": args.fmnist_steps, "MNIST-5k": args.mnist_steps})
    replace_marked_section(args.doc, "aae_results", text(prior_table, ss_table, args))
    print(f"wrote {args.doc}, {IMAGES / 'aae_latent.png'}, {IMAGES / 'aae_components.png'}")


if __name__ == "__main__":
    main()
