"""Inception Score from the ImageNet InceptionV3 of `keras.applications`.

Kept apart from `kerasgan.metrics.inception` (the FID graph, an extractor that
`kerasgan.metrics.extractors` builds): it reads images through
`kerasgan.metrics.features`, which reads the extractors.
"""

import keras

from kerasgan.metrics.classifier_score import classifier_score_from_logits
from kerasgan.metrics.feature_extractor import FeatureExtractor
from kerasgan.metrics.features import extract
from kerasgan.metrics.inception import INPUT_SIZE
from kerasgan.metrics.results import MetricResult


def inception_score(images, weights="imagenet", splits=10, batch_size=32):
    """Inception Score from ImageNet InceptionV3 logits (not available offline).

    The FID graph has no classifier; this uses `keras.applications.InceptionV3` with
    ImageNet weights (downloaded by Keras, or a local file). Its values are close to,
    not equal with, the original TF implementation's (Salimans et al. 2016,
    https://arxiv.org/abs/1606.03498).

    Args:
        images: a source `kerasgan.metrics.extract` reads (arrays in [-1, 1], ...).
        weights: "imagenet" or a path to the ImageNet InceptionV3 weights.
        splits: the score is the mean over this many splits.
        batch_size: images per forward pass.

    Returns:
        A `MetricResult` with the std over splits.
    """
    classifier = keras.applications.InceptionV3(
        weights=weights, classifier_activation=None
    )

    def build(image_shape):
        inputs = keras.Input(image_shape)
        x = keras.layers.Resizing(INPUT_SIZE, INPUT_SIZE, interpolation="bilinear")(
            inputs
        )
        if image_shape[-1] == 1:
            x = keras.layers.Concatenate()([x, x, x])
        # Keras's InceptionV3 takes [-1, 1], the range of the images already.
        return keras.Model(inputs, classifier(x))

    extractor = FeatureExtractor("inception-imagenet", build, str(weights), batch_size)
    logits = extract(extractor, images)["features"]
    mean, std = classifier_score_from_logits(logits, splits=splits)
    return MetricResult(
        "inception_score", mean, 0, len(logits), "inception-imagenet", std
    )
