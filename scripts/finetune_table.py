"""The fine-tuning results of docs/apps/finetune.md: FID vs images and vs steps.

Source: the zoo entry `dcgan_fashion_mnist` (DCGAN trained on all ten Fashion-MNIST
classes). New domain: handwritten digits (MNIST-5k), which the source never saw.
Training pools: 100 and 500 digits drawn with seed 0 (the 100 are the first 100 of
the 500); FID reference: the other 4,500 MNIST-5k digits. Three ways to train on
each pool, all with DiffAugment (color, translation, cutout) and the same steps,
batch size, optimizer (Adam 2e-4, β1 = 0.5) and seed:

- FreezeD K: the zoo model fine-tuned with D's first K layers frozen (`--freeze`,
  K = 1 and 2 by default);
- fine-tune: the zoo model fine-tuned with every layer of D training;
- scratch: the same DCGAN freshly initialised.

FID on the features of the shipped MNIST domain classifier (extractor "mnist"),
N = 1,000 samples of the EMA generator (seed 1) against the 4,500 reference digits,
every `--every` steps. Reference rows: the zoo entry `dcgan_mnist5k` (trained on all
5,000 digits, reference included: a lower bound, not a like-for-like number) and
the 500-image pool itself against the reference (real vs real at N = 500).

Small on purpose (a shared 2-core CPU, the whole run ≤ 15 minutes): few hundred
steps, batch 32. Run at a clean commit:

    KERAS_BACKEND=tensorflow OMP_NUM_THREADS=1 python scripts/finetune_table.py
"""

import argparse
import json
import pathlib
import sys
import time

import keras
import numpy as np

import kerasgan
import kerasgan.apps
from kerasgan.metrics import image_to_image
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.files import write_json
from kerasgan.utils.images import save_samples

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from train import hardware  # noqa: E402
from train import source_state  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "apps" / "finetune.md"
IMAGES = ROOT / "docs" / "images" / "apps"
SOURCE = "dcgan_fashion_mnist"
TARGET = "mnist-5k"
EXTRACTOR = "mnist"
NUM_FAKE = 1000
BASELINES = ("fine-tune", "scratch")


def methods(freeze):
    return [f"FreezeD K={k}" for k in freeze] + list(BASELINES)


class FIDEvery(keras.callbacks.Callback):
    """FID of the model's samples at the end of every epoch (= every `--every` steps)."""

    def __init__(self, reference, curve):
        super().__init__()
        self.reference, self.curve = reference, curve

    def on_epoch_end(self, epoch, logs=None):
        steps = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        self.curve.append((steps, fid(self.model, self.reference)))


def fid(gan, reference):
    samples = gan.generate(NUM_FAKE, seed=1)
    return round(float(image_to_image.translation_fid(samples, reference, EXTRACTOR).value), 2)


def split_target(seed=0, pool=500):
    digits, _ = kerasgan.data.load_numpy(TARGET)
    order = np.random.default_rng(seed).permutation(len(digits))
    return digits[order[:pool]], digits[order[pool:]]


def scratch_model():
    """The source's architecture, freshly initialised (seeded)."""
    source = kerasgan.zoo.load(SOURCE)
    keras.utils.set_random_seed(0)
    return type(source).from_config(source.get_config())


def run(method, pool, reference, args):
    source = scratch_model() if method == "scratch" else SOURCE
    freeze = int(method.split("=")[1]) if method.startswith("FreezeD") else 0
    start = fid(kerasgan.zoo.load(SOURCE) if method != "scratch" else source, reference)
    curve = [(0, start)]
    began = time.perf_counter()
    gan = kerasgan.apps.finetune(
        source, pool, freeze_d_layers=freeze, epochs=args.steps // args.every,
        steps_per_epoch=args.every, batch_size=args.batch_size, seed=0, verbose=0,
        callbacks=[FIDEvery(reference, curve)],
    )
    seconds = round(time.perf_counter() - began, 1)
    print(f"{method:10s} n={len(pool):4d} {curve} ({seconds} s)", flush=True)
    return gan, {"method": method, "images": len(pool), "frozen": list(gan.frozen_layers),
                 "curve": curve, "seconds": seconds}


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, (by_steps, by_images) = plt.subplots(1, 2, figsize=(10, 3.8))
    names = list(dict.fromkeys(r["method"] for r in results))
    frozen = [n for n in names if n.startswith("FreezeD")]
    colours = {**dict(zip(frozen, ("tab:blue", "tab:green", "tab:purple"))),
               "fine-tune": "tab:orange", "scratch": "tab:grey"}
    sizes = sorted({r["images"] for r in results})
    for r in results:
        steps, values = zip(*r["curve"])
        style = "-" if r["images"] == max(sizes) else "--"
        by_steps.plot(steps, values, style, marker="o", ms=3, color=colours[r["method"]],
                      label=f"{r['method']}, {r['images']} images")
    by_steps.set(xlabel="training steps", ylabel=f"FID ({EXTRACTOR} features, N={NUM_FAKE})",
                 title="FID vs steps", yscale="log")
    by_steps.legend(fontsize=7)
    for method in names:
        final = [next(r["curve"][-1][1] for r in results
                      if r["method"] == method and r["images"] == n) for n in sizes]
        by_images.plot(sizes, final, marker="o", color=colours[method], label=method)
    by_images.set(xlabel="training images", ylabel="FID at the last step", xticks=sizes,
                  title="FID vs images", yscale="log")
    by_images.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def table(results, references, args, commit, seconds):
    checkpoints = [s for s, _ in results[0]["curve"]]
    head = "| method | images | " + " | ".join(f"step {s}" for s in checkpoints) + " |"
    lines = [head, "|" + "---|" * (len(checkpoints) + 2)]
    for r in results:
        values = " | ".join(f"{v:.1f}" for _, v in r["curve"])
        lines.append(f"| {r['method']} | {r['images']} | {values} |")
    layers = kerasgan.apps.transfer.discriminator_layers(kerasgan.zoo.load(SOURCE))
    kinds = [type(layer).__name__ for layer in layers]
    return "\n".join(lines + [
        "",
        f"FID on the MNIST domain classifier's features (extractor `{EXTRACTOR}`), "
        f"N = {NUM_FAKE} EMA samples (seed 1) against the {references['reference_n']} "
        "MNIST-5k digits outside the 500-image pool; step 0 is the starting model "
        f"(the zoo's `{SOURCE}`, or the fresh initialisation). FreezeD K: "
        f"`freeze_d_layers=K` of D's {len(layers)} weighted layers "
        f"({', '.join(kinds)}), from the input; fine-tune: none frozen; "
        f"all runs: DiffAugment color,translation,cutout, batch {args.batch_size}, "
        "Adam(2e-4, β1=0.5), seed 0. One seed: differences of a few FID points are "
        "within run-to-run noise.",
        "",
        f"For scale: the zoo's `dcgan_mnist5k` (trained on all 5,000 digits, the "
        f"reference included) scores {references['dcgan_mnist5k']:.1f}; the 500 real pool "
        f"digits against the reference score {references['real_500']:.1f} (N = 500).",
        "",
        f"Written by `KERAS_BACKEND={keras.backend.backend()} OMP_NUM_THREADS=1 python "
        f"scripts/finetune_table.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}` "
        f"at commit `{commit[:10]}` on {hardware()} (shared with other jobs), "
        f"{seconds / 60:.1f} minutes.",
    ])


def sample_grid(source, trained, path):
    """Rows: the source's samples, then each method's (100 images), seed 0."""
    rows = [source.generate(8, seed=0)] + [gan.generate(8, seed=0) for gan in trained.values()]
    save_samples(np.concatenate(rows), path, columns=8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--every", type=int, default=75)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--freeze", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--allow-dirty", action="store_true", help="a trial, not the docs")
    args = parser.parse_args()
    commit, dirty = source_state()
    if dirty and not args.allow_dirty:
        raise SystemExit("The code differs from HEAD: commit first (numbers come from a "
                         "clean commit), or pass --allow-dirty for a trial.")
    began = time.perf_counter()
    pool, reference = split_target()
    references = {"reference_n": len(reference),
                  "dcgan_mnist5k": fid(kerasgan.zoo.load("dcgan_mnist5k"), reference),
                  "real_500": round(float(image_to_image.translation_fid(
                      pool, reference, EXTRACTOR).value), 2)}
    results, trained = [], {}
    for n in args.sizes:
        for method in methods(args.freeze):
            gan, result = run(method, pool[:n], reference, args)
            results.append(result)
            if n == min(args.sizes):
                trained[method] = gan
    seconds = time.perf_counter() - began
    IMAGES.mkdir(parents=True, exist_ok=True)
    plot(results, IMAGES / "finetune_fid.png")
    sample_grid(kerasgan.zoo.load(SOURCE), trained, IMAGES / "finetune_samples.png")
    save_samples(pool[:32], IMAGES / "finetune_real.png", columns=8)
    text = table(results, references, args, commit, seconds)
    write_json(IMAGES / "finetune_results.json",
               {"results": results, "references": references, "commit": commit,
                "arguments": vars(args)})
    if not dirty:
        replace_marked_section(DOC, "table", text)
    print(text)
    print(json.dumps(references))


if __name__ == "__main__":
    main()
