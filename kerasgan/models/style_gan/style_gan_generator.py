"""StyleGAN2's generator: mapping network, constant input, modulated convolutions,
noise, and the skip (one toRGB per resolution, summed) or residual architecture."""

import math

import keras
from keras import ops

from kerasgan.layers.adain_conv import AdaINConv2D
from kerasgan.layers.equalized import EqualizedConv2D
from kerasgan.layers.equalized import ScaledLeakyReLU
from kerasgan.layers.fir_resample import Upsample2D
from kerasgan.layers.modulated_conv import ModulatedConv2D
from kerasgan.layers.noise_injection import NoiseInjection
from kerasgan.models import image_blocks
from kerasgan.models.networks import SubclassedGenerator
from kerasgan.models.style_gan.mapping_network import MappingNetwork

BASE_RESOLUTION = 4  # the learned constant input is 4×4
# Karras et al. 2020, Figure 7: "skip" sums a toRGB image per resolution; "resnet"
# adds an up-sampled 1×1 skip around each block's two convolutions, one toRGB.
ARCHITECTURES = ("skip", "resnet")
# How the synthesis convolutions apply the styles: StyleGAN2's weight demodulation
# (Karras et al. 2020) or the first StyleGAN's AdaIN (Karras et al. 2019).
NORMALIZATIONS = {"demodulation": ModulatedConv2D, "adain": AdaINConv2D}
# Residual sums are scaled by √0.5 to keep the variance (the reference code).
HALF = math.sqrt(0.5)


def check_image_size(data_shape):
    """Square images whose side is a power of two, at least 4 px; the shape back."""
    data_shape = image_blocks.image_shape(data_shape, "data_shape")
    height, width = data_shape[:2]
    if height != width or height < BASE_RESOLUTION or not image_blocks.is_power_of_two(height):
        raise ValueError(
            "StyleGAN's networks double the resolution from 4×4 block by block: the "
            "images must be square with a power-of-two side of at least 4 px (e.g. "
            f"32×32); got {height}×{width}. Pad or resize them, e.g. "
            "kerasgan.data.load('fashion-mnist', image_size=32)."
        )
    return data_shape


def resolutions(data_shape):
    """4, 8, ..., the images' side."""
    return [2**k for k in range(2, int(math.log2(data_shape[0])) + 1)]


def channels_at(resolution, data_shape, filters, max_filters):
    """Channels at `resolution`: `filters` at the images' side, doubling per halving,
    at most `max_filters` (the reference code's `channel_base // res`, capped)."""
    return int(min(filters * (data_shape[0] // resolution), max_filters))


@keras.saving.register_keras_serializable(package="kerasgan")
class StyleGANGenerator(SubclassedGenerator):
    """z → images: StyleGAN2's generator (configuration F, skip or residual).

    `mapping` (a `MappingNetwork`) maps z to w; w is broadcast to `num_ws` copies,
    one per style input, which `synthesis(ws)` consumes: a learned 4×4 constant,
    then per resolution r = 4, 8, ..., size two 3×3 `ModulatedConv2D` layers (one
    at 4×4; the first of the others up-samples ×2), each followed by
    `NoiseInjection` and a leaky ReLU, and a 1×1 toRGB (modulated, not
    demodulated) whose image is added to the up-sampled image of the previous
    resolutions (the "skip" generator of Karras et al. 2020, Figure 7). The toRGB
    of a resolution shares its w with the first convolution of the next, as in the
    reference code, so there are `2·log2(size) - 2` style inputs. No output
    activation: images in roughly [-1, 1], as in the paper.

    With `architecture="resnet"` (Figure 7c) each block after the first is
    `√.5·(its two convolutions) + √.5·conv1×1(up(x))` (the 1×1 convolution without
    bias, after the FIR up-sampling), and only the last resolution has a toRGB; it
    reads the same style input as the skip generator's last toRGB. The paper found
    "skip" better in G and "resnet" in D (its configuration F).

    With `normalization="adain"` the synthesis convolutions are the first
    StyleGAN's style blocks (`AdaINConv2D`: instance normalization of the actual
    feature maps, scaled and shifted by the style, before each convolution) instead
    of modulated/demodulated ones; the constant, noise, frame and toRGBs are the same.

    `w_avg` (non-trainable, 0 at first) tracks the mean of w for the truncation
    trick; the model updates it in training (`track_w_avg`).

    Args:
        latent_dim: size of z.
        data_shape: `(size, size, channels)`, size a power of two ≥ 4.
        w_dim: size of w (default `latent_dim`).
        mapping_layers: layers of the mapping network (8 in the paper).
        mapping_lr_multiplier: its learning-rate multiplier (0.01).
        filters: channels at the output resolution; doubling per halving.
        max_filters: at most this many channels (512 in the paper).
        w_avg_beta: the tracked mean moves as `w_avg ← β·w_avg + (1-β)·mean(w)`.
        architecture: "skip" (the paper's configuration F) or "resnet".
        normalization: "demodulation" (StyleGAN2) or "adain" (the first StyleGAN).
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    g = kerasgan.models.StyleGANGenerator(64, (32, 32, 1), filters=16, max_filters=64)
    g(np.zeros((2, 64), "float32")).shape  # (2, 32, 32, 1)
    ws = g.broadcast(g.mapping(np.zeros((2, 64), "float32")))  # (2, g.num_ws, 64)
    g.synthesis(ws).shape  # (2, 32, 32, 1)
    ```

    Paper: Karras et al. 2020, https://arxiv.org/abs/1912.04958
    """

    def __init__(self, latent_dim, data_shape, w_dim=None, mapping_layers=8,
                 mapping_lr_multiplier=0.01, filters=32, max_filters=256, w_avg_beta=0.995,
                 architecture="skip", normalization="demodulation", name="generator",
                 dtype=None, **kwargs):
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}; got "
                             f"{architecture!r}.")
        if normalization not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {tuple(NORMALIZATIONS)}; got "
                             f"{normalization!r}.")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.architecture, self.normalization = architecture, normalization
        self.data_shape = check_image_size(data_shape)
        self.latent_dim = int(latent_dim)
        self.w_dim = self.latent_dim if w_dim is None else int(w_dim)
        self.mapping_layers, self.mapping_lr_multiplier = int(mapping_layers), float(mapping_lr_multiplier)
        self.filters, self.max_filters = int(filters), int(max_filters)
        self.w_avg_beta = float(w_avg_beta)
        self.mapping = MappingNetwork(self.latent_dim, self.w_dim, self.mapping_layers,
                                      self.mapping_lr_multiplier, dtype=dtype)
        self._build_synthesis(dtype)
        self.w_avg = self.add_weight(shape=(self.w_dim,), name="w_avg", trainable=False,
                                     initializer="zeros")
        self.build((None, self.latent_dim))

    def _build_synthesis(self, dtype):
        sides = resolutions(self.data_shape)
        width = [channels_at(r, self.data_shape, self.filters, self.max_filters) for r in sides]
        self.const = self.add_weight(shape=(BASE_RESOLUTION, BASE_RESOLUTION, width[0]),
                                     name="const",
                                     initializer=keras.initializers.RandomNormal(0.0, 1.0))
        self.convs, self.noises, self.activations, self.to_rgbs = [], [], [], []
        self.skips = []  # "resnet": the 1×1 skip of each block after the first
        style_conv = NORMALIZATIONS[self.normalization]
        for i, channels in enumerate(width):
            for upsample in ([False] if i == 0 else [True, False]):
                self.convs.append(style_conv(channels, 3, upsample=upsample, dtype=dtype))
                self.noises.append(NoiseInjection(dtype=dtype))
                self.activations.append(ScaledLeakyReLU(dtype=dtype))
            if self.architecture == "resnet" and i > 0:
                self.skips.append(EqualizedConv2D(channels, 1, use_bias=False, gain=HALF,
                                                  dtype=dtype))
            if self.architecture == "skip" or i == len(width) - 1:
                self.to_rgbs.append(ModulatedConv2D(self.data_shape[-1], 1, demodulate=False,
                                                    dtype="float32"))
        # Only the layers the architecture calls: an unbuilt one would make Keras
        # rebuild the model from fit()'s data on torch.
        if self.architecture == "skip":
            self.upsample_image = Upsample2D(dtype="float32")
        else:
            self.upsample_features = Upsample2D(dtype=dtype)
        self.num_blocks = len(sides)
        self.num_ws = 2 * len(sides)

    def build(self, input_shape):
        # A subclassed model's layers are built by a first call: a symbolic one
        # (shapes only; an eager call would compile every op on JAX).
        self.synthesis(keras.KerasTensor((1, self.num_ws, self.w_dim), "float32"))
        self.built = True

    def broadcast(self, w):
        """w `(batch, w_dim)` → ws `(batch, num_ws, w_dim)`, one copy per style input."""
        return ops.repeat(ops.expand_dims(w, 1), self.num_ws, axis=1)

    def synthesis(self, ws, training=False):
        """ws `(batch, num_ws, w_dim)` → images; random noise in training, the stored
        constant noise otherwise."""
        batch_ones = ops.ones_like(ws[:, 0, :1])[:, :, None, None]  # (batch, 1, 1, 1)
        x = batch_ones * ops.cast(self.const, ws.dtype)[None]
        image, conv = None, 0
        for block in range(self.num_blocks):
            block_input = x
            for _ in range(1 if block == 0 else 2):
                x = self.convs[conv]([x, ws[:, conv]])
                x = self.activations[conv](self.noises[conv](x, training=training))
                conv += 1
            if self.architecture == "resnet":
                if block > 0:
                    skip = self.skips[block - 1](self.upsample_features(block_input))
                    x = x * HALF + skip
                if block < self.num_blocks - 1:
                    continue
                return self.to_rgbs[0]([x, ws[:, conv]])
            rgb = self.to_rgbs[block]([x, ws[:, conv]])
            image = rgb if image is None else self.upsample_image(image) + rgb
        return image

    def call(self, z, training=False):
        """z → images, without style mixing or truncation (see `kerasgan.models.StyleGAN`)."""
        return self.synthesis(self.broadcast(self.mapping(z, training=training)), training)

    def track_w_avg(self, w):
        """Moves `w_avg` toward the batch mean of w: `w_avg ← lerp(mean(w), w_avg, β)`."""
        mean = ops.mean(ops.cast(ops.stop_gradient(w), "float32"), axis=0)
        self.w_avg.assign(mean + self.w_avg_beta * (self.w_avg - mean))

    def truncate(self, ws, psi=1.0, cutoff=None):
        """`w_avg + ψ·(w - w_avg)` for the style inputs before `cutoff` (all if None)."""
        average = ops.cast(self.w_avg, ws.dtype)[None, None, :]
        truncated = average + psi * (ws - average)
        if cutoff is None or cutoff >= self.num_ws:
            return truncated
        return ops.concatenate([truncated[:, :cutoff], ws[:, cutoff:]], axis=1)

    def get_config(self):
        return {**self._base_config(), "latent_dim": self.latent_dim,
                "data_shape": self.data_shape, "w_dim": self.w_dim,
                "mapping_layers": self.mapping_layers,
                "mapping_lr_multiplier": self.mapping_lr_multiplier,
                "filters": self.filters, "max_filters": self.max_filters,
                "w_avg_beta": self.w_avg_beta, "architecture": self.architecture,
                "normalization": self.normalization}
