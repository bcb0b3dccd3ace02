"""Draws a BigGAN zoo entry's class × truncation grid for docs/variants/big_gan.md.

Row r holds one image per class drawn with truncation threshold `THRESHOLDS[r]`
(None: no truncation), every row from the same seed, so a column shows the same
class as the threshold narrows:

    KERAS_BACKEND=tensorflow python scripts/big_gan_grids.py big_gan_fashion_mnist
"""

import argparse
import pathlib

import numpy as np

import kerasgan
from kerasgan.utils.images import save_samples

ROOT = pathlib.Path(__file__).resolve().parents[1]
THRESHOLDS = (None, 2.0, 1.0, 0.5, 0.25)


def truncation_grid(gan, seed=0):
    """Images `(len(THRESHOLDS) · classes, h, w, c)`, one row per threshold."""
    labels = np.arange(gan.num_classes)
    rows = [gan.generate(len(labels), seed=seed, labels=labels, truncation=t)
            for t in THRESHOLDS]
    return np.concatenate(rows, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", help="a BigGAN zoo entry or preset folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "big_gan_truncation.png"))
    args = parser.parse_args()
    gan = kerasgan.zoo.load(args.preset)
    grid = truncation_grid(gan, args.seed)
    print(save_samples(grid, args.out, scale=2, columns=gan.num_classes))


if __name__ == "__main__":
    main()
