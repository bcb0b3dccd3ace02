"""A zoo entry's model card (`README.md`), generated from the entry's own files.

Nothing on a card is typed in: the variant and sizes come from `metadata.json`,
the numbers from `metrics.json` (written by `scripts/evaluate.py`), the picture is
`samples.png`, the commands are the ones that made the entry.
"""

import inspect
import pathlib

from kerasgan import models
from kerasgan.engine.protocols import DataToData
from kerasgan.metrics import protocol
from kerasgan.metrics import stats_cache
from kerasgan.utils.files import atomic_path
from kerasgan.zoo import preset as preset_lib


def paper_link(variant):
    """The "Paper:" link of a variant's docstring, if it has one."""
    model_class = getattr(models, variant, None)
    for line in inspect.getdoc(model_class).splitlines() if model_class else []:
        if line.strip().startswith("Paper:"):
            return line.split("Paper:", 1)[1].strip()
    return None


# A conditional entry drawing a requested class less often than this, or an
# entry with Inception recall below RECALL_WARNING, is never shown without a warning.
CLASS_ACCURACY_WARNING = 0.7
RECALL_WARNING = 0.1


def metric_rows(metrics):
    """The metrics table; Inception values beside their real-vs-real floor.

    Per-class accuracies and FIDs have their own table (`per_class_rows`), and
    with them the predicted classes covered ("modes_covered") are left out: they
    count the classes drawn, not the ones asked for.
    """
    rows = [
        "| metric | value | extractor | N real | N generated |",
        "|---|---|---|---|---|",
    ]
    floor = inception_floor(metrics)
    conditional = bool(per_class(metrics))
    for result in (metrics or {}).get("results", []):
        if any(class_index(result["name"], m) is not None for m in PER_CLASS):
            continue
        if conditional and result["name"] == "modes_covered":
            continue
        value = f"{result['value']:.4g}"
        if result.get("std") is not None:
            value += f" ± {result['std']:.2g}"
        if result["extractor"] == "inception" and result["name"] in floor:
            value += f" (floor {floor[result['name']]:.4g})"
        rows.append(
            f"| {result['name']} | {value} | {result['extractor']} | "
            f"{result['num_real']} | {result['num_fake']} |"
        )
    return rows


def inception_floor(metrics):
    """Result name → real-vs-real floor of the entry's Inception protocol (or {})."""
    return ((metrics or {}).get("protocol") or {}).get("floor", {})


# Results measured per requested class k, named "<metric>[k]".
PER_CLASS = (
    "class_accuracy", "fid", "fid_floor", "real_class_accuracy",
    "reconstruction_class_accuracy",
)


def class_index(name, metric):
    """k of a result named "<metric>[k]", else None ("fid[a_to_b]" is no class)."""
    inside = name[len(metric) + 1 : -1]
    if name.startswith(f"{metric}[") and name.endswith("]") and inside.isdigit():
        return int(inside)
    return None


def per_class_results(metrics, metric):
    """k → the "<metric>[k]" result dict."""
    found = {}
    for result in (metrics or {}).get("results", []):
        k = class_index(result["name"], metric)
        if k is not None:
            found[k] = result
    return found


def per_class(metrics):
    """`[(k, accuracy, N requested, extractor)]` from "class_accuracy[k]" results."""
    found = per_class_results(metrics, "class_accuracy")
    return sorted(
        (k, r["value"], r["num_fake"], r["extractor"]) for k, r in found.items()
    )


def fid_cell(fid, floor):
    """A class's FID beside its real-vs-real floor, "–" where not measured."""
    if fid is None:
        return "–"
    if floor is None:
        return f"{fid['value']:.3g}"
    return f"{fid['value']:.3g} ({floor['value']:.3g})"


def accuracy_cell(value, real):
    """A class's accuracy on samples beside the classifier's on real images."""
    return f"{value:.3f}" if real is None else f"{value:.3f} ({real['value']:.3f})"


def per_class_rows(metrics, dataset):
    """The table of per-requested-class accuracy (beside the classifier's on real
    images, and FID beside its floor, where measured) of a conditional entry."""
    found = per_class(metrics)
    if not found:
        return []
    names = protocol.class_names(dataset, len(found))
    fids = per_class_results(metrics, "fid")
    floors = per_class_results(metrics, "fid_floor")
    reals = per_class_results(metrics, "real_class_accuracy")
    reconstructions = per_class_results(metrics, "reconstruction_class_accuracy")
    rows = [
        "Per requested class: the share of the samples drawn with label k that the "
        f"`{found[0][3]}` classifier puts in class k."
    ]
    if reals:
        split = stats_cache.default_split(dataset)
        rows[0] += (
            f" In brackets, the share of the real {split} images of class k it puts in "
            "k: the classifier's own accuracy, for reference. A class it confuses on "
            "real images is judged harshly on samples too; samples more typical of "
            "their class than real images can score above it."
        )
    if fids:
        sizes = sorted({r["num_real"] for r in fids.values()})
        count = f"{sizes[0]:,}" if len(sizes) == 1 else "as many"
        split = stats_cache.default_split(dataset)
        rows[0] += (
            f" FID (`{fids[min(fids)]['extractor']}` features): those samples against "
            f"{count} real {split} images of class k; its floor: "
            "those real images against as many training images of class k (real "
            "vs real at the same N). Not comparable with the Inception FID above."
        )
    if reconstructions:
        rows[0] += (
            " Reconstructions: the share of the autoencoder's reconstructions of those "
            "real images of class k that it puts in k. Low there too, the decoder "
            "cannot draw the class even from a real image's code."
        )
    columns = ["class", "accuracy (real images)" if reals else "accuracy"]
    columns += ["reconstructions"] if reconstructions else []
    columns += ["FID (floor)"] if fids else []
    columns += ["N requested"]
    rows += ["", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for k, value, n, _ in found:
        cells = [f"{k} {names[k]}", accuracy_cell(value, reals.get(k))]
        if reconstructions:
            cells.append(value_cell(reconstructions.get(k)))
        if fids:
            cells.append(fid_cell(fids.get(k), floors.get(k)))
        rows.append("| " + " | ".join(cells + [str(n)]) + " |")
    return rows + [""]


def value_cell(result):
    """A per-class value with three decimals, "–" where not measured."""
    return "–" if result is None else f"{result['value']:.3f}"


def protocol_lines(metrics):
    """How the Inception numbers were measured: N, reference, resize, floor."""
    record = (metrics or {}).get("protocol")
    if not record:
        return []
    standard = (
        "the standard protocol"
        if record["standard"]
        else f"the standard protocol is {protocol.STANDARD_N:,} vs the "
        f"{protocol.STANDARD_N:,} test images"
    )
    floor = ", ".join(f"{name} {value:.4g}" for name, value in record["floor"].items())
    return [
        f"**Inception protocol**: {protocol.reference_text(record)} ({standard}); "
        f"FID Inception graph (`{record['extractor']}`, weights sha256 "
        f"`{record['extractor_identity'][:12]}…`); resize: {record['resize']}. "
        f"**Floor** (real vs real at the same N, {record['floor_pairing']}): {floor}. "
        "A generator drawing from the data itself would score these (FID not 0, "
        "precision and recall not 1).",
        "",
    ]


def measured_warnings(metrics, dataset=None):
    """Warnings the measurements call for (not typed in: derived from metrics.json)."""
    results = (metrics or {}).get("results", [])
    values = {r["name"]: r["value"] for r in results}
    warnings = []
    fake = values.get("within_class_diversity")
    real = values.get("real_within_class_diversity")
    if fake is not None and real and fake < 0.5 * real:
        warnings.append(
            f"**Low diversity within classes**: {fake:.3g} against {real:.3g} for real "
            "images (mean pairwise pixel distance within a class); many latents give "
            "the same image for a label."
        )
    found = per_class(metrics)
    names = protocol.class_names(dataset, len(found))
    reals = per_class_results(metrics, "real_class_accuracy")
    reconstructions = per_class_results(metrics, "reconstruction_class_accuracy")
    weak = [
        f"{k} {names[k]} ({value:.1%}"
        + (f"; real images {reals[k]['value']:.1%}" if k in reals else "")
        + (f"; reconstructions {reconstructions[k]['value']:.1%}"
           if k in reconstructions else "")
        + ")"
        for k, value, *_ in found
        if value < CLASS_ACCURACY_WARNING
    ]
    if weak:
        warnings.append(
            f"**Requested classes it fails to draw** (per-class accuracy below "
            f"{CLASS_ACCURACY_WARNING:.0%}"
            + ("; beside it, the classifier's accuracy on real images of the class"
               if reals else "")
            + (" and on the autoencoder's reconstructions of them" if reconstructions
               else "")
            + f"): {', '.join(weak)}."
        )
    recall = [
        r["value"] for r in results if r["name"] == "recall" and r["extractor"] == "inception"
    ]
    if recall and recall[0] < RECALL_WARNING:
        warnings.append(
            f"**Inception recall {recall[0]:.3f}** (below {RECALL_WARNING}): the "
            "samples cover little of the real images' variety."
        )
    return warnings


def _training_time(training):
    """Minutes of training; a resumed run says where it resumed, and when the
    earlier epochs' seconds are unknown, that the minutes are the last part's."""
    if "seconds" not in training:
        return None
    text = f"{training['seconds'] / 60:.1f} min"
    if "seconds_from_epoch" in training:
        return f"{text} (epochs after {training['seconds_from_epoch']} only: resumed there)"
    resumed = training.get("resumed_from_epoch")
    return f"{text} (resumed after epoch {resumed})" if resumed else text


def _training_rows(metadata):
    training = metadata.get("training", {})
    rows = ["| | |", "|---|---|"]
    fields = [
        ("dataset", metadata.get("dataset")),
        ("steps", training.get("steps")),
        ("batch size", training.get("batch_size")),
        ("training time", _training_time(training)),
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
    for warning in measured_warnings(metrics, metadata.get("dataset")):
        lines += [warning, ""]
    if (directory / "samples.png").exists():
        lines += [f"![samples of {name}](samples.png)", ""]
        if metadata.get("samples"):
            lines += [metadata["samples"], ""]
    lines += ["## Metrics", ""]
    if metrics:
        lines += metric_rows(metrics) + [""]
        lines += per_class_rows(metrics, metadata.get("dataset"))
        lines += protocol_lines(metrics) + [metrics.get("note", ""), ""]
        lines += [
            f"Measured by `{metrics['command']}` ({metrics['backend']}, "
            f"{metrics['seconds']:.0f} s).",
            "",
        ]
        lines += [
            f"Then `{update['command']}` ({update['date'][:10]}) added: "
            f"{', '.join(update['added'])}."
            for update in metrics.get("updates", [])
        ] + [""]
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
    commands += [update["command"] for update in (metrics or {}).get("updates", [])]
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
