"""Publishes zoo entries on the Hugging Face Hub, lean, and pins them in the hosted registry.

An entry is published in three steps, by a maintainer with a Hugging Face token:

    python scripts/publish_zoo.py lean dcgan_fashion_mnist        # build/zoo_dist/<name>/
    python scripts/publish_zoo.py upload dcgan_fashion_mnist      # hf://kerasgan/<name>
    python scripts/publish_zoo.py pin dcgan_fashion_mnist         # kerasgan/zoo/hosted.json

`lean` writes the entry's distribution preset (`kerasgan.zoo.save_lean_preset`): the
weights `generate` needs, float16 where the reference slice still matches to 1e-3
(measured), plus the full training state (G, D, EMA G) as the optional file
`model.weights.h5`, fetched only by `kerasgan.zoo.load(name, training=True)`.
`upload` sends that folder as the files of the model repository `<owner>/<name>`;
`pin` records its address and the sha256 of its metadata.json (which pins every
other file) in `kerasgan/zoo/hosted.json`, which the package ships. Once pinned, the
folder can leave the package. `sizes` measures, for every installed entry, today's
size against the lean download and whether float16 passes, and writes the table
into docs/zoo.md. docs/zoo.md ("Hosting") has the details.
"""

import argparse
import json
import pathlib
import sys
import tempfile

import keras
import numpy as np

from kerasgan.utils.files import atomic_path
from kerasgan.utils.files import replace_marked_section
from kerasgan.zoo import hosted
from kerasgan.zoo import lean
from kerasgan.zoo import preset as preset_lib
from kerasgan.zoo import registry

ROOT = pathlib.Path(__file__).resolve().parents[1]
DIST = ROOT / "build" / "zoo_dist"
DOC = ROOT / "docs" / "zoo.md"


def write_lean(names, owner, out):
    for name in names:
        folder = lean.save_lean_preset(name, out / name)
        weights = preset_lib.read_metadata(folder)["weights"]
        print(f"{name}: lean {weights['dtype']} preset in {folder}")


def distribution(name, out):
    folder = out / name
    if not (folder / preset_lib.METADATA).is_file():
        sys.exit(f"No lean preset of {name} in {out}: run `publish_zoo.py lean {name}` first.")
    preset_lib.verify_preset(folder)
    return folder


def upload(names, owner, out):
    import huggingface_hub

    api = huggingface_hub.HfApi()
    for name in names:
        repo_id = f"{owner}/{name}"
        api.create_repo(repo_id, exist_ok=True)
        api.upload_folder(repo_id=repo_id, folder_path=distribution(name, out))
        print(f"uploaded {name} to hf://{repo_id}")


def pin(names, owner, out):
    records = dict(hosted.entries())
    for name in names:
        records[name] = registry.hosted_record(
            name, f"hf://{owner}/{name}", folder=distribution(name, out))
        print(f"pinned {name}: {records[name]['url']} sha256 {records[name]['sha256']}")
    with atomic_path(hosted.REGISTRY) as tmp:
        tmp.write_text(json.dumps(dict(sorted(records.items())), indent=2) + "\n")


def megabytes(folder, names):
    return sum((folder / n).stat().st_size for n in names) / 2**20


def measure(name):
    """One row: today's folder against its lean download and training-state file."""
    today = registry.resolve(name)
    with tempfile.TemporaryDirectory() as scratch:
        folder = lean.save_lean_preset(name, pathlib.Path(scratch) / name)
        metadata = preset_lib.read_metadata(folder)
        weights = metadata["weights"]
        download = [*metadata["files"], preset_lib.METADATA]
        fp16 = weights["max_abs_difference"]["float16"]
        sizes_mb = [megabytes(today, [p.name for p in today.iterdir()]),
                    megabytes(today, [preset_lib.WEIGHTS]),
                    megabytes(folder, [lean.LEAN_WEIGHTS]),
                    megabytes(folder, download)]
        row = (
            f"| {name} | {sizes_mb[0]:.2f} | {sizes_mb[1]:.2f} | {sizes_mb[2]:.2f} "
            f"| {sizes_mb[3]:.2f} "
            f"| {'passes' if weights['dtype'] == 'float16' else 'fails'} "
            f"({'inf/nan' if fp16 is None else f'{fp16:.2g}'}) | {weights['dtype']} "
            f"| {megabytes(folder, [preset_lib.WEIGHTS]):.2f} |"
        )
        return row, np.array(sizes_mb)


def sizes(names, owner, out):
    from train import source_state

    commit, dirty = source_state()
    rows = [
        "| entry | today: folder (MB) | today: weights (MB) | lean weights (MB) "
        "| lean download (MB) | float16 check (max abs diff) | stored as "
        "| training state, optional (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    totals = np.zeros(4)
    for name in names:
        row, sizes_mb = measure(name)
        rows.append(row)
        totals += sizes_mb
        print(row, flush=True)
    passed = sum("| float16 |" in row for row in rows)
    text = "\n".join(rows + [
        f"| **total** | {totals[0]:.1f} | {totals[1]:.1f} | {totals[2]:.1f} | {totals[3]:.1f} "
        f"| {passed} of {len(names)} pass | | {totals[1]:.1f} |",
        "",
        f"{len(names)} entries. float16 passes when the lean "
        "model's reference slice (`generate(2, seed=0)`, every second pixel) is within "
        f"{lean.TOLERANCE:g} max abs of the full model's. Measured by "
        f"`KERAS_BACKEND={keras.backend.backend()} python scripts/publish_zoo.py sizes` "
        f"at commit `{commit[:10]}`{' (dirty tree)' if dirty else ''}.",
    ])
    replace_marked_section(DOC, "lean-sizes", text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["lean", "upload", "pin", "sizes"])
    parser.add_argument("names", nargs="*", help="installed zoo entries (sizes: default all)")
    parser.add_argument("--owner", default="kerasgan", help="Hugging Face user or org")
    parser.add_argument("--out", type=pathlib.Path, default=DIST,
                        help="folder of the lean distribution presets")
    args = parser.parse_args()
    names = args.names or (registry.installed_names() if args.action == "sizes" else [])
    if not names:
        sys.exit(f"Name the zoo entries to {args.action}.")
    unknown = sorted(set(names) - set(registry.installed_names()))
    if unknown:
        sys.exit(f"Not installed zoo entries: {', '.join(unknown)}.")
    actions = {"lean": write_lean, "upload": upload, "pin": pin, "sizes": sizes}
    actions[args.action](names, args.owner, args.out)


if __name__ == "__main__":
    main()
