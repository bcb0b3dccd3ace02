"""Within-class diversity of the conditional zoo recipes under each generator norm.

Trains a zoo recipe (`kerasgan.models.registry.recipes()`) once per `generator_norm`
— "none", "batch", "conditional_batch" — for a few epochs and prints, per run, the
within-class pixel diversity of 1,000 EMA samples (the cards' measure, next to the
real data's) and the class accuracy judged by the domain classifier. This is the
measurement behind the conditional variants' default `generator_norm="none"`:

    KERAS_BACKEND=tensorflow python scripts/conditional_norm_study.py \\
        --recipes conditional_gan_fashion_mnist acgan_fashion_mnist --epochs 3
"""

import argparse
import tempfile
import time

import keras

import kerasgan
from kerasgan import training
from kerasgan.metrics import evaluation
from kerasgan.models import registry

from conditional_collapse_study import changed_recipe
from evaluate import within_class_diversity

RECIPES = registry.recipes()

NORMS = ("none", "batch", "conditional_batch")


def study(name, norm, epochs, num_samples):
    recipe = changed_recipe(name, {"options": {"generator_norm": norm}}, epochs)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        gan, _ = training.train_variant(out=out, verbose=0, every=epochs, **recipe)
    seconds = time.perf_counter() - start
    diversity, real = within_class_diversity(gan, recipe["dataset"], num_samples)
    domain = evaluation.default_extractor(recipe["dataset"])
    accuracy = kerasgan.metrics.class_accuracy(gan, domain, num_samples, seed=1)
    return diversity.value, real.value, accuracy.value, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    conditional = [
        name
        for name, recipe in RECIPES.items()
        if registry.get(recipe["variant"]).conditional
    ]
    parser.add_argument("--recipes", nargs="+", choices=conditional, default=conditional)
    parser.add_argument("--norms", nargs="+", choices=NORMS, default=list(NORMS))
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--num-samples", type=int, default=1000)
    args = parser.parse_args()
    print(
        f"backend {keras.backend.backend()}, kerasgan {kerasgan.__version__}, "
        f"{args.epochs} epochs per run, {args.num_samples} EMA samples (seed 1)\n"
    )
    print(
        "| recipe | generator norm | within-class diversity (real) | class accuracy "
        "| s |"
    )
    print("|---|---|---|---|---|")
    for name in args.recipes:
        for norm in args.norms:
            diversity, real, accuracy, seconds = study(
                name, norm, args.epochs, args.num_samples
            )
            print(
                f"| {name} | {norm} | {diversity:.2f} ({real:.2f}) | {accuracy:.3f} "
                f"| {seconds:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
