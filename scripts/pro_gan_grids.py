"""Draws a ProGAN zoo entry's grid per stage for docs/variants/pro_gan.md.

Row k holds `--columns` images of stage k (4×4, 8×8, ...) drawn by the entry's
sampling generator through that stage's toRGB (`generate_at_stage(n, seed,
stage=k)`, α = 1 below the current stage), every row from the same seed, each
image up-sampled (nearest) to the data's side so that the rows line up:

    KERAS_BACKEND=tensorflow python scripts/pro_gan_grids.py pro_gan_fashion_mnist

These are the final weights seen at every resolution, not snapshots taken during
training: the lower blocks went on training inside the larger networks after their
own stage, while their toRGB layers did not.
"""

import argparse
import pathlib

import numpy as np

import kerasgan
from kerasgan.utils.images import save_samples

ROOT = pathlib.Path(__file__).resolve().parents[1]


def stage_grid(gan, columns=8, seed=0):
    """Images `(num_stages · columns, side, side, c)`, one row per stage."""
    rows = []
    for stage in range(gan.num_stages):
        images = gan.generate_at_stage(columns, seed=seed, stage=stage)
        factor = gan.data_shape[0] // images.shape[1]
        rows.append(np.repeat(np.repeat(images, factor, axis=1), factor, axis=2))
    return np.concatenate(rows, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", help="a ProGAN zoo entry or preset folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--columns", type=int, default=8)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "pro_gan_stages.png"))
    args = parser.parse_args()
    gan = kerasgan.zoo.load(args.preset)
    grid = stage_grid(gan, args.columns, args.seed)
    print(save_samples(grid, args.out, scale=2, columns=args.columns))


if __name__ == "__main__":
    main()
