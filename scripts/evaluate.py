"""Real-vs-real metric baselines into docs/metrics.md (and a GAN's metrics, if given).

A generated set can only be judged against what two independent real sets score:
for each dataset × extractor × N this compares N real test images with N real train
images (two disjoint halves of the train split where there is no test split) and
writes the table between the `baselines` markers of docs/metrics.md, with the command.

Usage:
    KERAS_BACKEND=tensorflow python scripts/evaluate.py \\
        --datasets fashion-mnist mnist-5k stacked-mnist --num-samples 1000 5000 \\
        --inception-datasets fashion-mnist --inception-num-samples 500
    KERAS_BACKEND=jax python scripts/evaluate.py --model runs/dcgan/model.keras \\
        --dataset fashion-mnist --num-samples 10000
"""

import argparse
import datetime
import pathlib
import re
import sys
import time

import keras
import numpy as np

import kerasgan
from kerasgan.metrics import compute
from kerasgan.metrics import evaluation
from kerasgan.metrics import stats_cache
from kerasgan.utils.files import atomic_path

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
COLUMNS = [
    "fid",
    "kid",
    "precision",
    "recall",
    "density",
    "coverage",
    "classifier_score",
    "modes_covered",
    "kl_to_uniform",
]


class TooFewImages(ValueError):
    pass


def real_pair(dataset, num_samples, seed=0):
    """Two independent real sets of `num_samples` images and what they are."""
    if stats_cache.default_split(dataset) == "test":
        test = stats_cache.real_images(dataset, "test", num_samples, seed)
        train = stats_cache.real_images(dataset, "train", num_samples, seed)
        return test, train, "test vs train"
    x, _ = kerasgan.data.load_numpy(dataset)
    order = np.random.default_rng(seed).permutation(len(x))
    if 2 * num_samples > len(x):
        raise TooFewImages(
            f"{dataset} at N={num_samples}: two disjoint sets need {2 * num_samples} "
            f"images, it has {len(x)}."
        )
    halves = order[:num_samples], order[num_samples : 2 * num_samples]
    return x[np.sort(halves[0])], x[np.sort(halves[1])], "two halves of train"


def real_vs_real(dataset, extractor, num_samples):
    extractor = kerasgan.metrics.get_extractor(extractor)
    first, second, pairing = real_pair(dataset, num_samples)
    names = (
        evaluation.INCEPTION_METRICS
        if extractor.name == "inception"
        else evaluation.DOMAIN_METRICS
    )
    start = time.perf_counter()
    real = kerasgan.metrics.extract(extractor, first)
    other = kerasgan.metrics.extract(extractor, second)
    results = compute.compute(names, real, other, extractor.name)
    return results, pairing, time.perf_counter() - start


def format_value(result):
    if result is None:
        return "–"
    if result.name == "modes_covered":
        return f"{result.value:.0f}"
    if result.std is not None:
        return f"{result.value:.4g} ± {result.std:.2g}"
    return f"{result.value:.4g}"


def table(rows):
    header = ["dataset", "pairing", "extractor", "N"] + COLUMNS + ["seconds"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for dataset, pairing, extractor, n, results, seconds in rows:
        cells = [dataset, pairing, extractor, str(n)]
        cells += [format_value(results.get(c)) for c in COLUMNS]
        lines.append("| " + " | ".join(cells + [f"{seconds:.0f}"]) + " |")
    return "\n".join(lines)


def replace_section(path, name, text):
    """Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`."""
    content = pathlib.Path(path).read_text()
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(content):
        raise ValueError(f"{path} has no '{name}' markers.")
    content = pattern.sub(lambda m: m.group(1) + text + "\n" + m.group(2), content)
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_text(content)


def baselines(args):
    jobs = [
        (dataset, evaluation.default_extractor(dataset), n)
        for dataset in args.datasets
        for n in args.num_samples
    ]
    jobs += [
        (dataset, "inception", n)
        for dataset in args.inception_datasets
        for n in args.inception_num_samples
    ]
    rows, skipped = [], []
    for dataset, extractor, n in jobs:
        try:
            results, pairing, seconds = real_vs_real(dataset, extractor, n)
        except TooFewImages as error:
            skipped.append(str(error))
            continue
        rows.append((dataset, pairing, extractor, n, results, seconds))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    text = (
        f"{table(rows)}\n\nWritten by `scripts/evaluate.py` on {stamp}, Keras backend "
        f"`{keras.backend.backend()}` (seconds: feature extraction and metrics, "
        f"2 shared CPU cores):\n\n```\n{' '.join(['python'] + sys.argv)}\n```\n"
    )
    text += "".join(f"\nSkipped: {reason}\n" for reason in skipped)
    replace_section(args.doc, "baselines", text)


def evaluate_model(args):
    gan = keras.saving.load_model(args.model)
    results = kerasgan.metrics.evaluate(
        gan, args.dataset, num_samples=args.num_samples[0], extractor=args.extractor
    )
    for result in results.values():
        print(result)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", default=["fashion-mnist", "mnist-5k"])
    parser.add_argument("--num-samples", nargs="+", type=int, default=[1000, 2500])
    parser.add_argument("--inception-datasets", nargs="*", default=[])
    parser.add_argument("--inception-num-samples", nargs="+", type=int, default=[500])
    parser.add_argument("--doc", default=str(DOC))
    parser.add_argument("--model", help="a saved GAN (.keras) to evaluate instead")
    parser.add_argument("--dataset", help="the real data for --model")
    parser.add_argument("--extractor", default=None)
    args = parser.parse_args(argv)
    if args.model:
        evaluate_model(args)
    else:
        baselines(args)


if __name__ == "__main__":
    main()
