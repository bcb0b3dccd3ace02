"""Short SRResNet recipe search on 'photos-sr4': recipe → held-out PSNR.

Each recipe pre-trains SRGAN's generator alone (`stage="pretrain"`: an SRResNet of
8 residual blocks of 32 filters unless the recipe says otherwise, ×4, batch 16 of
64×64 patches) for the same few steps, then scores it on the 3 held-out
photographs with the SR papers' protocol (`scripts/sr_table.py`: PSNR on the
BT.601 luma, 4-pixel borders cropped) beside bicubic. Recipes add, one at a time,
the SR literature's levers: a decaying learning rate, the L1 loss (EDSR), the
bicubic global skip (VDSR), no batch norm (EDSR). Each recipe's result is kept in
runs/sr_recipe_search/<recipe>.json (with the commit), so recipes can be run one
at a time; the table of every kept result goes into docs/variants/srgan.md.

    KERAS_BACKEND=tensorflow python scripts/sr_recipe_search.py [--steps 1200] [RECIPE ...]
"""

import argparse
import json
import pathlib
import time

import keras

import kerasgan
from kerasgan.data import pipeline
from kerasgan.data import registry
from kerasgan.data import super_resolution
from kerasgan.utils.files import marked_table_rows
from kerasgan.utils.files import replace_marked_section
from sr_table import scores
from train import git

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "variants" / "srgan.md"
RESULTS = ROOT / "runs" / "sr_recipe_search"
DATASET = "photos-sr4"
NETWORKS = dict(residual_blocks=8, g_filters=32, d_filters=16)
BATCH = 16
# Cumulative: each recipe is the one above it plus one change.
RECIPES = {
    "zoo (paper's SRResNet, Adam 1e-3)": dict(),
    "+ cosine decay": dict(cosine=True),
    "+ L1 loss": dict(cosine=True, pixel_loss="l1"),
    "+ bicubic skip": dict(cosine=True, pixel_loss="l1", g_bicubic_skip=True),
    "+ no batch norm": dict(cosine=True, pixel_loss="l1", g_bicubic_skip=True,
                            g_batch_norm=False),
}
# Rows measured before the bicubic skip's last convolution started at zero (its
# N(0, 0.02) start added image-sized noise the short runs only learned to cancel).
RANDOM_START = ("+ bicubic skip", "+ no batch norm")
# After it (commit recorded in each row): the skip on the zoo recipe, then MSE.
RECIPES.update({
    "bicubic skip (zero start), MSE, constant lr": dict(g_bicubic_skip=True),
    "bicubic skip (zero start), MSE, cosine": dict(g_bicubic_skip=True, cosine=True),
})

# The data levers (marker "sr-search-data"), cumulative from the zero-start skip with
# MSE at a constant lr (the first table's last row: no augmentation, 4 photographs);
# `data` holds `open_photos_split` arguments.
_SKIP = dict(g_bicubic_skip=True)
_FOUR = dict(train_photos=super_resolution.FIRST_TRAIN_PHOTOS)
DATA_RECIPES = {
    "zero-start skip + 8 flips/quarter turns (4 photographs)": dict(_SKIP, data=_FOUR),
    "+ 6 more photographs (the dataset's default)": dict(_SKIP),
    "+ blocks without batch norm (EDSR)": dict(_SKIP, g_batch_norm=False),
    "+ cosine decay to 0": dict(_SKIP, g_batch_norm=False, cosine=True),
    "+ L1 pixel loss (EDSR)": dict(_SKIP, g_batch_norm=False, cosine=True,
                                   pixel_loss="l1"),
}
# The capacity lever (marker "sr-search-capacity"), on the zoo recipe (the second
# table's "+ cosine decay to 0" row: zero-start skip, no batch norm, cosine, MSE):
# deeper networks. Depth is the cheap lever here: the sub-pixel upsampling and the
# 9×9 output convolution, whose cost grows with the filters and not the blocks, do
# about half of the 8-block network's work.
_ZOO = dict(_SKIP, g_batch_norm=False, cosine=True)
CAPACITY_RECIPES = {
    "16 blocks × 32 filters": dict(_ZOO, residual_blocks=16),
    "32 blocks × 32 filters": dict(_ZOO, residual_blocks=32),
}
# The context lever (marker "sr-search-patches"), on the zoo recipe (24 blocks): a
# 16×16 low-res patch is far smaller than the network's receptive field (the 9×9
# input convolution and 48 3×3 ones see ±52 low-res pixels), so most training outputs
# see zero padding that the held-out photographs (75×112 low-res) mostly do not.
# Larger patches at the same pixels per batch (fewer of them), then at more.
_ZOO24 = dict(_ZOO, residual_blocks=24)
PATCH_RECIPES = {
    "24 blocks, 64×64 patches, batch 16 (the zoo's)": dict(_ZOO24),
    "96×96 patches, batch 8": dict(_ZOO24, patch=96, batch=8),
    "128×128 patches, batch 4": dict(_ZOO24, patch=128, batch=4),
    "128×128 patches, batch 16": dict(_ZOO24, patch=128, batch=16),
}
# The last levers (marker "sr-search-last"), one at a time on the zoo recipe: an 11th
# training photograph (matplotlib's portrait), a higher learning rate, and another
# seed of the zoo recipe itself, to show how far one seed's rows can be trusted.
LAST_RECIPES = {
    "+ matplotlib's portrait (11 photographs)": dict(_ZOO24, data=dict(
        train_photos=super_resolution.TRAIN_PHOTOS + ("grace_hopper",))),
    "lr 2e-3": dict(_ZOO24, lr=2e-3),
    "the zoo's recipe, seed 1": dict(_ZOO24, seed=1),
}
# The scale lever (marker "sr-search-scales"), on the zoo recipe: each training
# photograph also shrunk (antialiased bicubic) before the ×4 pairs are cut. Natural
# images look alike across scales (ZSSR learns from an image's own shrunk copies), and
# the held-out photographs are small ones, whose detail is dense, as a shrunk
# photograph's is.
SCALE_RECIPES = {
    "+ each photograph also at 0.75 and 0.5 size": dict(_ZOO24, data=dict(
        scales=(1, 0.75, 0.5))),
    "+ each photograph also at 0.8, 0.6 and 0.4 size": dict(_ZOO24, data=dict(
        scales=(1, 0.8, 0.6, 0.4))),
}
# The width lever (marker "sr-search-width"): the capacity rows made the network
# deeper at 32 filters; this is the paper's own size, 16 blocks of 64 filters.
WIDTH_RECIPES = {
    "16 blocks x 64 filters (the paper's)": dict(_ZOO, residual_blocks=16, g_filters=64),
}
# The colour lever (marker "sr-search-colour"), on the zoo recipe: each training patch
# also in the 6 orders of its RGB channels. PSNR scores the luma, 0.299 R + 0.587 G +
# 0.114 B, which differs with the order: 6 textures from each colour photograph, for
# a network whose data, not its size or its steps, is what the search ran out of.
COLOUR_RECIPES = {
    "+ 6 channel orders of each patch": dict(_ZOO24, data=dict(colour_orders=True)),
}
# The data levers at full length (marker "sr-search-full"): at 800 steps a run sees a
# twentieth of the patches, so no data lever could show (the colour row's text), while
# the zoo entry gains +2.8 dB over bicubic on its training photographs and +1.45 on
# the held-out ones: it has learnt its photographs' content better than photographs
# in general. These rows train as long as the entry (`steps`: 10 epochs of 500), the
# zoo's recipe beside the same with every data lever of the search at once.
_FULL = dict(_ZOO24, steps=5000)
FULL_RECIPES = {
    "the zoo's recipe, 5,000 steps": dict(_FULL),
    # The same options the dataset's train split now has (they were measured here first).
    "+ portrait, 0.75 and 0.5 sizes, 6 channel orders, 5,000 steps": dict(
        _FULL, data=super_resolution.DATASET_OPTIONS),
}
TABLES = {"sr-search": RECIPES, "sr-search-data": DATA_RECIPES,
          "sr-search-capacity": CAPACITY_RECIPES, "sr-search-patches": PATCH_RECIPES,
          "sr-search-last": LAST_RECIPES, "sr-search-scales": SCALE_RECIPES,
          "sr-search-width": WIDTH_RECIPES, "sr-search-colour": COLOUR_RECIPES,
          "sr-search-full": FULL_RECIPES}
ALL_RECIPES = {**RECIPES, **DATA_RECIPES, **CAPACITY_RECIPES, **PATCH_RECIPES,
               **LAST_RECIPES, **SCALE_RECIPES, **WIDTH_RECIPES, **COLOUR_RECIPES, **FULL_RECIPES}
# Recipe keys that set the data, the schedule or the seed, not the network; a
# recipe's `steps` replace `--steps`.
NOT_NETWORK = ("cosine", "data", "patch", "batch", "lr", "seed", "steps")


# What each table's rows share, for its footer (by marker; default: the first tables').
NETWORK_SIZE = {"sr-search-capacity": "the size in each row",
                "sr-search-patches": "24 blocks × 32 filters",
                "sr-search-last": "24 blocks × 32 filters",
                "sr-search-scales": "24 blocks × 32 filters",
                "sr-search-width": "the size in each row",
                "sr-search-colour": "24 blocks × 32 filters",
                "sr-search-full": "24 blocks × 32 filters"}
PATCHES = {"sr-search-patches": "the batch of patches in each row"}
CUMULATIVE = ("sr-search", "sr-search-data")


def slug(label):
    return "".join(c if c.isalnum() else "_" for c in label).strip("_")


def train(recipe, steps, lr, seed=0):
    """The recipe's SRResNet after `steps` batches (the recipe's own `steps`, `lr` and
    `seed` replace the arguments)."""
    steps, lr, seed = recipe.get("steps", steps), recipe.get("lr", lr), recipe.get("seed", seed)
    keras.utils.set_random_seed(seed)
    options = {k: v for k, v in recipe.items() if k not in NOT_NETWORK}
    networks = {**NETWORKS, **options}  # a recipe may change the network's size
    patch = recipe.get("patch")
    data = training_data(recipe.get("data", {}), seed, recipe.get("batch", BATCH),
                         (patch, patch) if patch else None).repeat()
    low, high = next(iter(data))
    model = kerasgan.models.SRGAN.for_data_shapes(
        (tuple(low.shape[1:]), tuple(high.shape[1:])), stage="pretrain", seed=seed,
        **networks)
    rate = keras.optimizers.schedules.CosineDecay(lr, steps) if recipe.get("cosine") else lr
    model.compile(optimizers={"g": keras.optimizers.Adam(rate, beta_1=0.9)})
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
    return model


def training_data(arguments, seed, batch_size=BATCH, patch_size=None):
    """`kerasgan.data.load(DATASET)`'s shuffled batches, with `open_photos_split`
    arguments (augmentation, photographs) other than the dataset's defaults and
    high-res patches of `patch_size` (None: the dataset's 64×64)."""
    request = registry.Request("train", patch_size, None, True, seed, None, None, None)
    split = super_resolution.open_photos_split(request, **arguments)
    return pipeline.make_dataset(split, batch_size, True, seed, drop_remainder=True)


def run(label, steps, lr):
    low_res, high_res = kerasgan.data.load_numpy(DATASET, split="test")
    scale = high_res.shape[1] // low_res.shape[1]
    # The commit that trains the row, read before training: one made during a run
    # must not be recorded as the row's.
    commit = git("rev-parse", "--short=10", "HEAD")
    start = time.perf_counter()
    model = train(ALL_RECIPES[label], steps, lr)
    minutes = (time.perf_counter() - start) / 60
    result = {
        "recipe": label, "steps": ALL_RECIPES[label].get("steps", steps),
        "lr": ALL_RECIPES[label].get("lr", lr),
        "minutes": minutes,
        "commit": commit,
        "backend": keras.backend.backend(),
        **scores(model.upscale(low_res), high_res, scale),
        "bicubic PSNR (dB)": scores(kerasgan.metrics.bicubic_upscale(low_res, scale),
                                    high_res, scale)["PSNR (dB)"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{slug(label)}.json").write_text(json.dumps(result, indent=1))
    print(result, flush=True)


def row_label(recipes, label):
    """A recipe's label as its table row shows it."""
    if recipes is RECIPES and label in RANDOM_START:
        return f"{label} (random start)"
    return label


def kept_labels(marker):
    """Row labels of `marker`'s recipes whose result runs/ keeps."""
    recipes = TABLES[marker]
    return {row_label(recipes, label) for label in recipes
            if (RESULTS / f"{slug(label)}.json").exists()}


def page_labels(marker):
    """Row labels of the page's `marker` table."""
    return {cells[0] for cells in marked_table_rows(DOC, marker)}


def table(marker):
    recipes = TABLES[marker]
    kind = "recipe (cumulative)" if marker in CUMULATIVE else "recipe"
    rows = [f"| {kind} | steps | PSNR (dB) ↑ | over bicubic | SSIM ↑ | "
            "sharpness | minutes | commit |", "|---|---|---|---|---|---|---|---|"]
    r = None
    for label in recipes:
        path = RESULTS / f"{slug(label)}.json"
        if not path.exists():
            continue
        r = json.loads(path.read_text())
        gain = r["PSNR (dB)"] - r["bicubic PSNR (dB)"]
        label = row_label(recipes, label)
        rows.append(f"| {label} | {r['steps']:,} | {r['PSNR (dB)']:.2f} | {gain:+.2f} | "
                    f"{r['SSIM']:.4f} | {r['sharpness']:.3f} | {r['minutes']:.1f} | "
                    f"`{r['commit']}` |")
    if r is None:
        return None
    own_steps = all("steps" in recipe for recipe in recipes.values())
    steps_option, steps_note = ("", ", each row for the steps it names") if own_steps else (
        f" --steps {r['steps']}", "")
    return "\n".join(rows + [
        "",
        f"Bicubic: {r['bicubic PSNR (dB)']:.2f} dB. SRResNet of "
        f"{NETWORK_SIZE.get(marker, '8 blocks × 32 filters')}, "
        f"{PATCHES.get(marker, f'batch {BATCH} of 64×64 patches')}, Adam(β1 = 0.9) "
        f"from lr {r['lr']:g} and seed 0 unless the row says otherwise, "
        f"one CPU core ({r['backend']}); scored on the 3 held-out photographs (Y "
        f"channel, 4-pixel borders cropped). Measured by `KERAS_BACKEND={r['backend']} "
        f"python scripts/sr_recipe_search.py{steps_option}`{steps_note}.",
    ])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipes", nargs="*", help="slugs of the recipes to run "
                        f"(default all): {[slug(k) for k in ALL_RECIPES]}")
    parser.add_argument("--steps", type=int, default=1200)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args()
    chosen = [k for k in ALL_RECIPES if not args.recipes or slug(k) in args.recipes]
    if args.recipes and len(chosen) != len(args.recipes):
        parser.error(f"unknown recipe in {args.recipes}; known: "
                     f"{[slug(k) for k in ALL_RECIPES]}")
    if not args.table_only:
        for label in chosen:
            run(label, args.steps, args.lr)
    texts = {marker: table(marker) for marker in TABLES}
    texts = {marker: text for marker, text in texts.items() if text is not None}
    # runs/ is not in git: a checkout that keeps some of a table's rows would drop
    # the others, measured rows, from the page. Refuse before writing anything.
    dropped = {marker: sorted(page_labels(marker) - kept_labels(marker))
               for marker in texts}
    dropped = {marker: labels for marker, labels in dropped.items() if labels}
    if dropped:
        parser.error(f"{DOC} lists rows that are not kept in {RESULTS}: {dropped}; run "
                     "them again (or restore their JSON) first (the page is left as it is)")
    for marker, text in texts.items():
        replace_marked_section(DOC, marker, text)
        print(text)


if __name__ == "__main__":
    main()
