"""Draws a StyleGAN2 zoo entry's style-mixing grid and truncation sweep for
docs/variants/style_gan.md:

    KERAS_BACKEND=tensorflow python scripts/style_gan_grids.py style_gan_fashion_mnist

Style mixing (as Figure 3 of Karras et al. 2019/2020): the top row holds the images of
the seeds B, the left column those of the seeds A; the image at row a, column b takes
the style inputs before `--crossover` (the coarse resolutions) from A's w and the
others (the fine ones) from B's. Truncation sweep: one row per seed, ψ from 1 (no
truncation) to 0 (every seed gives the image of the tracked mean w).
"""

import argparse
import pathlib

import numpy as np

import kerasgan
from kerasgan.utils.images import save_samples

ROOT = pathlib.Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
SEEDS_A = (1, 2, 3, 4, 5)
SEEDS_B = (11, 12, 13, 14, 15, 16)
PSIS = (1.0, 0.8, 0.6, 0.4, 0.2, 0.0)
TRUNCATION_SEEDS = (21, 22, 23, 24, 25)
# 32×32 has 8 style inputs: 0–2 drive the 4×4 and 8×8 convolutions (coarse), 3–7
# the 8×8 toRGB and everything at 16×16 and 32×32 (fine).
CROSSOVER = 3


def mixing_grid(model, seeds_a=SEEDS_A, seeds_b=SEEDS_B, crossover=CROSSOVER):
    """`(len(seeds_a) + 1) · (len(seeds_b) + 1)` images: B's along the top, A's down
    the left, the mixes inside, a blank (grey) corner."""
    images_a = np.concatenate([model.generate(1, seed=s) for s in seeds_a])
    images_b = np.concatenate([model.generate(1, seed=s) for s in seeds_b])
    rows = [np.concatenate([np.zeros_like(images_b[:1]), images_b])]
    for seed, image in zip(seeds_a, images_a):
        mixes = model.style_mix([seed] * len(seeds_b), list(seeds_b), crossover)
        rows.append(np.concatenate([image[None], mixes]))
    return np.concatenate(rows)


def truncation_sweep(model, seeds=TRUNCATION_SEEDS, psis=PSIS):
    """`len(seeds) · len(psis)` images, a row per seed, a column per ψ."""
    rows = [np.concatenate([model.generate(1, seed=s, truncation_psi=p) for p in psis])
            for s in seeds]
    return np.concatenate(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("preset", help="a StyleGAN zoo entry or preset folder")
    parser.add_argument("--crossover", type=int, default=CROSSOVER,
                        help="style inputs taken from the seeds A (the coarse ones)")
    parser.add_argument("--out", default=str(IMAGES),
                        help="folder of style_gan_mixing.png and style_gan_truncation.png")
    args = parser.parse_args()
    model = kerasgan.zoo.load(args.preset)
    out = pathlib.Path(args.out)
    print(save_samples(mixing_grid(model, crossover=args.crossover),
                       out / "style_gan_mixing.png", scale=2, columns=len(SEEDS_B) + 1))
    print(save_samples(truncation_sweep(model), out / "style_gan_truncation.png", scale=2,
                       columns=len(PSIS)))


if __name__ == "__main__":
    main()
