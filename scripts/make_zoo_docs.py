"""Writes docs/zoo.md, the "Pretrained" section of each variant page and the entries'
cards (README.md) from the zoo.

Everything comes from the entries' files (metadata.json, metrics.json, samples.png),
which scripts/train.py and scripts/evaluate.py wrote; nothing is typed in.

Usage:
    python scripts/make_zoo_docs.py
"""

import pathlib

import kerasgan
from kerasgan.metrics import protocol
from kerasgan.models import registry
from kerasgan.utils.files import replace_marked_section
from kerasgan.zoo import card

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Headline metrics in the table, by (name, extractor kind).
HEADLINE = [
    ("fid", "inception", "Inception FID"),
    ("kid", "inception", "Inception KID"),
    ("fid", "domain", "domain FID"),
    ("modes_covered", "domain", "classes covered"),
    ("class_accuracy", "domain", "class accuracy"),
    ("worst_class", "domain", "worst requested class"),
    ("modes_covered", "toy", "modes covered"),
    ("high_quality", "toy", "high quality"),
]
# Pixels of a sample grid in the table (a grid of 28 px images stays legible).
THUMBNAIL_WIDTH = 96


def kind(extractor):
    if extractor == "inception":
        return "inception"
    return "toy" if extractor.endswith("components") else "domain"


def headline(info):
    metrics = info["metrics"] or {}
    results = metrics.get("results", [])
    conditional = bool(card.per_class(metrics))
    cells = {}
    for name, extractor_kind, label in HEADLINE:
        for result in results:
            if result["name"] == name and kind(result["extractor"]) == extractor_kind:
                if conditional and name == "modes_covered":
                    continue  # predicted classes: the per-class accuracy replaces it
                value = result["value"]
                text = f"{value:.0f}" if name == "modes_covered" else f"{value:.3g}"
                cells[label] = f"{text} (N={result['num_fake']})"
    cells.update(inception_cells(metrics))
    if conditional:
        cells["worst requested class"] = worst_class(metrics, info["dataset"])
    return cells


def inception_cells(metrics):
    """Inception FID/KID beside their floor and N, "vs training images" where so."""
    record = metrics.get("protocol")
    cells = {}
    for result in metrics.get("results", []):
        if result["extractor"] != "inception" or result["name"] not in ("fid", "kid"):
            continue
        label = f"Inception {result['name'].upper()}"
        if record is None:
            cells[label] = f"{result['value']:.3g} (N={result['num_fake']:,}, floor not measured)"
            continue
        floor = record["floor"][result["name"]]
        against = "" if record["reference_split"] == "test" else ", vs training images"
        cells[label] = (
            f"{result['value']:.3g} (floor {floor:.3g}, N={record['num_samples']:,}"
            f"{against})"
        )
    return cells


def worst_class(metrics, dataset):
    found = card.per_class(metrics)
    names = protocol.class_names(dataset, len(found))
    k, value, *_ = min(found, key=lambda item: item[1])
    flag = " ⚠" if value < card.CLASS_ACCURACY_WARNING else ""
    return f"{value:.3f} ({k} {names[k]}){flag}"


def minutes(info):
    return f"{info['training']['seconds'] / 60:.1f} min"


def thumbnail(info, image_prefix):
    """The entry's sample grid, small enough for a table cell (full size in its section)."""
    name = info["name"]
    return f'<img src="{image_prefix}{name}/samples.png" width="{THUMBNAIL_WIDTH}" alt="samples of {name}">'


def zoo_table(infos, image_prefix):
    labels = [label for *_, label in HEADLINE]
    header = ["samples", "entry", "variant", "dataset", "steps", "training"] + labels
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for info in infos:
        cells = headline(info)
        row = [
            thumbnail(info, image_prefix),
            f"[{info['name']}](#{info['name']})",
            info["variant"],
            info["dataset"],
            str(info["training"]["steps"]),
            minutes(info),
        ] + [cells.get(label, "–") for label in labels]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def entry_section(info, image_prefix, level="##"):
    metrics = info["metrics"] or {}
    metadata_rows = card.metric_rows(metrics) + [""]
    metadata_rows += card.per_class_rows(metrics, info["dataset"])
    metadata_rows += card.protocol_lines(metrics)
    warnings = [line for w in card.measured_warnings(metrics, info["dataset"]) for line in (w, "")]
    training = info["training"]
    lines = [
        f"{level} {info['name']}",
        "",
        f"![samples of {info['name']}]({image_prefix}{info['name']}/samples.png)",
        "",
        f"`{info['variant']}` on `{info['dataset']}`: {training['steps']:,} steps of "
        f"batch {training['batch_size']}, {minutes(info)} on {info['hardware']} "
        f"({info['backend']}), commit `{info['commit'][:10]}`. Card: "
        f"[{image_prefix}{info['name']}/README.md]({image_prefix}{info['name']}/README.md).",
        "",
        *warnings,
        *metadata_rows,
        "",
    ]
    return "\n".join(lines)


# Lucic et al. 2018, "Are GANs Created Equal?" (https://arxiv.org/abs/1711.10337),
# Table 2, Fashion-MNIST column: best FID, mean ± std (checked: /work/shared/REFERENCES.md).
# Quoted, not measured here; the entry it is set beside uses the same loss.
PUBLISHED = {
    "dcgan_fashion_mnist": ("NS GAN", "26.5 ± 1.6"),
    "lsgan_fashion_mnist": ("LSGAN", "30.7 ± 2.2"),
    "wgan_fashion_mnist": ("WGAN (clipping)", "21.5 ± 1.6"),
    "wgan_gp_fashion_mnist": ("WGAN-GP", "24.5 ± 2.1"),
}
PUBLISHED_PROTOCOL = (
    "10,000 generated vs the 10,000 test images, the same FID Inception graph "
    "(pool3, grayscale repeated to 3 channels, TF bilinear resize to 299), "
    "InfoGAN-style small networks trained 20 epochs, best FID of a large "
    "hyperparameter search, reported as mean ± std"
)


def measured_entries(infos):
    """The entries with Inception numbers, with their protocol records (or None)."""
    return [
        (info, (info["metrics"] or {}).get("protocol"))
        for info in infos
        if any(
            r["extractor"] == "inception"
            for r in (info["metrics"] or {}).get("results", [])
        )
    ]


def floor_table(measured):
    """The floors the entries were measured with, read from their metrics.json."""
    floors = {}
    for info, record in measured:
        if record:
            key = (info["dataset"], record["num_samples"], record["floor_pairing"])
            floors.setdefault(key, (record["floor"], []))[1].append(info["name"])
    lines = [
        "| dataset | N | real vs real | FID | KID | precision | recall | entries |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (dataset, n, pairing), (floor, names) in sorted(floors.items()):
        values = [f"{floor[m]:.4g}" for m in ("fid", "kid", "precision", "recall")]
        lines.append(
            f"| {dataset} | {n:,} | {pairing} | " + " | ".join(values)
            + f" | {len(names)} |"
        )
    return "\n".join(lines)


def published_table(infos):
    """Lucic et al.'s values beside ours, each with its protocol."""
    by_name = {info["name"]: info for info in infos}
    lines = [
        "| entry | ours: Inception FID | our protocol | floor at our N | "
        "Lucic et al. 2018, Table 2 | their protocol |",
        "|---|---|---|---|---|---|",
    ]
    for name, (model, value) in PUBLISHED.items():
        metrics = (by_name.get(name) or {}).get("metrics") or {}
        record = metrics.get("protocol")
        fid = next(
            (r["value"] for r in metrics.get("results", [])
             if r["name"] == "fid" and r["extractor"] == "inception"),
            None,
        )
        if fid is None or record is None:
            continue
        lines.append(
            f"| {name} | {fid:.3g} | {protocol.reference_text(record)} | "
            f"{record['floor']['fid']:.3g} | {model}: {value} | 10,000 vs 10,000 test |"
        )
    return "\n".join(lines)


def published_differences(infos):
    """How our protocol differs from Lucic et al.'s, for the entries in the table."""
    records = [
        record for info, record in measured_entries(infos)
        if record and info["name"] in PUBLISHED
    ]
    if records and all(record["standard"] for record in records):
        sample_size = "Ours use their N and reference (10,000 vs the 10,000 test images)"
    else:
        sample_size = (
            "Ours differ in N where the table says so (FID at a smaller N is biased "
            "upward, see the floor)"
        )
    return (
        f"{sample_size}; they differ in the networks (the zoo's, see each recipe) and "
        "in training (one recipe and one run each, not the best of a search), and "
        "slightly in the resize: the 2015 graph's own bilinear resize used TF1's "
        "legacy pixel alignment, ours half-pixel centres (FID +1.0 % with the legacy "
        "alignment at N=500, `scripts/resize_effect.py`, table above). The columns are "
        "therefore not a like-for-like comparison."
    )


def how_we_measure(infos):
    """The "how we measure" section of docs/zoo.md, from the entries' records."""
    measured = measured_entries(infos)
    sizes = sorted({record["num_samples"] for _, record in measured if record})
    standard = [info["name"] for info, record in measured if record and record["standard"]]
    on_train = [
        info["name"]
        for info, record in measured
        if record and record["reference_split"] != "test"
    ]
    missing = [info["name"] for info, record in measured if not record]
    text = [
        "**The standard protocol** (`scripts/evaluate.py --zoo NAME`, `--protocol "
        "standard`, the default) is Lucic et al. 2018's: Inception FID, KID, "
        "precision/recall (k = 3) and density/coverage (k = 5) of "
        f"{protocol.STANDARD_N:,} generated images (latent seed 1) against the "
        f"{protocol.STANDARD_N:,} test images, on the FID Inception graph (the TF "
        "graph of 2015-12-05 that TTUR, pytorch-fid and clean-fid use; pool3 "
        "features, `kerasgan.metrics.inception`; the weights' sha256 is on each "
        "card). Resize: "
        f"{protocol.RESIZE}. Samples of a model trained on padded images are cropped "
        "back to the dataset's size first.",
        "",
        "**The floor.** Two independent real sets do not score 0: FID is biased "
        "upward at small N. Every Inception number is shown beside the floor at the "
        "same N (N test against N train images; two disjoint halves of train for a "
        "dataset without a test split), computed once per dataset × N × extractor "
        "(`kerasgan.metrics.protocol.real_floor`, cached) and stored in the entry's "
        "`metrics.json` under `protocol` with N, the reference split, the resize "
        "filter and the extractor's sha256. Compare numbers only at the same N.",
        "",
        floor_table(measured),
        "",
        "**Conditional entries, per requested class.** Samples are drawn with the "
        "labels 0, 1, …, 0, 1, … in equal shares (seed 1; 1,000 per class at the "
        "domain N=10,000). For each class k the card's per-class table gives the "
        "share of the samples requested with k that the Fashion-MNIST classifier "
        "puts in k (`kerasgan.metrics.per_class_accuracy`) and their FID on that "
        "classifier's features against as many test images of class k (all 1,000 "
        "at N=10,000; `kerasgan.metrics.per_class_fid`), beside its floor: those "
        "test images against as many train images of class k "
        "(`protocol.real_floor(..., label=k)`, cached), and the classifier's own "
        "accuracy on those test images (`kerasgan.metrics.real_per_class_accuracy`): "
        "a class it confuses on real images (Fashion-MNIST's shirts, with tops and "
        "coats) is judged harshly on samples too. For the adversarial autoencoder "
        "the card adds the classifier's accuracy on its reconstructions of those test "
        "images (`kerasgan.metrics.reconstruction_per_class_accuracy`): low there "
        "too, its decoder cannot draw the class even from a real image's code. "
        "These replace \"classes "
        "covered\", which counts the classes predicted, not the ones requested; a "
        f"requested class below {card.CLASS_ACCURACY_WARNING:.0%} accuracy puts a "
        "warning on the card.",
        "",
        f"**Where the entries stand.** Measured at N = "
        f"{', '.join(f'{n:,}' for n in sizes) or '–'}; at the standard N="
        f"{protocol.STANDARD_N:,}: {', '.join(standard) or 'none yet'} (`--inception-n` "
        "sets a smaller N for CPU runs; the card then says so). Measured against "
        f"training images (no test split): {', '.join(on_train) or 'none'}."
        + (f" Without a protocol record yet: {', '.join(missing)}." if missing else ""),
        "",
        "**The resize filter** matters on 28 px images, which are enlarged ten times: "
        "the reference TF implementation and kerasgan resize bilinearly, clean-fid "
        "with PIL bicubic. How much it moves our numbers is measured, at a small N, "
        "by `scripts/resize_effect.py` (table below); FIDs computed with another "
        "filter (clean-fid's included) are not comparable with these.",
        "",
        "**Published values**, set beside ours only with the protocols. Theirs: "
        f"{PUBLISHED_PROTOCOL}. {published_differences(infos)}",
        "",
        published_table(infos),
    ]
    return "\n".join(text)


def main():
    for name in kerasgan.zoo.names():
        card.write_card(kerasgan.zoo.resolve(name))  # with this version's card layout
    infos = [kerasgan.zoo.info(name) for name in kerasgan.zoo.names()]
    text = (
        zoo_table(infos, "../zoo/")
        + "\n\n"
        + "\n".join(entry_section(info, "../zoo/") for info in infos)
    )
    replace_marked_section(DOCS / "zoo.md", "entries", text)
    replace_marked_section(DOCS / "zoo.md", "protocol", how_we_measure(infos))
    # An entry's metadata names its class ("DCGAN"); the registry its page.
    for variant in registry.variants():
        entries = [info for info in infos if info["variant"] == variant.cls.__name__]
        sections = "\n".join(entry_section(info, "../../zoo/", "###") for info in entries)
        replace_marked_section(
            ROOT / variant.doc, "zoo", sections or "No zoo entry yet."
        )
    print(f"wrote docs/zoo.md ({len(infos)} entries) and the variant pages")


if __name__ == "__main__":
    main()
