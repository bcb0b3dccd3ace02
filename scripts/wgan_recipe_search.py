"""Short recipe search for a Wasserstein zoo entry: recipe change → domain FID.

Trains the zoo recipe (`kerasgan.models.registry.recipes()`, `wgan_fashion_mnist`
unless `--recipe` says otherwise) for a few epochs once per row of CHANGES, each row
the recipe plus one change, and scores the trained model (its EMA generator, what
the zoo samples) by the domain classifier's FID and KID over 10,000 samples against
the test split, and the class distribution of its samples (KL to uniform). The
domain FID is the cheap score that picks the recipe worth a full run and a full
evaluation: it orders the unconditional Fashion-MNIST entries much as their
Inception FID at N=10,000 does (docs/zoo.md's entries table shows both, from the
cards; docs/variants/wgan.md names the pairs it swaps). The changes are the
levers of Lucic et al. 2018's search: Adam (their optimizer for every model, here
with β2 = 0.999) at their learning rates instead of each paper's optimizer, the
critic's width, and for WGAN the clipping value and the batch norm of the WGAN
paper's own (DCGAN) critic, for WGAN-GP the penalty weight λ.

Each row's result is kept in runs/wgan_recipe_search/<recipe>/<change>.json with the
commit, so rows can be run one at a time; `--write-doc` puts the table of every kept
row into the variant's docs page (marked section "recipe-search").

    KERAS_BACKEND=tensorflow python scripts/wgan_recipe_search.py --epochs 3 [CHANGE ...]
    python scripts/wgan_recipe_search.py --table-only --write-doc
"""

import argparse
import json
import time

import keras

from kerasgan import training
from kerasgan.metrics import evaluation
from kerasgan.models import registry
from kerasgan.utils.files import marked_table_rows
from kerasgan.utils.files import replace_marked_section
from kerasgan.utils.files import write_json
from evaluate import evaluate
from train import ROOT
from train import git

RECIPES = registry.recipes()
NUM_SAMPLES = 10000

#: What each row sets in the recipe: train_variant arguments, with `options`
#: (constructor arguments) merged into the recipe's own.
CHANGES = {
    "zoo": {},
    "adam-1e-4": {"g_lr": 1e-4, "d_lr": 1e-4, "beta1": 0.5},
    "adam-2e-4": {"g_lr": 2e-4, "d_lr": 2e-4, "beta1": 0.5},
    "critic-64": {"options": {"d_filters": 64}},
    "clip-0.05": {"options": {"clip_value": 0.05}},
    "clip-0.1": {"options": {"clip_value": 0.1}},
    "critic-bn": {"options": {"critic_batch_norm": True}},
    "gp-1": {"techniques": {"penalty_weight": 1.0}},
    # Pairs of the best single changes (each variant's two best rows).
    "critic-64-clip-0.05": {"options": {"d_filters": 64, "clip_value": 0.05}},
    "critic-64-adam-2e-4": {"g_lr": 2e-4, "d_lr": 2e-4, "beta1": 0.5,
                            "options": {"d_filters": 64}},
}
DESCRIPTIONS = {
    "zoo": "none (the zoo recipe at the row's commit)",
    "adam-1e-4": "Adam 1e-4, β1 0.5 (both networks)",
    "adam-2e-4": "Adam 2e-4, β1 0.5 (both networks)",
    "critic-64": "critic of 64 filters",
    "clip-0.05": "c = 0.05",
    "clip-0.1": "c = 0.1",
    "critic-bn": "batch norm in the critic (the paper's DCGAN critic)",
    "gp-1": "penalty weight λ = 1 (the paper's is 10)",
    "critic-64-clip-0.05": "critic of 64 filters and c = 0.05",
    "critic-64-adam-2e-4": "critic of 64 filters and Adam 2e-4, β1 0.5",
}
#: The docs page's marked section each row's table goes into: the pairs have their
#: own, so that a machine holding only them (runs/ is not in git) can write them.
SECTIONS = {"critic-64-clip-0.05": "recipe-search-pairs",
            "critic-64-adam-2e-4": "recipe-search-pairs"}


def section(change):
    return SECTIONS.get(change, "recipe-search")


#: Arguments only one variant has: WGAN clips its critic (and has the batch-norm
#: option of the paper's clipped critic); only WGAN-GP has a penalty to weigh.
OWNER = {"clip_value": "wgan", "critic_batch_norm": "wgan", "penalty_weight": "wgan_gp"}


def applies(change, variant):
    """Whether `change` makes sense for `variant`: it sets no other variant's argument."""
    keys = {**CHANGES[change].get("options", {}), **CHANGES[change].get("techniques", {})}
    return all(OWNER.get(key, variant) == variant for key in keys)


def changed_recipe(name, change, epochs):
    recipe = dict(RECIPES[name], epochs=epochs)
    merged = ("options", "techniques")  # dicts the change adds to, not replaces
    for key in merged:
        if key in recipe or key in change:
            recipe[key] = {**recipe.get(key, {}), **change.get(key, {})}
    recipe.update({k: v for k, v in change.items() if k not in merged})
    return recipe


def results_folder(name):
    return ROOT / "runs" / "wgan_recipe_search" / name


def search_row(name, change, epochs):
    """Trains one row, scores it, and keeps the result as JSON."""
    recipe = changed_recipe(name, CHANGES[change], epochs)
    folder = results_folder(name)
    out = folder / f"{change}-{epochs}ep"
    # Read before training: a commit made during the run is not the row's.
    commit = git("rev-parse", "--short=10", "HEAD")
    start = time.perf_counter()
    gan, _ = training.train_variant(out=out, verbose=2, every=epochs, overwrite=True,
                                    **recipe)
    minutes = (time.perf_counter() - start) / 60
    dataset = recipe["dataset"]
    scores = {
        r.name: r.value
        for r in evaluate(gan, dataset, NUM_SAMPLES, evaluation.default_extractor(dataset))
    }
    row = {
        "change": change,
        "epochs": epochs,
        "fid": scores["fid"],
        "kid": scores["kid"],
        "kl_to_uniform": scores["kl_to_uniform"],
        "minutes": minutes,
        "backend": keras.backend.backend(),
        "commit": commit,
    }
    write_json(folder / f"{change}-{epochs}ep.json", row)
    return row


def kept_rows(name):
    rows = [json.loads(p.read_text()) for p in sorted(results_folder(name).glob("*.json"))]
    order = list(CHANGES)
    return sorted((r for r in rows if r["change"] in CHANGES),
                  key=lambda r: (r["epochs"], order.index(r["change"])))


def table(name, rows):
    lines = [
        f"| change to `{name}` | epochs | domain FID | domain KID | class KL to uniform "
        "| minutes | commit |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {DESCRIPTIONS[r['change']]} | {r['epochs']} | {r['fid']:.2f} | {r['kid']:.4f} "
            f"| {r['kl_to_uniform']:.3f} | {r['minutes']:.1f} | `{r['commit']}` |"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    wasserstein = [n for n, r in RECIPES.items() if r["variant"] in ("wgan", "wgan_gp")]
    parser.add_argument("changes", nargs="*", metavar="CHANGE",
                        help=f"rows to run, of {', '.join(CHANGES)} (default: all)")
    parser.add_argument("--recipe", choices=wasserstein, default="wgan_fashion_mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--write-doc", action="store_true")
    parser.add_argument("--table-only", action="store_true",
                        help="train nothing: show (and with --write-doc write) the "
                             "table of the rows already kept")
    args = parser.parse_args()
    unknown = sorted(set(args.changes) - set(CHANGES))
    if unknown:
        parser.error(f"unknown change(s) {unknown}; choose from {list(CHANGES)}")
    variant = RECIPES[args.recipe]["variant"]
    inapplicable = [c for c in args.changes if not applies(c, variant)]
    if inapplicable:
        parser.error(f"{inapplicable} change what a {variant!r} recipe does not have "
                     f"(only 'wgan' clips its critic, only 'wgan_gp' has a gradient "
                     f"penalty); {args.recipe} is a {variant!r} recipe")
    to_run = [] if args.table_only else args.changes or [
        c for c in CHANGES if applies(c, variant)
    ]
    for change in to_run:
        row = search_row(args.recipe, change, args.epochs)
        print(json.dumps(row), flush=True)
    rows = kept_rows(args.recipe)
    tables = {name: table(args.recipe, [r for r in rows if section(r["change"]) == name])
              for name in dict.fromkeys(section(r["change"]) for r in rows)}
    for lines in tables.values():
        print("\n".join(lines))
    if args.write_doc:
        write_doc(parser, args.recipe, rows, tables)


def write_doc(parser, name, rows, tables):
    """Writes each kept section's table into the variant's page, or refuses, leaving
    the page as it is, when the page lists a row that is not kept: rows live in runs/
    (not in git), and a fresh checkout would otherwise drop measured rows."""
    if not rows:
        parser.error(f"no rows of {name} are kept in {results_folder(name)}; "
                     "run some before --write-doc (the page's table is left as it is)")
    page = ROOT / registry.get(RECIPES[name]["variant"]).doc
    kept = {(DESCRIPTIONS[r["change"]], str(r["epochs"])) for r in rows}
    dropped = sorted(set().union(*(page_rows(page, s) for s in tables)) - kept)
    if dropped:
        parser.error(f"{page} lists rows that are not kept in {results_folder(name)}: "
                     f"{dropped}; run them again (or restore their JSON) before "
                     "--write-doc (the page is left as it is)")
    footer = (
        f"\n\nEach row: `{name}` with the change shown, trained for the epochs shown "
        f"(937 generator steps each, every critic step on its own batch; one seed, "
        f"one CPU core), scored on {NUM_SAMPLES:,} EMA samples (seed 1) against the "
        f"test split by the domain classifier. Measured by `KERAS_BACKEND=<backend> "
        f"python scripts/wgan_recipe_search.py --recipe {name} --epochs N "
        f"CHANGE` at the commit shown."
    )
    for marker, lines in tables.items():
        replace_marked_section(page, marker, "\n".join(lines) + footer)
    print(f"wrote {page}")


def page_rows(page, marker):
    """`(change description, epochs)` of each row of the page's `marker` table."""
    return {(cells[0], cells[1]) for cells in marked_table_rows(page, marker)}

if __name__ == "__main__":
    main()
