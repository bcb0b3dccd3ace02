"""A zoo entry's model card (`README.md`), generated from the entry's own files.

Nothing on a card is typed in: the variant and sizes come from `metadata.json`,
the numbers from `metrics.json` (written by `scripts/evaluate.py`), the picture is
`samples.png`, the commands are the ones that made the entry.
"""

import inspect
import pathlib

from kerasgan import models
from kerasgan.engine.protocols import DataToData
from kerasgan.utils.files import atomic_path
from kerasgan.zoo import preset as preset_lib


def paper_link(variant):
    """The "Paper:" link of a variant's docstring, if it has one."""
    model_class = getattr(models, variant, None)
    for line in inspect.getdoc(model_class).splitlines() if model_class else []:
        if line.strip().startswith("Paper:"):
            return line.split("Paper:", 1)[1].strip()
    return None


def metric_rows(metrics):
    rows = [
        "| metric | value | extractor | N real | N generated |",
        "|---|---|---|---|---|",
    ]
    for result in metrics.get("results", []):
        value = f"{result['value']:.4g}"
        if result.get("std") is not None:
            value += f" ± {result['std']:.2g}"
        rows.append(
            f"| {result['name']} | {value} | {result['extractor']} | "
            f"{result['num_real']} | {result['num_fake']} |"
        )
    return rows


def measured_warnings(metrics):
    """Warnings the measurements call for (not typed in: derived from metrics.json)."""
    values = {r["name"]: r["value"] for r in (metrics or {}).get("results", [])}
    fake = values.get("within_class_diversity")
    real = values.get("real_within_class_diversity")
    if fake is not None and real and fake < 0.5 * real:
        return [
            f"**Low diversity within classes**: {fake:.3g} against {real:.3g} for real "
            "images (mean pairwise pixel distance within a class); many latents give "
            "the same image for a label."
        ]
    return []


def _training_rows(metadata):
    training = metadata.get("training", {})
    rows = ["| | |", "|---|---|"]
    fields = [
        ("dataset", metadata.get("dataset")),
        ("steps", training.get("steps")),
        ("batch size", training.get("batch_size")),
        (
            "training time",
            f"{training['seconds'] / 60:.1f} min" if "seconds" in training else None,
        ),
        ("backend", metadata.get("backend")),
        ("hardware", metadata.get("hardware")),
        ("commit", metadata.get("commit")),
        (
            "kerasgan / Keras",
            f"{metadata.get('kerasgan_version')} / {metadata.get('keras_version')}",
        ),
        ("date", metadata.get("date")),
    ]
    for name, count in metadata.get("parameters", {}).items():
        fields.append((f"{name.replace('_', ' ')} parameters", f"{count:,}"))
    rows += [f"| {name} | {value} |" for name, value in fields if value is not None]
    return rows


def card_text(directory):
    """The card's markdown for the preset in `directory`."""
    directory = pathlib.Path(directory)
    metadata = preset_lib.read_json(directory / preset_lib.METADATA)
    metrics_path = directory / "metrics.json"
    metrics = preset_lib.read_json(metrics_path) if metrics_path.exists() else None
    name, variant = directory.name, metadata["variant"]
    lines = [f"# {name}", ""]
    summary = f"A `kerasgan.models.{variant}` trained on `{metadata.get('dataset')}`."
    paper = paper_link(variant)
    lines += [summary + (f" Paper: {paper}" if paper else ""), ""]
    if metadata.get("dirty"):
        lines += ["**Trained from a working tree with uncommitted changes.**", ""]
    for warning in measured_warnings(metrics):
        lines += [warning, ""]
    if (directory / "samples.png").exists():
        lines += [f"![samples of {name}](samples.png)", ""]
        if metadata.get("samples"):
            lines += [metadata["samples"], ""]
    lines += ["## Metrics", ""]
    if metrics:
        lines += metric_rows(metrics) + ["", metrics.get("note", ""), ""]
        lines += [
            f"Measured by `{metrics['command']}` ({metrics['backend']}, "
            f"{metrics['seconds']:.0f} s).",
            "",
        ]
    else:
        lines += ["Not measured yet: run `scripts/evaluate.py --zoo` on it.", ""]
    lines += ["## Training", ""] + _training_rows(metadata) + [""]
    lines += [
        "## Use",
        "",
        "```python",
        "import kerasgan",
        "",
        *_use_lines(name, variant),
        "```",
        "",
    ]
    commands = [metadata.get("command")] + ([metrics["command"]] if metrics else [])
    lines += ["## Reproduce", ""]
    if metadata.get("commit"):
        lines += [f"From a checkout of commit `{metadata['commit']}` (its recipe):", ""]
    lines += ["```bash", *[c for c in commands if c], "```", ""]
    lines += ["## Files", "", "| file | sha256 |", "|---|---|"]
    lines += [f"| `{f}` | `{h}` |" for f, h in sorted(metadata["files"].items())]
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def _use_lines(name, variant):
    model_class = getattr(models, variant, None)
    if model_class is not None and issubclass(model_class, DataToData):
        return [
            f'model = kerasgan.zoo.load("{name}")  # or kerasgan.models.{variant}.from_preset',
            "outputs = model.translate(inputs)  # NumPy images in [-1, 1], in and out",
        ]
    return [
        f'gan = kerasgan.zoo.load("{name}")  # or kerasgan.models.{variant}.from_preset',
        "samples = gan.generate(16, seed=0)  # float32 NumPy, in the data's range",
    ]


def write_card(directory):
    """Writes `README.md`, the card, into a preset folder (atomically)."""
    path = pathlib.Path(directory) / "README.md"
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_text(card_text(directory))
    return path
