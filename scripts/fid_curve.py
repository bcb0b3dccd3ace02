"""A zoo entry's FID over training: the table and plot of its variant's docs page.

Reads the FID that `scripts/train.py NAME --track-fid EVERY` measured into the run's
history.csv (10,000 samples of the EMA generator against the 10,000 test images, by
the dataset's domain classifier: cheap enough for every epoch, and not the Inception
FID of the cards), and writes it as a table and a plot:

    KERAS_BACKEND=tensorflow python scripts/train.py dcgan_fashion_mnist --track-fid 1
    KERAS_BACKEND=tensorflow python scripts/evaluate.py --zoo dcgan_fashion_mnist \\
        --protocol standard --inception-n 10000 --domain-n 10000
    python scripts/fid_curve.py dcgan_fashion_mnist
"""

import argparse
import json
import math
import pathlib

from kerasgan.callbacks.loss_plot import read_history_csv
from kerasgan.utils.files import replace_marked_section

ROOT = pathlib.Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images" / "variants"


def read_curve(run_dir):
    """`[(epoch, fid)]` from a run's history.csv; refused when it has no FID.

    With `--track-fid EVERY` above 1 the epochs in between have no FID (an empty or
    NaN cell): they are left out."""
    rows = read_history_csv(run_dir / "history.csv")
    curve = [(int(row["epoch"]), float(row["fid"])) for row in rows
             if row.get("fid") not in (None, "") and math.isfinite(float(row["fid"]))]
    if not curve:
        raise SystemExit(
            f"{run_dir / 'history.csv'} has no FID column: train the entry with "
            "`scripts/train.py NAME --track-fid 1`."
        )
    return curve


def check_same_run(metadata, run_dir):
    """The run folder must be the one that made the entry (same commit and epochs)."""
    arguments = json.loads((run_dir / "arguments.json").read_text())
    if arguments["epochs"] != metadata["training"]["epochs"]:
        raise SystemExit(
            f"{run_dir} trained {arguments['epochs']} epochs, the entry "
            f"{metadata['training']['epochs']}: not the run that made it."
        )


def plot(curve, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 3), dpi=100)
    axes.plot([e for e, _ in curve], [f for _, f in curve], marker="o", markersize=3)
    axes.set_xlabel("epoch")
    axes.set_ylabel("domain-classifier FID")
    axes.set_title(title, fontsize=9)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def every(curve):
    """The `--track-fid` interval: the epoch of the first measurement."""
    return curve[0][0]


def measured_epochs(curve):
    return "each epoch" if every(curve) == 1 else f"every {every(curve)} epochs"


def table(name, curve, metadata, images_per_epoch):
    best_epoch, best = min(curve, key=lambda point: point[1])
    rows = ["| epoch | images seen | domain FID ↓ |", "|---|---|---|"]
    rows += [f"| {epoch} | {epoch * images_per_epoch:,} | {fid:.2f}"
             f"{' (lowest)' if epoch == best_epoch else ''} |" for epoch, fid in curve]
    return "\n".join(rows + [
        "",
        f"![FID over training of {name}](../images/variants/{name}_fid_curve.png)",
        "",
        f"FID of 10,000 samples (EMA generator, seed 0) against the 10,000 test "
        f"images, by the {metadata['dataset']} domain classifier's features, measured "
        f"after {measured_epochs(curve)} of the run that made the entry "
        f"(`scripts/train.py {name} --track-fid {every(curve)}` at commit "
        f"`{metadata['commit'][:10]}`, "
        f"{metadata['backend']}); `python scripts/fid_curve.py {name}` writes this "
        f"table. Lowest at epoch {best_epoch} ({best:.2f}); the entry is the last "
        f"epoch's weights ({curve[-1][1]:.2f}).",
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a zoo entry trained with --track-fid")
    parser.add_argument("--run", help="its run folder (default runs/zoo/NAME)")
    parser.add_argument("--doc", help="the page (default docs/variants/<variant>.md)")
    args = parser.parse_args(argv)
    entry = ROOT / "zoo" / args.name
    metadata = json.loads((entry / "metadata.json").read_text())
    run_dir = pathlib.Path(args.run or ROOT / "runs" / "zoo" / args.name)
    check_same_run(metadata, run_dir)
    curve = read_curve(run_dir)
    training = metadata["training"]
    images_per_epoch = training["steps"] // training["epochs"] * training["batch_size"]
    plot(curve, IMAGES / f"{args.name}_fid_curve.png", args.name)
    doc = pathlib.Path(args.doc or ROOT / "docs" / "variants"
                       / f"{metadata['recipe']['variant']}.md")
    text = table(args.name, curve, metadata, images_per_epoch)
    replace_marked_section(doc, f"fid-curve-{args.name}", text)
    print(text)


if __name__ == "__main__":
    main()
