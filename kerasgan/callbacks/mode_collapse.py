"""A fit() callback watching the diversity of generated samples (mode collapse)."""

import warnings

import keras
import numpy as np

from kerasgan.callbacks.periodic import check_every
from kerasgan.callbacks.requires import require
from kerasgan.engine.protocols import LatentToData
from kerasgan.utils.labels import fixed_labels


def diversity(samples):
    """Mean pairwise Euclidean distance between samples (flattened): 0 when all equal.

    Args:
        samples: an array `(n, ...)`, n ≥ 2.

    Returns:
        A float.
    """
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    if len(flat) < 2:
        raise ValueError("diversity needs at least 2 samples.")
    squared = np.sum(flat**2, axis=1)
    distances = squared[:, None] + squared[None, :] - 2.0 * flat @ flat.T
    distances = np.sqrt(np.maximum(distances, 0.0))
    n = len(flat)
    return float(distances.sum() / (n * (n - 1)))


def class_diversity(samples, labels):
    """`diversity` within each class, averaged: a conditional generator that ignores
    its latents draws one image per class and scores 0, however different the
    classes are."""
    samples, labels = np.asarray(samples), np.asarray(labels)
    return float(np.mean([diversity(samples[labels == k]) for k in np.unique(labels)]))


class ModeCollapseAlarm(keras.callbacks.Callback):
    """Logs a diversity figure of generated samples and warns when it collapses.

    Every `every` epochs, `n` samples from fixed latents are generated and their mean
    pairwise distance is logged as `diversity` (it lands in `fit()`'s history and in
    `LossPlot`). A collapsed generator maps every latent to a few outputs, so its
    samples sit close together: when the diversity falls below `threshold` times the
    highest value measured so far — capped at the real data's diversity when
    `real_samples` is given — a `UserWarning` says so and `collapsed` turns True.
    For conditional models the figure is the diversity within each class, averaged
    (`class_diversity`): samples of different classes differ even when each class
    has collapsed to a single image.
    Comparing with the peak, not with the real data alone, keeps the alarm quiet
    while an untrained generator's blurry samples are still gaining diversity.
    The model must draw samples from latents (`kerasgan.engine.LatentToData`);
    `fit()` of another model stops with a `TypeError` before training.

    Args:
        every: epochs between measurements; the last value is logged in between.
        n: samples per measurement.
        seed: seed of the latents.
        threshold: the fraction of the reference below which the alarm goes off.
        real_samples: real data (at least 2 examples), whose diversity caps the
            reference.
        real_labels: the labels of `real_samples`; needed with a conditional model
            (its diversity is measured within classes).

    Example:

    ```python
    alarm = kerasgan.callbacks.ModeCollapseAlarm(real_samples=x_train[:256])
    gan.fit(x_train, epochs=20, callbacks=[alarm])
    gan.history.history["diversity"]
    ```
    """

    # kerasgan's fit() runs callbacks that add to the epoch logs before the others.
    adds_epoch_logs = True

    def __init__(
        self, every=1, n=256, seed=0, threshold=0.5, real_samples=None, real_labels=None
    ):
        super().__init__()
        if not 0.0 < float(threshold) < 1.0:
            raise ValueError(f"threshold must lie in (0, 1); got {threshold}.")
        self.every = check_every(every)
        self.n = int(n)
        self.seed = seed
        self.threshold = float(threshold)
        self.real_diversity = None
        if real_samples is not None:
            self.real_diversity = (
                diversity(real_samples[:n])
                if real_labels is None
                else class_diversity(real_samples[:n], real_labels[:n])
            )
        self.real_has_labels = real_labels is not None
        self.peak = 0.0
        self.value = None
        self.collapsed = False

    def set_model(self, model):
        super().set_model(model)
        require(self, model, LatentToData)

    @property
    def reference(self):
        """The diversity the current value is compared with."""
        if self.real_diversity is None:
            return self.peak
        return min(self.peak, self.real_diversity)

    def on_epoch_end(self, epoch, logs=None):
        if self.value is None or (epoch + 1) % self.every == 0:
            self.measure(epoch + 1)
        if logs is not None:
            logs["diversity"] = self.value

    def measure(self, epoch):
        # Conditional models: the classes in turn, as in the sample grid.
        labels = fixed_labels(self.model, self.n)
        samples = self.model.generate(self.n, seed=self.seed, labels=labels)
        if labels is None:
            self.value = diversity(samples)
        else:
            if self.real_diversity is not None and not self.real_has_labels:
                raise ValueError(
                    "ModeCollapseAlarm measures a conditional model within classes: "
                    "pass real_labels= with real_samples=."
                )
            self.value = class_diversity(samples, labels)
        self.peak = max(self.peak, self.value)
        self.collapsed = self.value < self.threshold * self.reference
        if self.collapsed:
            warnings.warn(
                f"Possible mode collapse at epoch {epoch}: sample diversity "
                f"{self.value:.4g} is below {self.threshold:g} × {self.reference:.4g} "
                "(its peak, capped at the real data's). Look at the samples; try a "
                "lower learning rate, another loss (wgan_gp, hinge) or spectral "
                "normalization.",
                stacklevel=2,
            )
        return self.value
