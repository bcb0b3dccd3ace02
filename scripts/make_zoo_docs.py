"""Writes docs/zoo.md, the "Pretrained" section of each variant page and the entries'
cards (README.md) from the zoo.

Everything comes from the entries' files (metadata.json, metrics.json, samples.png),
which scripts/train.py and scripts/evaluate.py wrote; nothing is typed in.

Usage:
    python scripts/make_zoo_docs.py
"""

import pathlib

import kerasgan
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
    ("modes_covered", "toy", "modes covered"),
    ("high_quality", "toy", "high quality"),
]


def kind(extractor):
    if extractor == "inception":
        return "inception"
    return "toy" if extractor.endswith("components") else "domain"


def headline(info):
    results = (info["metrics"] or {}).get("results", [])
    cells = {}
    for name, extractor_kind, label in HEADLINE:
        for result in results:
            if result["name"] == name and kind(result["extractor"]) == extractor_kind:
                value = result["value"]
                text = f"{value:.0f}" if name == "modes_covered" else f"{value:.3g}"
                cells[label] = f"{text} (N={result['num_fake']})"
    return cells


def minutes(info):
    return f"{info['training']['seconds'] / 60:.1f} min"


def zoo_table(infos):
    labels = [label for *_, label in HEADLINE]
    header = ["entry", "variant", "dataset", "steps", "training"] + labels
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for info in infos:
        cells = headline(info)
        row = [
            f"[{info['name']}](#{info['name']})",
            info["variant"],
            info["dataset"],
            str(info["training"]["steps"]),
            minutes(info),
        ] + [cells.get(label, "–") for label in labels]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def entry_section(info, image_prefix, level="##"):
    metadata_rows = card.metric_rows(info["metrics"] or {})
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
        *metadata_rows,
        "",
    ]
    return "\n".join(lines)


def main():
    for name in kerasgan.zoo.names():
        card.write_card(kerasgan.zoo.resolve(name))  # with this version's card layout
    infos = [kerasgan.zoo.info(name) for name in kerasgan.zoo.names()]
    text = (
        zoo_table(infos)
        + "\n\n"
        + "\n".join(entry_section(info, "../zoo/") for info in infos)
    )
    replace_marked_section(DOCS / "zoo.md", "entries", text)
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
