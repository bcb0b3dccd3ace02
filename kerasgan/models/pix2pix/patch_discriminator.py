"""The PatchGAN discriminator of Pix2Pix and CycleGAN."""

import math

import keras

from kerasgan.models import image_blocks
from kerasgan.models.networks import Network

MAX_LAYERS = 3  # the paper's 70×70 PatchGAN at 256 px


def default_layers(data_shape):
    """Strided layers for an image size: 3 at 256 px (70×70 patches), 2 at 64, 1 at 32.

    The paper's 70×70 patches cover about a quarter of a 256 px side; keeping each
    patch between a quarter and a half of the side at small sizes keeps the
    discriminator judging texture rather than the whole image.
    """
    side = min(data_shape[:2])
    return max(1, min(MAX_LAYERS, int(math.log2(side)) - 4, image_blocks.halvings(data_shape, 8)))


def receptive_field(strided_layers):
    """The side of the patch one output of a PatchGAN with `strided_layers` sees."""
    field = 4  # the last 4×4 stride-1 convolution
    field += 3  # the stride-1 convolution before it
    for _ in range(strided_layers):
        field = (field - 1) * 2 + 4
    return field


@keras.saving.register_keras_serializable(package="kerasgan")
class PatchDiscriminator(Network):
    """PatchGAN: a grid of real/fake logits, one per overlapping image patch.

    4×4 convolutions: `layers` stride-2 ones (C64-C128-C256; no normalization on
    the first), a stride-1 one, then a 1-channel stride-1 convolution: logits of
    shape `(batch, height / 2^layers, width / 2^layers, 1)`, each judging a patch
    of `receptive_field(layers)` px (70 for the paper's 3 layers, 16 for 1).
    LeakyReLU(0.2) throughout (Isola et al. 2017, §3.2.2 and Appendix 6.1.2).

    With `condition_shape`, the discriminator is conditional (Pix2Pix): it takes
    `[condition, image]` and judges the pair, joined along the channels.

    Args:
        data_shape: `(height, width, channels)` of the images judged.
        condition_shape: shape of the conditioning image (same height and width),
            or None for an unconditional discriminator (CycleGAN).
        filters: filters of the first layer; later ones double, up to 8×.
        layers: stride-2 layers; None picks `default_layers(data_shape)`.
        norm: `"batch"` (Pix2Pix), `"instance"` (CycleGAN) or `"none"`.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    d = kerasgan.models.PatchDiscriminator((32, 32, 1), condition_shape=(32, 32, 1))
    d([np.zeros((2, 32, 32, 1)), np.zeros((2, 32, 32, 1))]).shape  # (2, 16, 16, 1)
    ```
    """

    def __init__(self, data_shape, condition_shape=None, filters=64, layers=None,
                 norm="batch", name="discriminator", dtype=None, **kwargs):
        data_shape = image_blocks.image_shape(data_shape, "data_shape")
        image_blocks.check_norm(norm)
        strided = image_blocks.halving_layers(layers, data_shape, 8, "layers",
                                              default=default_layers(data_shape))
        image = keras.Input(data_shape, name="image")
        inputs, x = image, image
        if condition_shape is not None:
            condition_shape = image_blocks.image_shape(condition_shape, "condition_shape")
            if condition_shape[:2] != data_shape[:2]:
                raise ValueError(
                    f"The condition ({condition_shape}) and the image ({data_shape}) "
                    "must have the same height and width."
                )
            condition = keras.Input(condition_shape, name="condition")
            inputs = [condition, image]
            x = keras.layers.Concatenate(dtype=dtype)([condition, image])
        for i in range(strided + 1):
            stride = 2 if i < strided else 1
            norm_here = "none" if i == 0 else norm
            width = filters * min(2**i, 8)
            x = image_blocks.normalized(
                x, image_blocks.conv(width, 4, stride, norm_here == "none", dtype), norm_here, dtype
            )
            x = keras.layers.LeakyReLU(0.2, dtype=dtype)(x)
        outputs = image_blocks.conv(1, 4, 1, dtype="float32")(x)
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape = data_shape
        self.condition_shape = None if condition_shape is None else tuple(condition_shape)
        self.filters, self.layers_count, self.norm = int(filters), strided, norm

    @property
    def receptive_field(self):
        return receptive_field(self.layers_count)

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "condition_shape": self.condition_shape, "filters": self.filters,
                "layers": self.layers_count, "norm": self.norm}
