"""Feature extractors: Keras models from images in [-1, 1] to features (and logits).

`get_extractor("inception" | "mnist" | "fashion-mnist" | extractor)`; every extractor
runs on any Keras backend through `predict_on_batch` (compiled once per shape).
"""

import keras

from kerasgan.metrics import domain_classifier
from kerasgan.metrics import inception
from kerasgan.metrics.feature_extractor import FeatureExtractor

DEFAULT_BATCH_SIZE = {"inception": 32, "inception-bf16": 32}
# Inception's names, by the precision each runs in.
INCEPTION_NAMES = {name: precision for precision, (name, _) in inception.PRECISIONS.items()}


def domain_extractor(name, batch_size=256):
    """The shipped MNIST / Fashion-MNIST classifier as an extractor.

    Grayscale images of any size are resized to 28×28; 3-channel images (stacked
    MNIST) are classified channel by channel: features are the three embeddings side
    by side, logits have shape `(n, 3, classes)`.
    """
    classifier, config = domain_classifier.load_classifier(name)
    embedding = classifier.get_layer(domain_classifier.FEATURE_LAYER).output
    core = keras.Model(classifier.input, [embedding, classifier.output])
    height, width, _ = config["architecture"]["input_shape"]

    def build(image_shape):
        channels = image_shape[-1]
        inputs = keras.Input(image_shape)
        x = inputs
        if tuple(image_shape[:2]) != (height, width):
            x = keras.layers.Resizing(height, width, interpolation="bilinear")(x)
        features, logits = [], []
        for channel in range(channels):
            f, g = core(x[..., channel : channel + 1])
            features.append(f)
            logits.append(keras.ops.expand_dims(g, 1))
        if channels == 1:
            return keras.Model(inputs, [features[0], logits[0][:, 0]])
        return keras.Model(
            inputs,
            [keras.ops.concatenate(features, -1), keras.ops.concatenate(logits, 1)],
        )

    return FeatureExtractor(config["name"], build, config["sha256"], batch_size)


# Built extractors by (name, batch size): building and compiling Inception takes
# tens of seconds, and every metric object or evaluation would otherwise repeat it.
_BUILT = {}


def get_extractor(extractor, batch_size=None):
    """An extractor from a name ("inception", "inception-bf16", "mnist",
    "fashion-mnist") or itself.

    Extractors built from a name are kept for the process and shared.
    """
    if isinstance(extractor, FeatureExtractor):
        return extractor
    key = str(extractor).lower().replace("_", "-")
    size = batch_size or DEFAULT_BATCH_SIZE.get(key, 256)
    if (key, size) not in _BUILT:
        if key in INCEPTION_NAMES:
            _BUILT[key, size] = inception.inception_extractor(
                batch_size=size, precision=INCEPTION_NAMES[key]
            )
        else:
            _BUILT[key, size] = domain_extractor(key, batch_size=size)
    return _BUILT[key, size]
