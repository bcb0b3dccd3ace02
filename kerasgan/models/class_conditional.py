"""`ClassConditional`: what every class-conditional GAN shares (labels in, labels out)."""

import numpy as np
from keras import ops

from kerasgan.engine.data_spec import DataSpec


def check_num_classes(num_classes):
    if int(num_classes) != num_classes or int(num_classes) < 2:
        raise ValueError(f"num_classes must be an integer of at least 2; got {num_classes}.")
    return int(num_classes)


class ClassConditional:
    """A mixin for `kerasgan.GAN` subclasses whose G and D both take class labels.

    Training data are `(images, labels)`, labels required integers in
    `[0, num_classes)`; G is called on `[latents, labels]` and D on
    `[images, labels]`; `generate(n, labels=...)` needs one label per sample. The
    subclass sets `self.num_classes` (with `check_num_classes`) before its networks
    are called.
    """

    def data_spec(self):
        """`(images, labels)`, labels required, integers in `[0, num_classes)`."""
        images, _ = super().data_spec()
        return (images, DataSpec("labels", (), "label", True, self.num_classes))

    def _labels_for_networks(self, labels):
        if labels is None:
            raise ValueError(
                f"{type(self).__name__} trains on labelled data: call fit(x, y) or "
                "pass a dataset of (x, y) batches, y integers in [0, num_classes)."
            )
        return ops.cast(ops.reshape(labels, (-1,)), "int32")

    def generation_inputs(self):
        """Latents and one integer class label per sample."""
        return super().generation_inputs() + [("labels", (), "int32")]

    def generator_inputs(self, latents, labels):
        return [latents, self._labels_for_networks(labels)]

    def discriminator_inputs(self, images, labels):
        return [images, self._labels_for_networks(labels)]

    def check_labels(self, labels, n):
        """`generate`'s labels: required, `n` integers in `[0, num_classes)`."""
        name = type(self).__name__
        if labels is None:
            raise ValueError(
                f"{name} is conditional: pass labels=, one class per sample, e.g. "
                f"generate({n}, labels=[3] * {n})."
            )
        labels = np.asarray(labels)
        if labels.shape != (n,):
            raise ValueError(
                f"labels must have shape ({n},), one per sample; got {labels.shape}."
            )
        if not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(f"labels must be integers; got dtype {labels.dtype}.")
        if labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(
                f"labels must lie in [0, {self.num_classes}); got values from "
                f"{labels.min()} to {labels.max()}."
            )
        return labels.astype("int32")
