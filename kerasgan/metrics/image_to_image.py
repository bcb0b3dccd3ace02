"""Scores of image-to-image models: translation accuracy, FID, L1, PSNR/SSIM vs bicubic.

The evaluation functions take a callable, NumPy in and NumPy out in [-1, 1]
(`model.translate`, `model.upscale`, or any function), so they depend on no model
class. Every number is a `MetricResult` carrying its N and how it was measured.

- Translation accuracy: the share of translated images that the domain classifier
  assigns to the target class, the analogue of pix2pix's "FCN score" (a classifier
  trained on real images judges whether the output looks like the target).
- FID of the translated images against the real target domain, on a classifier's or
  Inception's features (`kerasgan.metrics.FID`'s extractors).
- L1 to the ground truth (paired data), and the cycle L1 of a round trip (CycleGAN).
- PSNR and SSIM for super-resolution, beside the bicubic baseline, with the papers'
  protocol: Y channel for RGB, borders cropped by the scale.
"""

import dataclasses

import keras
import numpy as np

from kerasgan.utils import bicubic
from kerasgan.data import edges2fashion
from kerasgan.data import loading
from kerasgan.data import registry
from kerasgan.data import sneaker2boot
from kerasgan.metrics import domain_classifier
from kerasgan.metrics import extractors
from kerasgan.metrics import features
from kerasgan.metrics import image_quality
from kerasgan.metrics.results import MetricResult
from kerasgan.metrics.stats import fid_from_features

DIRECTIONS = ("a_to_b", "b_to_a")
# The datasets built on Fashion-MNIST pad its 28×28 images to 32×32; the domain
# classifiers were trained at 28×28, so the padding is cropped off, not resized away.
_PADDED_SIZE = (32, 32)
_PADDING = 2
# Pixels per PSNR/SSIM call: 64 MB per float32 temporary.
_PIXELS_PER_BATCH = 1 << 24


def bicubic_upscale(low_res, scale):
    """The bicubic baseline: low-res images enlarged with MATLAB's bicubic `imresize`.

    Args:
        low_res: `(n, height, width, channels)` in [-1, 1].
        scale: the integer factor, e.g. 4.

    Returns:
        float32 `(n, height · scale, width · scale, channels)`, clipped to [-1, 1].

    Example:

    ```python
    baseline = bicubic_upscale(low_res, 4)
    ```
    """
    upscaled = bicubic.upscale(np.asarray(low_res, "float32"), scale)
    return np.clip(upscaled, -1.0, 1.0)


def super_resolution_scores(
    upscaled, high_res, scale, y_channel=None, crop_border=None, prefix=""
):
    """Mean PSNR and SSIM over images, with the SR papers' protocol by default.

    Args:
        upscaled: `(n, h, w, c)` model outputs in [-1, 1].
        high_res: the ground truth, same shape.
        scale: the SR factor: the default border crop.
        y_channel: compare the BT.601 luma; None: for RGB images (as the papers).
        crop_border: pixels cropped from each border; None: `scale`.
        prefix: put before the result names ("bicubic_").

    Returns:
        `{"psnr": MetricResult, "ssim": MetricResult}` (names with the prefix), the
        mean over images and its `std`.
    """
    upscaled = np.asarray(upscaled, "float32")
    high_res = np.asarray(high_res, "float32")
    if y_channel is None:
        y_channel = high_res.shape[-1] == 3
    crop_border = scale if crop_border is None else crop_border
    protocol = _protocol(y_channel, crop_border)
    options = dict(crop_border=crop_border, y_channel=y_channel)
    values = {
        "psnr": _per_image(image_quality.psnr, upscaled, high_res, options),
        "ssim": _per_image(image_quality.ssim, upscaled, high_res, options),
    }
    return {
        prefix + name: _result(prefix + name, per_image, protocol)
        for name, per_image in values.items()
    }


def translation_accuracy(images, target_class, extractor="fashion-mnist"):
    """Share of images the domain classifier assigns to the target class.

    32×32 images (the padded Fashion-MNIST of "edges2fashion" and "sneaker2boot")
    are cropped back to 28×28 for the classifiers trained at that size; other sizes
    are resized by the extractor.

    Args:
        images: `(n, h, w, c)` in [-1, 1], e.g. translated images.
        target_class: one class for all images, or one per image (`(n,)`).
        extractor: a classifier extractor ("fashion-mnist", "mnist") or a
            `FeatureExtractor` that gives logits.

    Returns:
        A `MetricResult` named "translation_accuracy"; chance is 1 / classes.

    Example:

    ```python
    boots = cyc.translate(sneakers, direction="a_to_b")
    print(translation_accuracy(boots, target_class=9))   # 9: ankle boot
    ```
    """
    extractor = extractors.get_extractor(extractor)
    images = _classifier_view(np.asarray(images, "float32"), extractor)
    logits = features.extract(extractor, images).get("logits")
    if logits is None or logits.ndim != 2:
        raise ValueError(
            f"translation_accuracy needs a single-image classifier; {extractor.name!r} "
            "gives no such logits (use 'fashion-mnist' or 'mnist')."
        )
    target = np.broadcast_to(np.asarray(target_class).reshape(-1), (len(logits),))
    hits = logits.argmax(axis=-1) == target
    return MetricResult(
        "translation_accuracy", float(np.mean(hits)), 0, len(hits), extractor.name
    )


def translation_fid(images, target_images, extractor="fashion-mnist"):
    """FID of translated images against real images of the target domain.

    Args:
        images: `(n, h, w, c)` translated images in [-1, 1].
        target_images: real images of the target domain.
        extractor: "fashion-mnist", "mnist", "inception" or a `FeatureExtractor`.

    Returns:
        A `MetricResult` named "fid".
    """
    extractor = extractors.get_extractor(extractor)
    real = features.extract(extractor, np.asarray(target_images, "float32"))
    fake = features.extract(extractor, np.asarray(images, "float32"))
    value = fid_from_features(real["features"], fake["features"])
    return MetricResult(
        "fid", value, len(real["features"]), len(fake["features"]), extractor.name
    )


def l1_distance(images, references, name="l1"):
    """Mean absolute difference per pixel, on the [-1, 1] scale, averaged over images.

    Args:
        images: `(n, ...)` outputs.
        references: the ground truth, same shape.
        name: the result's name ("l1", "cycle_l1").

    Returns:
        A `MetricResult` whose `std` is over images.
    """
    images = np.asarray(images, "float32")
    references = np.asarray(references, "float32")
    _check_same_shape(images, references, "outputs", "references")
    per_image = np.abs(images - references).reshape(len(images), -1).mean(axis=1)
    return _result(name, per_image, "pixels in [-1, 1]")


def evaluate_translation(
    translate,
    dataset,
    split="test",
    direction="a_to_b",
    inverse=None,
    target_class=None,
    extractor="fashion-mnist",
    num_samples=None,
    batch_size=256,
    image_size=None,
    data_dir=None,
):
    """Scores an image-to-image translation on a paired or unpaired dataset.

    Paired data ("edges2fashion", "paired:<folder>"): translates the sources and
    measures L1 to the targets, FID against the targets and translation accuracy
    (the target images' classes). Unpaired data ("sneaker2boot", ...): translates
    domain A to B (or B to A) and measures FID against the real target domain and
    translation accuracy (the target domain's class), and with `inverse` the cycle
    L1 of the round trip. Beside them, `target_accuracy` (the classifier on real
    targets: the ceiling) and `source_accuracy` (on the untranslated inputs: what
    doing nothing scores).

    Args:
        translate: `translate(x) -> y`, NumPy in and out, in [-1, 1]; e.g.
            `p2p.translate` or `lambda x: cyc.translate(x, direction="a_to_b")`.
        dataset: a paired or unpaired `kerasgan.data` name.
        split: the split to score ("test").
        direction: unpaired data: "a_to_b" or "b_to_a".
        inverse: unpaired data: the reverse translation, for the cycle L1.
        target_class: the class of the target domain (an int, or one per image);
            known for "edges2fashion" and "sneaker2boot", None elsewhere skips the
            accuracies.
        extractor: the classifier/feature extractor for accuracy and FID; None
            skips both.
        num_samples: score the first N inputs (all when None).
        batch_size: images per `translate` call.
        image_size: passed to `kerasgan.data.load_numpy` (folders and tfds
            datasets whose images vary in size need it).
        data_dir: passed to `kerasgan.data.load_numpy`.

    Returns:
        A dict from result name ("l1", "fid", "translation_accuracy",
        "target_accuracy", "source_accuracy", "cycle_l1") to `MetricResult`.

    Example:

    ```python
    scores = kerasgan.metrics.evaluate_translation(p2p.translate, "edges2fashion")
    print(scores["translation_accuracy"], scores["l1"])
    ```
    """
    kind = registry.resolve(dataset).info.kind
    first, second = loading.load_numpy(
        dataset, split=split, image_size=image_size, data_dir=data_dir
    )
    if kind == registry.PAIRED:
        inputs, targets = first[:num_samples], second[:num_samples]
    elif kind == registry.UNPAIRED:
        _check_direction(direction)
        inputs, targets = (first, second) if direction == "a_to_b" else (second, first)
        inputs = inputs[:num_samples]
    else:
        raise ValueError(
            f"evaluate_translation scores paired or unpaired image datasets; "
            f"{dataset!r} is {kind!r}. Use evaluate_super_resolution for "
            "super-resolution data."
        )
    if target_class is None:
        target_class = _known_target_class(dataset, split, direction, data_dir)
        if target_class is not None and np.ndim(target_class):
            target_class = target_class[: len(inputs)]
    outputs = _apply(translate, inputs, batch_size)
    # Unpaired domains may differ in size: only the image shapes must agree.
    _check_same_shape(outputs[:1], targets[:1], "translate's outputs", "targets")
    if kind == registry.PAIRED:
        _check_same_shape(outputs, targets, "translate's outputs", "targets")
    results = {}
    if kind == registry.PAIRED:
        results["l1"] = l1_distance(outputs, targets)
    if inverse is not None:
        cycled = _apply(inverse, outputs, batch_size)
        results["cycle_l1"] = l1_distance(cycled, inputs, name="cycle_l1")
    if extractor is not None:
        results["fid"] = translation_fid(outputs, targets, extractor)
        if target_class is not None:
            results.update(
                _accuracies(outputs, inputs, targets, target_class, kind, extractor)
            )
    return results


def evaluate_super_resolution(
    upscale,
    dataset="photos-sr4",
    split="test",
    y_channel=None,
    crop_border=None,
    extractor=None,
    num_samples=None,
    batch_size=16,
    image_size=None,
    data_dir=None,
):
    """PSNR and SSIM of a super-resolution model and of bicubic upscaling, side by side.

    The protocol of the SR papers by default: RGB images are compared on the BT.601
    luma, and `scale` pixels are cropped from every border.

    Args:
        upscale: `upscale(low_res) -> high_res`, NumPy in and out, in [-1, 1]; e.g.
            `srgan.upscale`.
        dataset: a super-resolution `kerasgan.data` name ("photos-sr4",
            "fashion-mnist-sr4").
        split: the split to score ("test": the held-out photographs).
        y_channel: compare luma; None: for RGB images.
        crop_border: pixels cropped from each border; None: the scale.
        extractor: also FID of the upscaled (and bicubic) images against the
            high-res ones with this extractor; None skips it.
        num_samples: score the first N images (all when None).
        batch_size: images per `upscale` call.
        image_size: the high-res size, passed to `kerasgan.data.load_numpy`
            ("photos-sr4" test: 64 scores 64×64 tiles instead of whole crops).
        data_dir: passed to `kerasgan.data.load_numpy`.

    Returns:
        A dict: "psnr", "ssim", "bicubic_psnr", "bicubic_ssim" (and "fid",
        "bicubic_fid") to `MetricResult`.

    Example:

    ```python
    scores = kerasgan.metrics.evaluate_super_resolution(sr.upscale, "photos-sr4")
    print(scores["psnr"], scores["bicubic_psnr"])
    ```
    """
    kind = registry.resolve(dataset).info.kind
    if kind != registry.SUPER_RESOLUTION:
        raise ValueError(
            f"evaluate_super_resolution scores (low_res, high_res) datasets such as "
            f"'photos-sr4' or 'fashion-mnist-sr4'; {dataset!r} is {kind!r}."
        )
    low_res, high_res = loading.load_numpy(
        dataset, split=split, image_size=image_size, data_dir=data_dir
    )
    low_res, high_res = low_res[:num_samples], high_res[:num_samples]
    scale = high_res.shape[1] // low_res.shape[1]
    outputs = _apply(upscale, low_res, batch_size)
    _check_same_shape(outputs, high_res, "upscale's outputs", "the high-res images")
    baseline = bicubic_upscale(low_res, scale)
    options = dict(scale=scale, y_channel=y_channel, crop_border=crop_border)
    results = super_resolution_scores(outputs, high_res, **options)
    results.update(
        super_resolution_scores(baseline, high_res, prefix="bicubic_", **options)
    )
    if extractor is not None:
        results["fid"] = translation_fid(outputs, high_res, extractor)
        fid = translation_fid(baseline, high_res, extractor)
        results["bicubic_fid"] = dataclasses.replace(fid, name="bicubic_fid")
    return results


def _accuracies(outputs, inputs, targets, target_class, kind, extractor):
    results = {
        "translation_accuracy": translation_accuracy(outputs, target_class, extractor)
    }
    target_accuracy = translation_accuracy(targets, target_class, extractor)
    results["target_accuracy"] = dataclasses.replace(
        target_accuracy, name="target_accuracy"
    )
    if kind == registry.UNPAIRED:
        source_accuracy = translation_accuracy(inputs, target_class, extractor)
        results["source_accuracy"] = dataclasses.replace(
            source_accuracy, name="source_accuracy"
        )
    return results


def _known_target_class(dataset, split, direction, data_dir):
    """The target classes of the shipped datasets; None for others."""
    key = str(dataset).strip().lower().replace("_", "-")
    if key == "edges2fashion":
        return edges2fashion.class_labels(split, data_dir)
    if key == "sneaker2boot":
        return sneaker2boot.DOMAIN_CLASSES[direction[-1]]
    return None


def _check_direction(direction):
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}; got {direction!r}.")


def _apply(function, inputs, batch_size):
    """`function` on batches of `inputs`, outputs concatenated as float32 NumPy."""
    outputs = [
        np.asarray(function(inputs[start : start + batch_size]), "float32")
        for start in range(0, len(inputs), batch_size)
    ]
    if not outputs:
        raise ValueError("No inputs to score: the split (or num_samples) is empty.")
    return np.concatenate(outputs)


def _check_same_shape(outputs, references, what, reference_what):
    if outputs.shape != references.shape:
        raise ValueError(
            f"{what} have shape {outputs.shape} but {reference_what} have "
            f"{references.shape}: each output must match its reference image."
        )


def _classifier_view(images, extractor):
    """Padded 32×32 Fashion-MNIST cropped back to 28×28 for the domain classifiers."""
    is_domain_classifier = extractor.name in domain_classifier.CLASSIFIERS.values()
    if is_domain_classifier and images.shape[1:3] == _PADDED_SIZE:
        return images[:, _PADDING:-_PADDING, _PADDING:-_PADDING]
    return images


def _per_image(metric, images, references, options):
    # Few, large batches: on JAX every new batch shape compiles the metric's ops.
    batch_size = max(1, _PIXELS_PER_BATCH // int(np.prod(images.shape[1:])))
    values = [
        keras.ops.convert_to_numpy(
            metric(
                images[start : start + batch_size],
                references[start : start + batch_size],
                **options,
            )
        )
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(values)


def _protocol(y_channel, crop_border):
    channel = "Y (BT.601)" if y_channel else "all channels"
    return f"{channel}, border {crop_border}"


def _result(name, per_image, protocol):
    # A perfect reconstruction has PSNR inf, whose spread is undefined.
    spread = float(np.std(per_image)) if np.isfinite(per_image).all() else None
    return MetricResult(
        name,
        float(np.mean(per_image)),
        len(per_image),
        len(per_image),
        protocol,
        spread,
    )
