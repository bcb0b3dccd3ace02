"""Real-vs-real metric baselines into docs/metrics.md (and a GAN's metrics, if given).

A generated set can only be judged against what two independent real sets score:
for each dataset × extractor × N this compares N real test images with N real train
images (two disjoint halves of the train split where there is no test split) and
writes the table between the `baselines` markers of docs/metrics.md, with the command.

With `--zoo NAME` it measures a zoo entry instead and writes zoo/NAME/metrics.json
(then re-hashes the entry and regenerates its card): Inception FID/KID/P/R/D/C, the
domain classifier's FID/KID/classifier score/class modes, class accuracy (overall and
per requested class) and per-class FID with its real-vs-real floor for conditional
models, mode statistics for the toy mixtures,
reconstruction error and the codes' MMD² to the prior for autoencoders.

Inception follows the standard protocol (`--protocol standard`,
`kerasgan.metrics.protocol`): N=10,000 generated vs the 10,000 test images, stored
with the real-vs-real floor at the same N (cached) under "protocol" in metrics.json;
`--inception-n` sets a smaller N for CPU runs, and the card says which N it is.
`--cards-only [--zoo NAME]` adds the protocol record, per-class accuracy and
per-class FID to existing metrics.json files (no generator metric is measured again) and rebuilds the
cards.

Usage:
    KERAS_BACKEND=tensorflow python scripts/evaluate.py --zoo dcgan_fashion_mnist
    KERAS_BACKEND=tensorflow python scripts/evaluate.py --zoo dcgan_fashion_mnist \\
        --inception-n 1000
    KERAS_BACKEND=tensorflow python scripts/evaluate.py --cards-only
    KERAS_BACKEND=tensorflow python scripts/evaluate.py \\
        --datasets fashion-mnist mnist-5k stacked-mnist --num-samples 1000 5000 \\
        --inception-datasets fashion-mnist --inception-num-samples 500
    KERAS_BACKEND=jax python scripts/evaluate.py --model runs/dcgan/model.keras \\
        --dataset fashion-mnist --num-samples 10000
"""

import argparse
import dataclasses
import datetime
import importlib
import pathlib
import sys
import time

import keras
import numpy as np

import kerasgan
from kerasgan.data import registry as data_registry
from kerasgan.metrics import class_fid
from kerasgan.metrics import compute
from kerasgan.metrics import evaluation
from kerasgan.metrics import protocol
from kerasgan.metrics import stats_cache
from kerasgan import zoo as zoo_lib
from kerasgan.callbacks.mode_collapse import class_diversity
from kerasgan.metrics.results import MetricResult
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.files import write_json
from kerasgan.utils.images import centre_crop
from kerasgan.utils.labels import fixed_labels
from kerasgan.zoo import card
from kerasgan.zoo import preset as preset_lib
from kerasgan.models import registry as model_registry
from kerasgan.zoo import registry as zoo_registry

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
# The module: `kerasgan.metrics.class_accuracy` is the function of the same name.
class_accuracy = importlib.import_module("kerasgan.metrics.class_accuracy")
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


def real_vs_real(dataset, extractor, num_samples):
    extractor = kerasgan.metrics.get_extractor(extractor)
    first, second, pairing = protocol.real_pair(dataset, num_samples)
    names = evaluation.default_metrics(extractor)
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
        except protocol.TooFewImages as error:
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
    replace_marked_section(args.doc, "baselines", text)


def evaluate_model(args):
    gan = keras.saving.load_model(args.model)
    results = kerasgan.metrics.evaluate(
        gan, args.dataset, num_samples=args.num_samples[0], extractor=args.extractor
    )
    for result in results.values():
        print(result)


def translator_results(model, dataset, num_samples=None):
    """The metrics of an image-to-image entry on the test split, as `MetricResult`s.

    Super-resolution: PSNR, SSIM (Y channel, border = scale) and the sharpness
    ratio, beside bicubic. Paired translation: L1 to the ground truth, FID against
    the targets and translation accuracy on the domain classifier. Unpaired: FID
    and translation accuracy in both directions, and the cycle L1.
    """
    kind = data_registry.resolve(dataset).info.kind
    if kind == data_registry.SUPER_RESOLUTION:
        scores = kerasgan.metrics.evaluate_super_resolution(model.upscale, dataset)
        return list(scores.values()) + sharpness_results(model, dataset)
    if kind == data_registry.PAIRED:
        scores = kerasgan.metrics.evaluate_translation(
            model.translate, dataset, num_samples=num_samples
        )
        return list(scores.values())
    results = []
    for direction, inverse in (("a_to_b", "b_to_a"), ("b_to_a", "a_to_b")):
        scores = kerasgan.metrics.evaluate_translation(
            lambda x, d=direction: model.translate(x, direction=d),
            dataset,
            direction=direction,
            inverse=lambda x, d=inverse: model.translate(x, direction=d),
            num_samples=num_samples,
        )
        results += [
            dataclasses.replace(result, name=f"{result.name}[{direction}]")
            for result in scores.values()
        ]
    return results


def sharpness_results(model, dataset):
    """The sharpness ratio of the model's and bicubic's upscaled test images."""
    low_res, high_res = kerasgan.data.load_numpy(dataset, split="test")
    scale = high_res.shape[1] // low_res.shape[1]
    y_channel = high_res.shape[-1] == 3
    results = []
    for name, upscaled in (
        ("sharpness", model.upscale(low_res)),
        ("bicubic_sharpness", kerasgan.metrics.bicubic_upscale(low_res, scale)),
    ):
        ratios = kerasgan.metrics.sharpness_ratio(
            upscaled, high_res, crop_border=scale, y_channel=y_channel
        )
        results.append(
            MetricResult(name, float(np.mean(ratios)), len(ratios), len(ratios),
                         "mean |gradient| / ground truth's", float(np.std(ratios)))
        )
    return results


def zoo_results(gan, dataset, inception_n, domain_n):
    """The metrics of a zoo entry, as `MetricResult`s."""
    if isinstance(gan, kerasgan.engine.DataToData):
        return translator_results(gan, dataset)
    if len(gan.data_shape) == 1:
        stats = kerasgan.metrics.mode_statistics(
            gan.generate(domain_n, seed=1), getattr(kerasgan.data, dataset)()
        )
        return [
            MetricResult(name, float(stats[name]), 0, domain_n, f"{dataset} components")
            for name in ("modes_covered", "high_quality", "reverse_kl")
        ]
    domain = evaluation.default_extractor(dataset)
    results = autoencoder_results(gan, dataset, domain_n) if hasattr(gan, "encode") else []
    results += evaluate(gan, dataset, num_samples=inception_n, extractor="inception")
    if domain != "inception":
        results += evaluate(gan, dataset, num_samples=domain_n, extractor=domain)
        if getattr(gan, "num_classes", None):
            results += class_accuracies(gan, dataset, domain, domain_n)
    if getattr(gan, "num_classes", None):
        results += within_class_diversity(gan, dataset, inception_n)
    return results


def class_accuracies(gan, dataset, extractor, num_samples):
    """Overall and per-requested-class accuracy, and per-class FID with its floor,
    from one draw of samples (seed 1)."""
    labels, outputs, name = class_accuracy.requested_and_extracted(
        gan, extractor, num_samples, seed=1
    )
    predicted = outputs["logits"].argmax(axis=-1)
    return [
        class_accuracy.accuracy_result(labels, predicted, name),
        *class_accuracy.per_class_results(labels, predicted, gan.num_classes, name),
        *class_fid.per_class_fid_from_features(
            outputs["features"], labels, dataset, name, gan.num_classes
        ),
        *class_accuracy.real_per_class_accuracy(dataset, name, gan.num_classes),
        *reconstruction_accuracies(gan, dataset, name),
    ]


def reconstruction_accuracies(gan, dataset, extractor):
    """An autoencoder's per-class accuracy on its reconstructions of real images
    (can its decoder draw the class at all?); nothing for other models."""
    if not hasattr(gan, "reconstruct"):
        return []
    return class_accuracy.reconstruction_per_class_accuracy(
        gan, dataset, extractor, gan.num_classes
    )


def autoencoder_results(model, dataset, num_samples):
    """An autoencoder's reconstruction error and the MMD² of its codes to its prior,
    on the first `num_samples` test images (train where there is no test split)."""
    x, _ = kerasgan.data.load_numpy(dataset, split=stats_cache.default_split(dataset))
    x = x[:num_samples]
    # MMD² costs N² kernel values: 2,000 codes against 2,000 prior samples.
    return [kerasgan.metrics.reconstruction_error(model, x),
            *kerasgan.metrics.posterior_prior_mmd(model, x[:2000], seed=1)]


def within_class_diversity(gan, dataset, num_samples):
    """Mean pairwise pixel distance within each class, generated and real.

    A conditional generator that ignores its latents draws one image per class:
    its class accuracy can be high while this falls towards 0.
    """
    labels = fixed_labels(gan, num_samples)
    fake = gan.generate(num_samples, seed=1, labels=labels)
    x, y = kerasgan.data.load_numpy(dataset, split=stats_cache.default_split(dataset))
    real = class_diversity(x[:num_samples], y[:num_samples])
    return [
        MetricResult(
            "within_class_diversity",
            class_diversity(fake, labels),
            0,
            num_samples,
            "pixels",
        ),
        MetricResult("real_within_class_diversity", real, num_samples, 0, "pixels"),
    ]


def evaluate(gan, dataset, num_samples, extractor):
    return kerasgan.metrics.evaluate(
        unpadded(gan, dataset, num_samples), dataset, num_samples=num_samples,
        extractor=extractor, seed=1,
    ).values()


def padding(gan, dataset):
    """The border a model trained on `dataset` padded to a larger size adds to each
    side (Fashion-MNIST at `image_size=32`: 2 px), else 0."""
    real = stats_cache.real_images(dataset, num_samples=1).shape[1:3]
    extra = [side - real_side for side, real_side in zip(gan.data_shape[:2], real)]
    same = len(gan.data_shape) == 3 and extra[0] == extra[1]
    return extra[0] // 2 if same and extra[0] > 0 and extra[0] % 2 == 0 else 0


def unpadded(gan, dataset, num_samples):
    """The model, or for a model trained on padded images its samples (seed 1, as
    the model's own) with the padding cropped off, so that they are measured against
    the real images as stored, like every other entry."""
    border = padding(gan, dataset)
    if not border:
        return gan
    samples = gan.generate(num_samples, seed=1)
    return centre_crop(samples, samples.shape[1] - 2 * border)


def entry_note(gan, dataset=None):
    """What a card says about how its numbers were measured."""
    if isinstance(gan, kerasgan.engine.DataToData):
        return (
            "The whole test split (translated once; no sampling). Baselines in the same "
            "table: bicubic upscaling for super-resolution; for translation, the "
            "classifier on the untranslated inputs (source_accuracy) and on the real "
            "targets (target_accuracy)."
        )
    border = padding(gan, dataset) if dataset and len(gan.data_shape) == 3 else 0
    cropped = (
        f"Samples cropped by the {border} px of padding of the training images, to "
        "the dataset's size, before measuring. " if border else ""
    )
    return "Samples from seed 1 (the training grids use seed 0). " + cropped + (
        "high_quality: the share of samples within 3σ of a component's centre; a "
        "mode is covered with a quarter of its expected share."
        if len(gan.data_shape) == 1
        else "Compare with the real-vs-real values at the same N and extractor in "
        "docs/metrics.md."
    )


def inception_n(args):
    """N of the Inception metrics: --inception-n, else the protocol's."""
    return args.inception_n or protocol.STANDARD_N


def zoo_command(args, gan):
    command = f"KERAS_BACKEND={keras.backend.backend()} python scripts/evaluate.py --zoo {args.zoo}"
    if isinstance(gan, kerasgan.engine.DataToData):
        return command
    return (
        f"{command} --protocol {args.protocol} --inception-n {inception_n(args)} "
        f"--domain-n {args.domain_n}"
    )


def evaluate_zoo_entry(args):
    entry = zoo_lib.resolve(args.zoo)
    gan = zoo_lib.load(entry)
    metadata = preset_lib.read_json(entry / preset_lib.METADATA)
    dataset = metadata["dataset"]
    start = time.perf_counter()
    record = None
    if not isinstance(gan, kerasgan.engine.DataToData) and len(gan.data_shape) == 3:
        # First: an N the data cannot give fails before anything is measured.
        record = protocol.protocol_record(dataset, inception_n(args))
    results = zoo_results(gan, dataset, inception_n(args), args.domain_n)
    for result in results:
        print(result, flush=True)
    metrics = {
        "results": [result.to_dict() for result in results],
        "note": entry_note(gan, dataset),
        "command": zoo_command(args, gan),
        "backend": keras.backend.backend(),
        "seconds": round(time.perf_counter() - start, 1),
        "date": now(),
    }
    if record is not None:
        metrics["protocol"] = record
    write_entry_metrics(entry, metrics)


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def write_entry_metrics(entry, metrics):
    write_json(entry / "metrics.json", metrics)
    preset_lib.rehash_preset(entry, extra_files=["metrics.json"])
    card.write_card(entry)
    print(f"wrote {entry / 'metrics.json'} and the card")


def update_entry(name):
    """Adds what an entry's metrics.json lacks without measuring it again.

    The protocol record with its floor, at the N the entry was measured at (the
    floor is cached), and, for a conditional model, per-requested-class accuracy
    and per-class FID (with its floor) at the N, extractor and seed of its class
    accuracy. Each addition is recorded under "updates" with this command. Then
    the card is rebuilt.
    """
    entry = zoo_lib.resolve(name)
    metadata = preset_lib.read_json(entry / preset_lib.METADATA)
    path = entry / "metrics.json"
    if not path.exists():
        print(f"{name}: no metrics.json (run scripts/evaluate.py --zoo {name})")
        return
    metrics = preset_lib.read_json(path)
    results = metrics.get("results", [])
    added = []
    inception = [r for r in results if r["extractor"] == "inception"]
    if inception and "protocol" not in metrics:
        metrics["protocol"] = protocol.protocol_record(
            metadata["dataset"], inception[0]["num_fake"]
        )
        added.append("protocol record and floor")
    overall = [r for r in results if r["name"] == "class_accuracy"]
    if overall:
        per_class = per_class_additions(entry, metadata["dataset"], overall[0], results)
        metrics["results"] = results + [r.to_dict() for r, _ in per_class]
        added += list(dict.fromkeys(what for _, what in per_class))
    if added:
        command = (
            f"KERAS_BACKEND={keras.backend.backend()} python scripts/evaluate.py "
            f"--cards-only --zoo {name}"
        )
        metrics.setdefault("updates", []).append(
            {"added": added, "command": command, "date": now()}
        )
        write_entry_metrics(entry, metrics)
    else:
        card.write_card(entry)
        print(f"{name}: nothing to add; card rebuilt")


def per_class_additions(entry, dataset, overall, results):
    """`[(result, what)]` for what a conditional entry lacks: per-class accuracy
    ("per-class accuracy") and per-class FID with its floor ("per-class FID"),
    measured on the samples of its stored class accuracy (its N, extractor, seed 1),
    and, needing no samples, the classifier's per-class accuracy on the real images
    and, for an autoencoder, on its reconstructions of them.
    """
    names = {r["name"] for r in results}
    wants_real = "real_class_accuracy[0]" not in names
    wants_accuracy = "class_accuracy[0]" not in names
    wants_fid = "fid[0]" not in names
    # Whether the model reconstructs is a property of its class: no load needed.
    variant = preset_lib.read_json(entry / preset_lib.METADATA)["variant"]
    wants_reconstruction = (
        hasattr(model_registry.get(model_registry.name_of(variant)).cls, "reconstruct")
        and "reconstruction_class_accuracy[0]" not in names
    )
    if not (wants_real or wants_accuracy or wants_fid or wants_reconstruction):
        return []
    gan = zoo_lib.load(entry)
    without_samples = [
        (r, "the classifier's per-class accuracy on real images")
        for r in class_accuracy.real_per_class_accuracy(
            dataset, overall["extractor"], gan.num_classes
        )
    ] if wants_real else []
    without_samples += [
        (r, "per-class accuracy on reconstructions of real images")
        for r in reconstruction_accuracies(gan, dataset, overall["extractor"])
    ] if wants_reconstruction else []
    if not (wants_accuracy or wants_fid):
        return without_samples
    labels, outputs, extractor = class_accuracy.requested_and_extracted(
        gan, overall["extractor"], overall["num_fake"], seed=1
    )
    predicted = outputs["logits"].argmax(axis=-1)
    # The same samples as the stored overall accuracy: it must be their mean.
    recomputed = class_accuracy.accuracy_result(labels, predicted, extractor).value
    print(f"{entry.name}: class accuracy {recomputed:.4f} now, {overall['value']:.4f} "
          "stored", flush=True)
    added = []
    if wants_accuracy:
        added += [
            (r, "per-class accuracy")
            for r in class_accuracy.per_class_results(
                labels, predicted, gan.num_classes, extractor
            )
        ]
    if wants_fid:
        added += [
            (r, "per-class FID with its floor")
            for r in class_fid.per_class_fid_from_features(
                outputs["features"], labels, dataset, extractor, gan.num_classes
            )
        ]
    return added + without_samples


def cards_only(args):
    names = [args.zoo] if args.zoo else zoo_registry.installed_names()
    for name in names:
        update_entry(name)


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
    parser.add_argument("--zoo", help="a zoo entry to measure into its metrics.json")
    parser.add_argument(
        "--protocol",
        choices=["standard"],
        default="standard",
        help="Inception metrics at N=10,000 generated vs the 10,000 test images "
        "(Lucic et al. 2018), each with its real-vs-real floor at the same N",
    )
    parser.add_argument(
        "--inception-n",
        type=int,
        default=None,
        help="a smaller N for CPU runs (the card shows the N and its floor)",
    )
    parser.add_argument(
        "--cards-only",
        action="store_true",
        help="add the protocol record (floor), per-class accuracy and per-class "
        "FID (with its floor) to existing "
        "metrics.json files (--zoo NAME, else every installed entry) and rebuild "
        "the cards; measures no generator metric again",
    )
    parser.add_argument("--domain-n", type=int, default=10000)
    args = parser.parse_args(argv)
    if args.cards_only:
        cards_only(args)
    elif args.zoo:
        evaluate_zoo_entry(args)
    elif args.model:
        evaluate_model(args)
    else:
        baselines(args)


if __name__ == "__main__":
    main()
