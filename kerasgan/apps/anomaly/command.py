"""What `kerasgan anomaly fit` and `kerasgan anomaly score` run."""

import json
import pathlib

import numpy as np

from kerasgan.apps.anomaly.anomaly_detector import MIN_CALIBRATION_IMAGES
from kerasgan.apps.anomaly.anomaly_detector import AnomalyDetector
from kerasgan.apps.anomaly.anomaly_detector import _check_method

DETECTOR_FILE = "detector.keras"
RUN_FILE = "anomaly.json"


def normal_split(dataset, normal_class, calibration_fraction, limit, seed):
    """`(train, calibration)` images of `normal_class` from the dataset's train split."""
    from kerasgan import data

    images, labels = data.load_numpy(dataset, split="train")
    if labels is None:
        raise ValueError(f"{dataset!r} has no labels: a normal class needs a labelled dataset.")
    classes = np.unique(labels)
    if normal_class not in classes:
        raise ValueError(
            f"--normal-class {normal_class} is not a class of {dataset!r} "
            f"(classes {classes.min()}..{classes.max()})."
        )
    rows = np.random.default_rng(seed).permutation(np.flatnonzero(labels == normal_class))
    rows = rows[:limit] if limit else rows
    held_out = max(MIN_CALIBRATION_IMAGES, int(round(calibration_fraction * len(rows))))
    if len(rows) - held_out < 2:
        raise ValueError(f"class {normal_class} of {dataset!r} has too few images ({len(rows)}).")
    return images[rows[held_out:]], images[rows[:held_out]]


def fit_command(dataset, normal_class, method, out, false_positive_rate=0.05,
                calibration_fraction=0.1, limit=None, seed=0, **fit_options):
    """Trains a detector on one class of `dataset`, calibrates it, writes `out/`.

    Returns the run record written to `out/anomaly.json`.
    """
    _check_method(method)
    out = pathlib.Path(out)
    if (out / DETECTOR_FILE).exists():
        raise ValueError(f"{out / DETECTOR_FILE} exists: choose another --out.")
    train, calibration = normal_split(dataset, normal_class, calibration_fraction,
                                      limit, seed)
    detector = AnomalyDetector.fit(train, method=method, seed=seed, **fit_options)
    detector.threshold_at(false_positive_rate, calibration)
    out.mkdir(parents=True, exist_ok=True)
    detector.save(str(out / DETECTOR_FILE))
    record = {"dataset": dataset, "normal_class": int(normal_class), "method": method,
              "threshold": detector.threshold, "false_positive_rate": false_positive_rate,
              "train_images": len(train), "calibration_images": len(calibration),
              "fit": fit_options, "seed": seed}
    (out / RUN_FILE).write_text(json.dumps(record, indent=1))
    return record


def read_images(paths, data_shape):
    """Image files decoded to `data_shape` (cover and crop) and scaled to [-1, 1]."""
    from kerasgan.data.folder import decode_image

    height, width, channels = data_shape
    return np.stack([decode_image(str(path), (height, width), channels) for path in paths]
                    ).astype("float32") / 127.5 - 1.0


def score_command(run_dir, sources):
    """`[(path, score, flagged)]` for the image files and folders `sources`."""
    from kerasgan.translate_images import input_paths

    path = pathlib.Path(run_dir) / DETECTOR_FILE
    if not path.is_file():
        raise ValueError(f"{run_dir} holds no {DETECTOR_FILE}: train one with "
                         "`kerasgan anomaly fit ... --out DIR`.")
    detector = AnomalyDetector.load(str(path))
    paths = [p for source in sources for p in input_paths(source)]
    scores = detector.score(read_images(paths, detector.model.data_shape))
    flags = scores > detector.threshold if detector.threshold is not None else [None] * len(paths)
    return [(str(p), float(s), None if f is None else bool(f))
            for p, s, f in zip(paths, scores, flags)]
