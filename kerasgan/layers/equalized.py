"""Equalized learning rate (Karras et al., ProGAN and StyleGAN): weights stored as
N(0, 1/lr_multiplier) and scaled at run time by `gain · lr_multiplier / √fan_in`.

Scaling at run time instead of at initialisation gives every weight the same dynamic
range, so Adam's per-parameter step size moves all layers at the same relative
speed; `lr_multiplier` (0.01 in StyleGAN's mapping network) slows a layer down
without a separate optimizer.
"""

import math

import keras
from keras import ops

ACTIVATIONS = (None, "linear", "lrelu")


@keras.saving.register_keras_serializable(package="kerasgan")
class ScaledLeakyReLU(keras.layers.Layer):
    """`leaky_relu(x, negative_slope) · gain`: StyleGAN2's `lrelu` (slope 0.2, gain √2).

    The gain √2 keeps the second moment of unit-variance features through the
    activation (He et al. 2015), which equalized-learning-rate layers rely on.

    Args:
        negative_slope: slope for x < 0.
        gain: the factor applied after the activation.
        **kwargs: base layer arguments.
    """

    def __init__(self, negative_slope=0.2, gain=math.sqrt(2.0), **kwargs):
        super().__init__(**kwargs)
        self.negative_slope, self.gain = float(negative_slope), float(gain)

    def call(self, inputs):
        return ops.leaky_relu(inputs, self.negative_slope) * self.gain

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope,
                "gain": self.gain}


def check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}.")
    return activation


class _EqualizedLayer(keras.layers.Layer):
    """What the equalized Dense and Conv2D share: scales, bias, activation, config."""

    def __init__(self, use_bias=True, bias_initializer=0.0, lr_multiplier=1.0, gain=1.0,
                 activation=None, activation_gain=None, **kwargs):
        super().__init__(**kwargs)
        if not float(lr_multiplier) > 0:
            raise ValueError(f"lr_multiplier must be > 0; got {lr_multiplier}.")
        self.use_bias, self.bias_initializer = bool(use_bias), float(bias_initializer)
        self.lr_multiplier, self.gain = float(lr_multiplier), float(gain)
        self.activation = check_activation(activation)
        default_gain = math.sqrt(2.0) if activation == "lrelu" else 1.0
        self.activation_gain = float(default_gain if activation_gain is None else activation_gain)

    def _add_parameters(self, kernel_shape, fan_in, units):
        # The stored weights have the spread 1/lr_multiplier and the runtime scale
        # multiplies lr_multiplier back: the effective weight starts at N(0, gain²/fan_in).
        self.kernel = self.add_weight(
            shape=kernel_shape, name="kernel",
            initializer=keras.initializers.RandomNormal(0.0, 1.0 / self.lr_multiplier))
        self.weight_scale = self.gain * self.lr_multiplier / math.sqrt(fan_in)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(units,), name="bias",
                initializer=keras.initializers.Constant(self.bias_initializer))

    def _finish(self, outputs):
        if self.bias is not None:
            outputs = outputs + self.bias * self.lr_multiplier
        if self.activation == "lrelu":
            outputs = ops.leaky_relu(outputs, 0.2)
        return outputs * self.activation_gain if self.activation_gain != 1.0 else outputs

    def get_config(self):
        return {**super().get_config(), "use_bias": self.use_bias,
                "bias_initializer": self.bias_initializer,
                "lr_multiplier": self.lr_multiplier, "gain": self.gain,
                "activation": self.activation, "activation_gain": self.activation_gain}


@keras.saving.register_keras_serializable(package="kerasgan")
class EqualizedDense(_EqualizedLayer):
    """A dense layer with an equalized learning rate (StyleGAN2's FullyConnectedLayer).

    `y = act(x · W · gain·lr_multiplier/√fan_in + b · lr_multiplier) · activation_gain`
    with W stored as N(0, 1/lr_multiplier) and b starting at `bias_initializer`
    (StyleGAN2's style affines start their bias at 1: styles near 1 at first).

    Args:
        units: output features.
        use_bias: add a bias.
        bias_initializer: the bias's initial value (a number).
        lr_multiplier: the layer's learning-rate multiplier (0.01 in the mapping
            network).
        gain: a factor of the runtime weight scale (√2 for ProGAN's He scaling).
        activation: None (linear) or "lrelu" (leaky ReLU, slope 0.2).
        activation_gain: the factor after the activation; None: √2 for "lrelu",
            1 otherwise (StyleGAN2's `bias_act` gains).
        **kwargs: base layer arguments.

    Example:

    ```python
    layer = kerasgan.layers.EqualizedDense(64, lr_multiplier=0.01, activation="lrelu")
    layer(np.zeros((2, 32), "float32")).shape  # (2, 64)
    ```

    Paper: Karras et al. 2018, https://arxiv.org/abs/1710.10196 (Section 4.1).
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self._add_parameters((fan_in, self.units), fan_in, self.units)

    def call(self, inputs):
        return self._finish(ops.matmul(inputs, self.kernel * self.weight_scale))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="kerasgan")
class EqualizedConv2D(_EqualizedLayer):
    """A 2-D convolution with an equalized learning rate (channels last).

    As `EqualizedDense`, with `fan_in = kernel_size² · input channels`; zero
    padding "same" or "valid", strides as `keras.layers.Conv2D`.

    Args:
        filters: output channels.
        kernel_size: an int, the side of the square kernel.
        strides: an int.
        padding: "same" or "valid".
        **kwargs: `EqualizedDense`'s arguments (`use_bias`, `bias_initializer`,
            `lr_multiplier`, `gain`, `activation`, `activation_gain`) and base layer
            arguments.

    Example:

    ```python
    conv = kerasgan.layers.EqualizedConv2D(16, 3, activation="lrelu")
    conv(np.zeros((2, 8, 8, 3), "float32")).shape  # (2, 8, 8, 16)
    ```

    Paper: Karras et al. 2018, https://arxiv.org/abs/1710.10196 (Section 4.1).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="same", **kwargs):
        super().__init__(**kwargs)
        if padding not in ("same", "valid"):
            raise ValueError(f'padding must be "same" or "valid"; got {padding!r}.')
        self.filters, self.kernel_size = int(filters), int(kernel_size)
        self.strides, self.padding = int(strides), padding

    def build(self, input_shape):
        channels = int(input_shape[-1])
        shape = (self.kernel_size, self.kernel_size, channels, self.filters)
        self._add_parameters(shape, self.kernel_size**2 * channels, self.filters)

    def call(self, inputs):
        outputs = ops.conv(inputs, self.kernel * self.weight_scale, strides=self.strides,
                           padding=self.padding)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        size = [input_shape[1], input_shape[2]]
        for i, side in enumerate(size):
            if side is not None:
                extent = side if self.padding == "same" else side - self.kernel_size + 1
                size[i] = (extent + self.strides - 1) // self.strides
        return (input_shape[0], *size, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding}
