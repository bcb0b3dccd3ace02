"""`AnomalyModel`: what f-AnoGAN and GANomaly share (a score per image, a threshold)."""

import numpy as np

from kerasgan import engine


def check_images(images, data_shape, what="images"):
    """`images` as float32 NHWC NumPy of `data_shape`; a ValueError saying why not."""
    images = np.asarray(images)
    if images.ndim != 4 or tuple(images.shape[1:]) != tuple(data_shape):
        raise ValueError(
            f"{what} must be an array of shape (n, {', '.join(map(str, data_shape))}) "
            f"(NHWC images in [-1, 1]); got shape {images.shape}."
        )
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"{what} are {images.dtype}; give float images in [-1, 1] "
            "(e.g. x.astype('float32') / 127.5 - 1)."
        )
    if len(images) == 0:
        raise ValueError(f"{what} is empty.")
    return images.astype("float32")


class AnomalyModel(engine.AdversarialModel):
    """An adversarial model whose `call(images)` is an anomaly score per image.

    Subclasses define `anomaly_scores(images)` in `keras.ops` (higher = more
    anomalous), their phases and networks. `score()` runs it through the compiled
    `predict()` on every backend. `threshold` (set by
    `kerasgan.apps.AnomalyDetector.threshold_at`) is kept in the config, so a saved
    model keeps its calibration.

    Args:
        networks: `{name: keras.Model}` (see `kerasgan.engine.AdversarialModel`).
        data_shape: `(height, width, channels)` of the images scored.
        threshold: scores above it are anomalies (None: not calibrated).
        false_positive_rate: the rate on normal data `threshold` was chosen for.
        **kwargs: `AdversarialModel` arguments (`seed`, `name`).
    """

    def __init__(self, networks, data_shape, threshold=None, false_positive_rate=None,
                 **kwargs):
        super().__init__(networks, **kwargs)
        self.data_shape = tuple(int(d) for d in data_shape)
        self.threshold = None if threshold is None else float(threshold)
        self.false_positive_rate = (
            None if false_positive_rate is None else float(false_positive_rate)
        )

    def data_spec(self):
        return (engine.DataSpec("images", self.data_shape),)

    def anomaly_scores(self, images):
        """One score per image, higher = more anomalous (a `keras.ops` tensor)."""
        raise NotImplementedError(f"{type(self).__name__} must define anomaly_scores().")

    def call(self, images, training=False):
        return self.anomaly_scores(images)

    def score(self, images, batch_size=256):
        """Anomaly scores of `images` (NHWC in [-1, 1]) as a float32 NumPy vector."""
        images = check_images(images, self.data_shape)
        n = len(images)
        # Padded to whole batches: one compiled predict step for every call (a
        # last, smaller batch would be traced again, and so would each new size).
        padding = np.repeat(images[-1:], -n % batch_size, axis=0)
        scores = self.predict(np.concatenate([images, padding]), batch_size=batch_size,
                              verbose=0)
        return np.asarray(scores, dtype="float32").reshape(-1)[:n]

    def _calibration_config(self):
        return {"threshold": self.threshold, "false_positive_rate": self.false_positive_rate}
