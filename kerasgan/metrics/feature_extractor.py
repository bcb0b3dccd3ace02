"""`FeatureExtractor`: a Keras model from images in [-1, 1] to features (and logits).

The base every extractor is built on (`kerasgan.metrics.extractors`,
`kerasgan.metrics.inception`); it imports no other part of the metrics.
"""

import numpy as np


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
