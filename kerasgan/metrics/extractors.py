"""Feature extractors: Keras models from images in [-1, 1] to features (and logits).

`get_extractor("inception" | "mnist" | "fashion-mnist" | extractor)`; every extractor
runs on any Keras backend through `predict_on_batch` (compiled once per shape).
"""

import keras
import numpy as np

from kerasgan.metrics import domain_classifier

DEFAULT_BATCH_SIZE = {"inception": 32}


class FeatureExtractor:
    """Features (and, for classifiers, logits) of image batches.

    Args:
        name: how results name it ("inception", "fashion-mnist", ...).
        build: `build(image_shape) -> keras.Model` with outputs `[features, logits]`
            or `features`; called once per image shape.
        identity: a string that changes whenever the weights change (a sha256),
            part of the real-statistics cache key.
        batch_size: images per forward pass.
    """

    def __init__(self, name, build, identity, batch_size=256):
        self.name = name
        self.identity = identity
        self.batch_size = batch_size
        self._build = build
        self._models = {}

    def model_for(self, image_shape):
        image_shape = tuple(int(d) for d in image_shape)
        if image_shape not in self._models:
            self._models[image_shape] = self._build(image_shape)
        return self._models[image_shape]

    def __call__(self, images):
        """`{"features": (n, d), "logits": (n, ...) or absent}` as float32 NumPy."""
        images = np.asarray(images, "float32")
        outputs = self.model_for(images.shape[1:]).predict_on_batch(images)
        if not isinstance(outputs, (list, tuple)):
            return {"features": np.asarray(outputs, "float32")}
        features, logits = (np.asarray(o, "float32") for o in outputs)
        return {"features": features, "logits": logits}


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
    """An extractor from a name ("inception", "mnist", "fashion-mnist") or itself.

    Extractors built from a name are kept for the process and shared.
    """
    if isinstance(extractor, FeatureExtractor):
        return extractor
    key = str(extractor).lower().replace("_", "-")
    size = batch_size or DEFAULT_BATCH_SIZE.get(key, 256)
    if (key, size) not in _BUILT:
        if key == "inception":
            from kerasgan.metrics import inception

            _BUILT[key, size] = inception.inception_extractor(batch_size=size)
        else:
            _BUILT[key, size] = domain_extractor(key, batch_size=size)
    return _BUILT[key, size]
