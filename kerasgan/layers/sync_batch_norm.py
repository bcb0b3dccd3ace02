"""Batch normalization over the global batch of a data-parallel step, on every backend."""

import keras

from kerasgan import backend


@keras.saving.register_keras_serializable(package="kerasgan")
class SyncBatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` whose training statistics cover the global batch.

    In a data-parallel step each device (or rank) normalizes its share of the batch.
    Plain batch normalization then uses each share's own mean and variance, so N
    devices train a different model from one device with the same global batch. This
    layer computes the moments over every replica's rows: with
    `tf.distribute` strategies through Keras's `synchronized=True` all-reduce; under
    `torch.distributed` with a differentiable all-reduce of the sums (gradients flow
    back to every rank, as in torch's `SyncBatchNorm`); under JAX's
    `keras.distribution` the step is one program over the global batch already. On one
    device it equals `keras.layers.BatchNormalization` exactly. Inference (moving
    statistics) and masks behave as in the parent layer.

    Args:
        **kwargs: the arguments of `keras.layers.BatchNormalization` (`axis`,
            `momentum`, `epsilon`, ...). `synchronized` is implied and not accepted.

    Example:

    ```python
    norm = kerasgan.layers.SyncBatchNormalization()
    y = norm(keras.random.normal((8, 4, 4, 3)), training=True)
    ```

    Reference: Zhang et al. 2018, "Context Encoding for Semantic Segmentation"
    (cross-GPU batch norm), https://arxiv.org/abs/1803.08904; Brock et al. 2019 use it
    in BigGAN.
    """

    def __init__(self, **kwargs):
        if kwargs.pop("synchronized", False):
            raise ValueError(
                "SyncBatchNormalization always synchronizes its statistics; drop "
                "`synchronized=True` (use keras.layers.BatchNormalization for per-device "
                "statistics)."
            )
        super().__init__(**kwargs)

    def _moments(self, inputs, mask):
        if mask is not None:
            return super()._moments(inputs, mask)
        return backend.cross_replica_moments(inputs, self._reduction_axes)

    def get_config(self):
        config = super().get_config()
        config.pop("synchronized", None)
        return config
