"""Pix2Pix's loss ablation (Isola et al. 2017, Table 1) on edges2fashion.

Trains three Pix2Pix models that differ only in G's loss — "L1" (adversarial
weight 0), "cGAN" (L1 weight 0) and "L1+cGAN" (the default, λ = 100) — with the same
networks, data order, seed and steps, then scores each on the test split with the
metrics of `kerasgan.metrics.evaluate_translation`: L1 to the ground truth, FID
against the real test images and translation accuracy (the share of outputs the
Fashion-MNIST classifier assigns to the class of the paired image; the analogue of
the paper's FCN score). Writes the table and a picture (rows: edges, L1, cGAN,
L1+cGAN, ground truth) into docs/variants/pix2pix.md.

    KERAS_BACKEND=tensorflow python scripts/pix2pix_ablation.py
"""

import argparse
import pathlib
import time

import keras
import numpy as np

import kerasgan
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import save_samples
from train import git

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "variants" / "pix2pix.md"
PICTURE = ROOT / "docs" / "images" / "variants" / "pix2pix_ablation.png"
# G's loss weights of each arm: (adversarial_weight, l1_weight).
ARMS = {"L1": (0.0, 100.0), "cGAN": (1.0, 0.0), "L1+cGAN": (1.0, 100.0)}
NETWORKS = {"g_filters": 32, "d_filters": 32}
METRICS = ("l1", "fid", "translation_accuracy")


def train_arm(adversarial_weight, l1_weight, steps, batch_size, seed):
    keras.utils.set_random_seed(seed)
    model = kerasgan.models.Pix2Pix(
        data_shape=(32, 32, 1), adversarial_weight=adversarial_weight,
        l1_weight=l1_weight, seed=seed, **NETWORKS,
    )
    model.compile()
    data = kerasgan.data.load("edges2fashion", batch_size=batch_size, shuffle=True, seed=seed)
    model.fit(data.repeat(), steps_per_epoch=steps, epochs=1, verbose=2)
    return model


def table(scores, baseline):
    rows = ["| G's loss | L1 ↓ | FID ↓ | translation accuracy ↑ |", "|---|---|---|---|"]
    for arm, results in scores.items():
        rows.append(f"| {arm} | " + " | ".join(f"{results[m].value:.4g}" for m in METRICS) + " |")
    rows.append(
        f"| real test images | 0 | 0 | {baseline['target_accuracy'].value:.4g} |"
    )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--num-samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    models, scores = {}, {}
    for arm, (adversarial_weight, l1_weight) in ARMS.items():
        print(f"--- {arm}", flush=True)
        models[arm] = train_arm(adversarial_weight, l1_weight, args.steps,
                                args.batch_size, args.seed)
        scores[arm] = kerasgan.metrics.evaluate_translation(
            models[arm].translate, "edges2fashion", num_samples=args.num_samples
        )
        print({m: round(scores[arm][m].value, 4) for m in METRICS}, flush=True)
    edges, images = kerasgan.data.load_numpy("edges2fashion", split="test")
    rows = [edges[:10]] + [models[arm].translate(edges[:10]) for arm in ARMS] + [images[:10]]
    save_samples(np.concatenate(rows), PICTURE, columns=10)
    commit = git("rev-parse", "--short=10", "HEAD")
    text = "\n".join(
        table(scores, scores["L1+cGAN"])
        + [
            "",
            f"![edges, L1, cGAN, L1+cGAN, ground truth]"
            f"(../images/variants/{PICTURE.name})",
            "",
            f"Rows: edges, L1, cGAN, L1+cGAN, ground truth. Each arm: Pix2Pix with "
            f"{NETWORKS['g_filters']}-filter networks, {args.steps} steps of batch "
            f"{args.batch_size}, seed {args.seed}; scored on the first "
            f"{args.num_samples} test pairs (FID and accuracy on the Fashion-MNIST "
            f"classifier's features; the last row is the classifier on the real "
            f"test images). Measured by `KERAS_BACKEND={keras.backend.backend()} python "
            f"scripts/pix2pix_ablation.py --steps {args.steps}` at commit `{commit}` "
            f"in {(time.perf_counter() - start) / 60:.0f} min.",
        ]
    )
    replace_marked_section(DOC, "ablation", text)
    print(text)


if __name__ == "__main__":
    main()
