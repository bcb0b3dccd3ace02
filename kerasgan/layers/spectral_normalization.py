"""Spectral normalization that behaves the same on TensorFlow, JAX and PyTorch."""

import keras
from keras import ops

_TRANSPOSED_CONVOLUTIONS = (
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
)
_CONVOLUTIONS = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)


def _l2_normalize(x, eps=1e-12):
    return x / ops.sqrt(ops.sum(ops.square(x)) + eps)


def _apply_with_kernel(layer, inputs, kernel):
    """Runs `layer`'s own computation with `kernel` in place of its stored kernel."""
    if isinstance(layer, keras.layers.Dense):
        outputs = ops.matmul(inputs, kernel)
    elif isinstance(layer, _TRANSPOSED_CONVOLUTIONS):
        outputs = ops.conv_transpose(
            inputs,
            kernel,
            strides=list(layer.strides),
            padding=layer.padding,
            output_padding=layer.output_padding,
            dilation_rate=layer.dilation_rate,
            data_format=layer.data_format,
        )
    else:
        outputs = layer.convolution_op(inputs, kernel)
    if layer.use_bias:
        rank = len(outputs.shape)
        channels_first = getattr(layer, "data_format", None) == "channels_first"
        bias_shape = [1] * rank
        bias_shape[1 if channels_first else -1] = -1
        outputs = outputs + ops.reshape(layer.bias, bias_shape)
    if layer.activation is not None:
        outputs = layer.activation(outputs)
    return outputs


@keras.saving.register_keras_serializable(package="kerasgan")
class SpectralNormalization(keras.layers.Wrapper):
    """Spectral normalization of a Dense or convolution layer (Miyato et al. 2018).

    The wrapped layer computes with `W / σ(W)`, where σ(W) is the largest singular
    value of the kernel reshaped to `(-1, kernel.shape[-1])`, estimated by power
    iteration. Unlike `keras.layers.SpectralNormalization`, which writes the normalized
    kernel back into the trainable kernel (a write that JAX's stateless training path
    drops, so σmax stays ≠ 1 there), this layer keeps `W` raw and divides by σ inside
    `call`; only the power-iteration vector `u` is state (non-trainable), updated when
    `training=True`. The results are the same on every backend.

    Args:
        layer: a `keras.layers.Dense`, `Conv1D/2D/3D` or `Conv1D/2D/3DTranspose`.
        power_iterations: power-iteration steps per training call (1 in the paper).
        **kwargs: base layer arguments.

    Example:

    ```python
    x = kerasgan.layers.SpectralNormalization(keras.layers.Conv2D(64, 3))(x)
    ```

    Paper: https://arxiv.org/abs/1802.05957
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if not isinstance(
            layer, (keras.layers.Dense, *_CONVOLUTIONS, *_TRANSPOSED_CONVOLUTIONS)
        ):
            raise ValueError(
                "SpectralNormalization wraps Dense and (transposed) convolution "
                f"layers; got {type(layer).__name__}."
            )
        if int(power_iterations) < 1:
            raise ValueError(
                f"power_iterations must be a positive integer; got {power_iterations}."
            )
        self.power_iterations = int(power_iterations)

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        self.u = self.add_weight(
            shape=(1, self.layer.kernel.shape[-1]),
            initializer=keras.initializers.RandomNormal(),
            trainable=False,
            name="u",
        )
        self.built = True

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def normalized_kernel(self, training=False):
        """`W / σ(W)`; with `training=True` the power iteration also updates `u`."""
        kernel = self.layer.kernel
        matrix = ops.reshape(kernel, (-1, kernel.shape[-1]))
        u = _l2_normalize(ops.cast(self.u, matrix.dtype))
        # The vectors are constants of the gradient, as in the paper's Algorithm 1.
        weights = ops.stop_gradient(matrix)
        for _ in range(self.power_iterations if training else 0):
            v = _l2_normalize(ops.matmul(u, ops.transpose(weights)))
            u = _l2_normalize(ops.matmul(v, weights))
        if training:
            self.u.assign(ops.cast(u, self.u.dtype))
        v = ops.stop_gradient(_l2_normalize(ops.matmul(u, ops.transpose(weights))))
        sigma = ops.sum(ops.matmul(v, matrix) * ops.stop_gradient(u))
        return kernel / sigma

    def call(self, inputs, training=False):
        return _apply_with_kernel(self.layer, inputs, self.normalized_kernel(training))

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
