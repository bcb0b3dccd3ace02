"""Per-class collapse of a conditional zoo recipe, and what undoes it.

Trains a zoo recipe (`kerasgan.models.registry.recipes()`) once per row of CHANGES —
without MinibatchStdDev in D and with the usual EMA decay 0.999 (the recipe before
this study), with MinibatchStdDev, with MSGAN's mode-seeking term on G, with both,
with MinibatchStdDev and an EMA decay of 0.99 (the recipe now) — for a few epochs,
and reports for the EMA generator (what the zoo samples) and for the trained
generator itself: the class accuracy of 2,000 samples (labels 0, 1, ... in equal
shares, seed 1) judged by the domain classifier, the worst requested class, and the
within-class pixel diversity of 1,000 samples (17.4 for real Fashion-MNIST). A class
the trained G draws as one image while its EMA copy draws mush is a G that jumps
between single images of that class: the average of those generators draws none.

    KERAS_BACKEND=tensorflow python scripts/conditional_collapse_study.py \\
        --recipe conditional_gan_fashion_mnist --epochs 5 --write-doc

`--write-doc` puts the table in the variant's docs page (marked section
"collapse-study"), with the commit and this command.
"""

import argparse
import time

import keras
import numpy as np

import kerasgan
from kerasgan import training
from kerasgan.metrics import evaluation
from kerasgan.metrics import protocol
from kerasgan.models import registry
from kerasgan.utils.files import replace_marked_section
from evaluate import within_class_diversity
from train import ROOT
from train import git

RECIPES = registry.recipes()

#: What each row sets in the recipe: constructor options, compile arguments
#: (`techniques`) and the EMA decay; the rest is the zoo recipe.
CHANGES = {
    "neither (the recipe before)": {
        "options": {"minibatch_stddev": False}, "ema_decay": 0.999,
    },
    "MinibatchStdDev in D": {"options": {"minibatch_stddev": True}, "ema_decay": 0.999},
    "mode seeking on G": {
        "options": {"minibatch_stddev": False}, "ema_decay": 0.999,
        "techniques": {"regularizers": ["mode_seeking"]},
    },
    "both": {
        "options": {"minibatch_stddev": True}, "ema_decay": 0.999,
        "techniques": {"regularizers": ["mode_seeking"]},
    },
    "MinibatchStdDev in D, EMA decay 0.99": {
        "options": {"minibatch_stddev": True}, "ema_decay": 0.99,
    },
}
ACCURACY_SAMPLES = 2000
DIVERSITY_SAMPLES = 1000


def changed_recipe(name, change, epochs):
    recipe = dict(RECIPES[name], epochs=epochs)
    recipe["options"] = {**recipe.get("options", {}), **change.get("options", {})}
    recipe["techniques"] = {**(recipe.get("techniques") or {}), **change.get("techniques", {})}
    recipe.update({k: v for k, v in change.items() if k not in ("options", "techniques")})
    return recipe


def scores(gan, dataset):
    """Class accuracy, worst requested class and within-class diversity of `gan`."""
    domain = evaluation.default_extractor(dataset)
    per_class = [
        r.value for r in kerasgan.metrics.per_class_accuracy(
            gan, domain, ACCURACY_SAMPLES, seed=1
        )
    ]
    worst = int(np.argmin(per_class))
    names = protocol.class_names(dataset, gan.num_classes)
    diversity, _ = within_class_diversity(gan, dataset, DIVERSITY_SAMPLES)  # the cards'
    return {
        "accuracy": float(np.mean(per_class)),
        "worst": f"{worst} {names[worst]} {per_class[worst]:.3f}",
        "diversity": diversity.value,
    }


def study(name, change, epochs, out):
    recipe = changed_recipe(name, CHANGES[change], epochs)
    start = time.perf_counter()
    gan, _ = training.train_variant(out=out, verbose=2, every=epochs, overwrite=True,
                                    **recipe)
    minutes = (time.perf_counter() - start) / 60
    ema = scores(gan, recipe["dataset"])
    gan.ema_generator = None  # generate() now samples the trained G
    return ema, scores(gan, recipe["dataset"]), minutes


def table(rows):
    lines = [
        "| change | EMA G: class accuracy | EMA G: worst class | EMA G: within-class "
        "diversity | trained G: class accuracy | trained G: worst class | trained G: "
        "within-class diversity | minutes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for change, (ema, raw, minutes) in rows:
        lines.append(
            f"| {change} | {ema['accuracy']:.3f} | {ema['worst']} | {ema['diversity']:.1f} "
            f"| {raw['accuracy']:.3f} | {raw['worst']} | {raw['diversity']:.1f} "
            f"| {minutes:.1f} |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    conditional = [n for n, r in RECIPES.items() if registry.get(r["variant"]).conditional]
    parser.add_argument("--recipe", choices=conditional,
                        default="conditional_gan_fashion_mnist")
    parser.add_argument("--changes", nargs="+", choices=list(CHANGES), default=list(CHANGES))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args()
    rows = []
    for index, change in enumerate(args.changes):
        out = ROOT / "runs" / "collapse_study" / f"{args.recipe}-{index}"
        rows.append((change, study(args.recipe, change, args.epochs, out)))
        print("\n".join(table(rows)), flush=True)
    command = (
        f"KERAS_BACKEND={keras.backend.backend()} python "
        f"scripts/conditional_collapse_study.py --recipe {args.recipe} "
        f"--epochs {args.epochs}"
    )
    text = "\n".join(table(rows)) + (
        f"\n\n`{args.recipe}` trained {args.epochs} epochs per row (one seed, "
        f"{keras.backend.backend()}, one CPU core); class accuracy over "
        f"{ACCURACY_SAMPLES:,} samples and within-class pixel diversity over "
        f"{DIVERSITY_SAMPLES:,} (real Fashion-MNIST: 17.4), seed 1. Measured by "
        f"`{command}` at commit `{git('rev-parse', '--short=10', 'HEAD')}`."
    )
    if args.write_doc:
        page = ROOT / registry.get(RECIPES[args.recipe]["variant"]).doc
        replace_marked_section(page, "collapse-study", text)
        print(f"wrote {page}")


if __name__ == "__main__":
    main()
