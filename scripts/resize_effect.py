"""The resize filter's effect on Inception FID of 28 px images, measured at a small N.

Inception sees 299×299 images, so a 28 px image is enlarged ten times and the
filter shapes what it sees. This measures a zoo entry's FID and the real-vs-real
floor (`kerasgan.metrics.protocol.real_floor`) twice: with the bilinear resize of
`kerasgan.metrics` (the protocol's) and with Keras's bicubic (Keys' cubic, a = −0.5,
PIL's bicubic kernel, which clean-fid uses; no clipping, no uint8 rounding: an
approximation of clean-fid, not clean-fid itself), and with TF1's legacy bilinear
(`tf.compat.v1.image.resize_bilinear`: no half-pixel centres, output pixel i samples
input i × in/out, the alignment of the 2015 FID graph the papers used), on the same
images. It writes the table between the `resize-effect` markers of docs/zoo.md.

Usage:
    KERAS_BACKEND=tensorflow python scripts/resize_effect.py --zoo dcgan_fashion_mnist --n 500
"""

import argparse
import pathlib
import time

import keras
import numpy as np

import kerasgan
from kerasgan.metrics import protocol
from kerasgan.metrics.feature_extractor import FeatureExtractor
from kerasgan.utils.files import replace_marked_section
from train import git

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "zoo.md"
SIZE = 299


def with_resize(extractor, resize, tag):
    """`extractor` (Inception) with the layer `resize()` (to 299×299) in front of it."""

    def build(image_shape):
        inputs = keras.Input(image_shape)
        x = resize()(inputs)
        return keras.Model(inputs, extractor.model_for((SIZE, SIZE, image_shape[-1]))(x))

    return FeatureExtractor(
        f"inception-{tag}", build, f"{extractor.identity}|{tag}", extractor.batch_size
    )


def legacy_bilinear_matrix(in_length, out_length):
    """The `(out_length, in_length)` matrix of TF1's bilinear resize on one axis.

    TF1's default (`align_corners=False, half_pixel_centers=False`) samples output
    pixel i at input coordinate `i * in_length / out_length`, interpolating between
    its floor and the next pixel (clamped at the last one); TF2 and PyTorch sample
    at `(i + 0.5) * in_length / out_length - 0.5` instead.
    """
    source = np.arange(out_length) * (in_length / out_length)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, in_length - 1)
    fraction = source - low
    matrix = np.zeros((out_length, in_length))
    matrix[np.arange(out_length), low] += 1 - fraction
    matrix[np.arange(out_length), high] += fraction
    return matrix


class LegacyBilinear(keras.layers.Layer):
    """Resizes NHWC images to SIZE×SIZE with TF1's legacy bilinear alignment."""

    def call(self, images):
        rows = legacy_bilinear_matrix(images.shape[1], SIZE).astype("float32")
        columns = legacy_bilinear_matrix(images.shape[2], SIZE).astype("float32")
        x = keras.ops.einsum("oh,bhwc->bowc", rows, images)
        return keras.ops.einsum("pw,bowc->bopc", columns, x)


def measure(gan, dataset, extractor, n):
    """The entry's FID (N generated, seed 1, vs N test images) and the FID floor."""
    fid = kerasgan.metrics.evaluate(
        gan, dataset, num_samples=n, extractor=extractor, metrics=("fid",), seed=1
    )["fid"].value
    floor, _ = protocol.real_floor(dataset, extractor, n)
    return fid, floor["fid"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", default="dcgan_fashion_mnist")
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    gan = kerasgan.zoo.load(args.zoo)
    dataset = kerasgan.zoo.info(args.zoo)["dataset"]
    base = kerasgan.metrics.get_extractor("inception")
    rows = {}
    resizes = (
        ("bilinear (the protocol's)", base),
        ("bicubic", with_resize(base, lambda: keras.layers.Resizing(
            SIZE, SIZE, interpolation="bicubic"), "bicubic")),
        ("bilinear, TF1 legacy alignment",
         with_resize(base, LegacyBilinear, "legacy-bilinear")),
    )
    for name, extractor in resizes:
        rows[name] = measure(gan, dataset, extractor, args.n)
        print(name, rows[name], flush=True)
    (fid, floor), *others = rows.values()
    lines = [
        f"| resize | {args.zoo} FID | floor FID (real vs real) | FID − floor |",
        "|---|---|---|---|",
        *[f"| {name} | {a:.2f} | {b:.2f} | {a - b:.2f} |" for name, (a, b) in rows.items()],
        *[
            f"| {name} / bilinear | {a / fid - 1:+.1%} | {b / floor - 1:+.1%} | "
            f"{(a - b) / (fid - floor) - 1:+.1%} |"
            for (name, _), (a, b) in zip(resizes[1:], others)
        ],
        "",
        f"N={args.n:,} generated (seed 1) vs {args.n:,} test images, floor {args.n:,} "
        f"test vs {args.n:,} train; at this small N the floor is a large part of "
        "every FID, so the effect at N=10,000 may differ. Measured by "
        f"`KERAS_BACKEND={keras.backend.backend()} python scripts/resize_effect.py "
        f"--zoo {args.zoo} --n {args.n}` at commit `{git('rev-parse', '--short=10', 'HEAD')}` "
        f"in {(time.perf_counter() - start) / 60:.0f} min.",
    ]
    replace_marked_section(DOC, "resize-effect", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
