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
        jit_compile: passed to the built model's `compile` (None: not compiled, Keras's
            default for `predict_on_batch`). When set, every batch is padded to
            `batch_size`, so the model is compiled for one shape only.
    """

    def __init__(self, name, build, identity, batch_size=256, jit_compile=None):
        self.name = name
        self.identity = identity
        self.batch_size = batch_size
        self.jit_compile = jit_compile
        self._build = build
        self._models = {}

    def model_for(self, image_shape):
        image_shape = tuple(int(d) for d in image_shape)
        if image_shape not in self._models:
            model = self._build(image_shape)
            if self.jit_compile is not None:
                model.compile(jit_compile=self.jit_compile)
            self._models[image_shape] = model
        return self._models[image_shape]

    def __call__(self, images):
        """`{"features": (n, d), "logits": (n, ...) or absent}` as float32 NumPy."""
        images = np.asarray(images, "float32")
        count = len(images)
        if self.jit_compile is not None and 0 < count < self.batch_size:
            # Compiled for batch_size rows: fill with copies, not a second compilation.
            images = np.concatenate(
                [images, np.repeat(images[-1:], self.batch_size - count, axis=0)]
            )
        outputs = self.model_for(images.shape[1:]).predict_on_batch(images)
        if not isinstance(outputs, (list, tuple)):
            return {"features": np.asarray(outputs, "float32")[:count]}
        features, logits = (np.asarray(o, "float32")[:count] for o in outputs)
        return {"features": features, "logits": logits}
