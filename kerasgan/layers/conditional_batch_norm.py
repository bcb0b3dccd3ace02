"""Class-conditional batch normalization (BigGAN, SNGAN projection generators)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalization whose scale and shift are looked up per class.

    Normalizes with batch statistics (moving averages at inference) like
    `keras.layers.BatchNormalization`, then applies `γ[y] · x̂ + β[y]` with one learned
    `(γ, β)` pair per class `y`, initialised to `(1, 0)`, which feeds the label into
    every generator block. The statistics are still those of the whole batch, all
    classes together. Call it on `[features, labels]`, labels integers of shape
    `(batch,)`; the last axis of `features` is normalized. (In kerasgan's
    DCGAN-style conditional generators it did not prevent the loss of diversity
    within classes that plain batch norm caused: docs/variants/conditional_gan.md.)

    Args:
        num_classes: number of classes.
        momentum, epsilon: as in `keras.layers.BatchNormalization`.
        **kwargs: base layer arguments.

    Example:

    ```python
    images = keras.Input((8, 8, 32))
    labels = keras.Input((), dtype="int32")
    x = ConditionalBatchNormalization(num_classes=10)([images, labels])
    ```

    Papers: de Vries et al. 2017, https://arxiv.org/abs/1707.00683; used by
    Miyato & Koyama 2018, https://arxiv.org/abs/1802.05637, and BigGAN.
    """

    def __init__(self, num_classes, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        if int(num_classes) < 2:
            raise ValueError(f"num_classes must be at least 2; got {num_classes}.")
        self.num_classes = int(num_classes)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.normalize = keras.layers.BatchNormalization(
            momentum=self.momentum, epsilon=self.epsilon, center=False, scale=False
        )

    def build(self, input_shape):
        feature_shape, _ = input_shape
        channels = feature_shape[-1]
        self.normalize.build(feature_shape)
        self.gamma = self.add_weight(
            shape=(self.num_classes, channels), initializer="ones", name="gamma"
        )
        self.beta = self.add_weight(
            shape=(self.num_classes, channels), initializer="zeros", name="beta"
        )

    def call(self, inputs, training=None):
        features, labels = inputs
        normalized = self.normalize(features, training=training)
        labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
        return scale_and_shift(normalized, ops.take(self.gamma, labels, axis=0),
                               ops.take(self.beta, labels, axis=0))

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
        }


def scale_and_shift(normalized, scale, shift):
    """`normalized * scale + shift` with per-example `(batch, channels)` scale and shift.

    Both are reshaped to `(batch, 1, ..., 1, channels)` so that they broadcast over
    every position of `normalized` (any rank ≥ 2), and cast to its dtype (mixed
    precision keeps the per-class parameters in float32).
    """
    broadcast = (-1,) + (1,) * (len(normalized.shape) - 2) + (normalized.shape[-1],)
    scale = ops.cast(ops.reshape(scale, broadcast), normalized.dtype)
    shift = ops.cast(ops.reshape(shift, broadcast), normalized.dtype)
    return normalized * scale + shift
