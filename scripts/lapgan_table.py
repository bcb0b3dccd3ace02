"""The LAPGAN results table and pyramid pictures of docs/variants/lapgan.md.

Puts the zoo entries `lapgan_fashion_mnist` and `dcgan_fashion_mnist` side by side:
parameter counts, training, and the FID/KID that `scripts/evaluate.py --zoo` measured
for each with the same protocol (refused otherwise): Inception features, N = 1,000
samples from seed 1 against 1,000 Fashion-MNIST test images; the domain classifier,
N = 10,000. LAPGAN's 32×32 samples are cropped by their 2 px of padding before
measuring (scripts/evaluate.py), so both are compared with the same 28×28 test images.
Draws two pyramids: generated samples (coarse image, + residual, ... per level) and
the decomposition of real test images.

    KERAS_BACKEND=tensorflow python scripts/evaluate.py --zoo lapgan_fashion_mnist
    KERAS_BACKEND=tensorflow python scripts/lapgan_table.py
"""

import json
import pathlib

import numpy as np

import kerasgan
from kerasgan.models.lapgan import pyramid
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.images import save_samples
from train import git

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "variants" / "lapgan.md"
IMAGES = ROOT / "docs" / "images" / "variants"
ENTRIES = {"LAPGAN": "lapgan_fashion_mnist", "DCGAN": "dcgan_fashion_mnist"}
METRICS = [("inception", "fid"), ("inception", "kid"), ("fashion-mnist", "fid"),
           ("fashion-mnist", "kid")]
ROWS = 6  # pyramids drawn
RESIDUAL_GAIN = 2.0  # residuals are drawn ×2 around mid grey (0) to be visible


def read(entry, name):
    return json.loads((ROOT / "zoo" / entry / name).read_text())


def measured(entry):
    """`{(extractor, metric): result dict}` of an entry's metrics.json."""
    return {(r["extractor"], r["name"]): r for r in read(entry, "metrics.json")["results"]}


def check_same_protocol(results):
    """Refuses a table whose columns were measured with different N or extractors."""
    for key in METRICS:
        sizes = {(r[key]["num_real"], r[key]["num_fake"]) for r in results.values()}
        if len(sizes) != 1:
            raise SystemExit(f"{key} was measured with different N: {sizes}; re-run "
                             "scripts/evaluate.py --zoo with the same --inception-n/--domain-n.")


def parameters(entry):
    """(generator parameters, discriminator parameters), EMA copies left out."""
    counts = read(entry, "metadata.json")["parameters"]
    g = sum(v for k, v in counts.items() if k.startswith("generator"))
    d = sum(v for k, v in counts.items() if k.startswith("discriminator"))
    return g, d


def table():
    results = {label: measured(entry) for label, entry in ENTRIES.items()}
    check_same_protocol(results)
    header = ["model", "data", "G params", "D params", "steps", "train min"] + [
        f"{'FID' if m == 'fid' else 'KID'} ({e}, N={results['LAPGAN'][(e, m)]['num_fake']:,})"
        for e, m in METRICS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, entry in ENTRIES.items():
        metadata = read(entry, "metadata.json")
        g, d = parameters(entry)
        side = metadata["data_shape"][0]
        cells = [f"{label} (`{entry}`)", f"{side}×{side}", f"{g:,}", f"{d:,}",
                 f"{metadata['training']['steps']:,}",
                 f"{metadata['training']['seconds'] / 60:.1f}"]
        cells += [f"{results[label][key]['value']:.4g}" for key in METRICS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def enlarge(images, side):
    """Nearest-neighbour enlargement to `side` px, for drawing small levels."""
    factor = side // images.shape[1]
    return np.repeat(np.repeat(images, factor, axis=1), factor, axis=2)


def pyramid_rows(levels, side):
    """Per example: I_0, then for each finer level `+ h_k` (×gain) and `= I_k`."""
    image = levels[0]
    columns = [enlarge(image, side)]
    for residual in levels[1:]:
        image = np.asarray(pyramid.upsample(image)) + residual
        columns += [enlarge(np.clip(RESIDUAL_GAIN * residual, -1, 1), side),
                    enlarge(np.clip(image, -1, 1), side)]
    return np.stack(columns, axis=1).reshape((-1, side, side, levels[0].shape[-1]))


def pictures(lap):
    side = lap.data_shape[0]
    generated = lap.generate(ROWS, seed=0, return_pyramid=True)
    save_samples(pyramid_rows(generated, side), IMAGES / "lapgan_pyramid.png",
                 columns=2 * lap.levels - 1)
    real, _ = kerasgan.data.load_numpy("fashion-mnist", split="test", image_size=(side, side))
    decomposed = [np.asarray(x) for x in pyramid.laplacian_pyramid(real[:ROWS], lap.levels)]
    error = np.abs(np.asarray(pyramid.reconstruct(decomposed)) - real[:ROWS]).max()
    save_samples(pyramid_rows(decomposed, side), IMAGES / "lapgan_real_pyramid.png",
                 columns=2 * lap.levels - 1)
    return error


def main():
    lap = kerasgan.zoo.load(ENTRIES["LAPGAN"])
    error = pictures(lap)
    shapes = " → ".join(f"{h}×{w}" for h, w, _ in lap.level_shapes)
    text = "\n".join([
        table(),
        "",
        f"Levels {shapes}. Parameters without the EMA copies; G params of LAPGAN sum "
        "its generators, D params its discriminators. The real-vs-real floor at the "
        "same N (Fashion-MNIST test vs train) is in [metrics.md](../metrics.md). "
        f"Largest reconstruction error of the real pyramids drawn below: {error:.1e}.",
        "",
        f"Written by `python scripts/lapgan_table.py` at commit "
        f"`{git('rev-parse', '--short=10', 'HEAD')}` from the entries' metrics.json "
        "(each measured by `scripts/evaluate.py --zoo`, command in its card).",
    ])
    replace_marked_section(DOC, "table", text)
    print(text)


if __name__ == "__main__":
    main()
