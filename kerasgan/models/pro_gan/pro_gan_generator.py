"""ProGAN's generator: every resolution's block built up front, the active stage and
the fade-in α chosen per call."""

import math

import keras
from keras import ops

from kerasgan.engine.gan import count_argument
from kerasgan.layers.equalized import EqualizedConv2D
from kerasgan.layers.equalized import EqualizedDense
from kerasgan.layers.pixel_normalization import PixelNormalization
from kerasgan.models import image_blocks
from kerasgan.models.networks import SubclassedGenerator
from kerasgan.models.style_gan.style_gan_generator import BASE_RESOLUTION
from kerasgan.models.style_gan.style_gan_generator import channels_at
from kerasgan.models.style_gan.style_gan_generator import resolutions

#: He gain of the convolutions before a leaky ReLU (the reference's `get_weight`).
HE_GAIN = math.sqrt(2.0)


def check_progressive_shape(data_shape):
    """Square images with a power-of-two side of at least 8 px (two stages at least:
    4×4, then one growth); the shape back."""
    data_shape = image_blocks.image_shape(data_shape, "data_shape")
    height, width = data_shape[:2]
    if height != width or height < 2 * BASE_RESOLUTION or not image_blocks.is_power_of_two(
            height):
        raise ValueError(
            "ProGAN grows its networks from 4×4, doubling the resolution at every "
            "stage: the images must be square with a power-of-two side of at least 8 px "
            f"(e.g. 32×32); got {height}×{width}. Pad or resize them, e.g. "
            "kerasgan.data.load('fashion-mnist', image_size=32).")
    return data_shape


def stage_side(stage):
    """The side of the images at `stage` (0 → 4, 1 → 8, ...)."""
    return BASE_RESOLUTION * 2**stage


def upscale(x, factor=2):
    """Nearest-neighbour up-sampling by an integer factor (the reference's `upscale2d`)."""
    if factor == 1:
        return x
    return ops.repeat(ops.repeat(x, factor, axis=1), factor, axis=2)


def downscale(x, factor=2):
    """Box-filter down-sampling by an integer factor (the reference's `downscale2d`)."""
    if factor == 1:
        return x
    return ops.average_pool(x, factor, factor, padding="valid")


def fade(old, new, alpha):
    """`(1 - α)·old + α·new`: exactly `new` at α = 1 and `old` at α = 0."""
    alpha = ops.cast(alpha, new.dtype)
    # keras.ops throughout: the networks are built by symbolic calls.
    return ops.add(ops.multiply(ops.subtract(1.0, alpha), ops.cast(old, new.dtype)),
                   ops.multiply(alpha, new))


def conv(filters, kernel_size, dtype):
    """ProGAN's equalized convolution with leaky ReLU (He gain on the weights)."""
    return EqualizedConv2D(filters, kernel_size, gain=HE_GAIN, activation="lrelu",
                           activation_gain=1.0, dtype=dtype)


@keras.saving.register_keras_serializable(package="kerasgan")
class ProGANGenerator(SubclassedGenerator):
    """z → images: the progressively grown generator of Karras et al. 2018.

    All resolutions' layers exist from the start (so the variables never change
    while the network grows); `synthesize(z, stage, alpha)` runs the blocks up to
    `stage` (0 is 4×4, the last the images' side). The 4×4 block normalizes z
    (pixel norm), maps it with a dense layer to 4×4 features and applies one 3×3
    convolution; every later block up-samples (nearest) and applies two 3×3
    convolutions. Every convolution has an equalized learning rate and is followed
    by a leaky ReLU (0.2) and pixel-wise feature normalization. A 1×1 toRGB per
    resolution, linear: no output activation, as in the paper. During the fade-in
    of a new stage the output is `(1 - α)·upscale(toRGB_old(x_old)) +
    α·toRGB_new(x_new)` (Figure 2 of the paper).

    `call(z)` is the complete network (the last stage, no fade).

    Args:
        latent_dim: size of z.
        data_shape: `(size, size, channels)`, size a power of two ≥ 8.
        filters: channels at the output resolution, doubling per halving (the
            reference's `fmap_base / resolution`).
        max_filters: at most this many channels (512 in the paper).
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    g = kerasgan.models.ProGANGenerator(64, (32, 32, 1), filters=16, max_filters=64)
    z = np.zeros((2, 64), "float32")
    g(z).shape                              # (2, 32, 32, 1)
    g.synthesize(z, stage=1, alpha=0.5).shape  # (2, 8, 8, 1), fading 8×8 in
    ```

    Paper: Karras et al. 2018, https://arxiv.org/abs/1710.10196
    """

    def __init__(self, latent_dim, data_shape, filters=32, max_filters=256,
                 name="generator", dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.data_shape = check_progressive_shape(data_shape)
        self.latent_dim = count_argument(latent_dim, "latent_dim")
        self.filters, self.max_filters = int(filters), int(max_filters)
        width = [channels_at(r, self.data_shape, self.filters, self.max_filters)
                 for r in resolutions(self.data_shape)]
        self.num_stages = len(width)
        self.pixel_norm = PixelNormalization(dtype=dtype)
        # The reference's gain √2/4 on the 4×4 dense layer ("to match the original
        # Theano implementation").
        self.dense = EqualizedDense(BASE_RESOLUTION**2 * width[0], gain=HE_GAIN / 4,
                                    activation="lrelu", activation_gain=1.0, dtype=dtype)
        self.blocks = [[conv(width[0], 3, dtype)]]
        self.blocks += [[conv(w, 3, dtype), conv(w, 3, dtype)] for w in width[1:]]
        self.to_rgbs = [EqualizedConv2D(self.data_shape[-1], 1, dtype="float32")
                        for _ in width]
        self.build((None, self.latent_dim))

    def build(self, input_shape):
        # Symbolic calls (shapes only) build every block and toRGB.
        z = keras.KerasTensor((1, self.latent_dim), "float32")
        for stage in range(self.num_stages):
            self.synthesize(z, stage, alpha=0.5 if stage else None)
        self.built = True

    def features(self, z, stage, training=False):
        """The features of the blocks `stage - 1` (None at stage 0) and `stage`."""
        x = self.dense(self.pixel_norm(z))
        x = ops.reshape(x, (-1, BASE_RESOLUTION, BASE_RESOLUTION, self.blocks[0][0].filters))
        x = self.pixel_norm(x)
        previous = None
        for index, block in enumerate(self.blocks[:stage + 1]):
            if index:
                previous, x = x, upscale(x)
            for layer in block:
                x = self.pixel_norm(layer(x))
        return previous, x

    def synthesize(self, z, stage, alpha=None, training=False):
        """Images at `stage_side(stage)` px, fading the stage in with `alpha`.

        Args:
            z: latents `(batch, latent_dim)`.
            stage: a Python int in `[0, num_stages)`.
            alpha: the fade-in α (a number, tensor or variable); None (or stage 0)
                runs the stage's network alone, as `alpha=1` does.
            training: unused (no layer differs in training); kept for Keras.
        """
        previous, x = self.features(z, stage, training)
        image = self.to_rgbs[stage](x)
        if alpha is None or stage == 0:
            return image
        return fade(upscale(self.to_rgbs[stage - 1](previous)), image, alpha)

    def call(self, z, training=False):
        """z → images at the full resolution (the complete network)."""
        return self.synthesize(z, self.num_stages - 1, training=training)

    def get_config(self):
        return {**self._base_config(), "latent_dim": self.latent_dim,
                "data_shape": self.data_shape, "filters": self.filters,
                "max_filters": self.max_filters}
