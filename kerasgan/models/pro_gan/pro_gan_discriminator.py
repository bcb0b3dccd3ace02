"""ProGAN's discriminator: every resolution's fromRGB and block built up front, the
active stage and the fade-in α chosen per call."""

import keras
from keras import ops

from kerasgan.layers.equalized import EqualizedDense
from kerasgan.layers.minibatch_stddev import MinibatchStdDev
from kerasgan.models.pro_gan.pro_gan_generator import HE_GAIN
from kerasgan.models.pro_gan.pro_gan_generator import check_progressive_shape
from kerasgan.models.pro_gan.pro_gan_generator import conv
from kerasgan.models.pro_gan.pro_gan_generator import downscale
from kerasgan.models.pro_gan.pro_gan_generator import fade
from kerasgan.models.pro_gan.pro_gan_generator import stage_side
from kerasgan.models.style_gan.style_gan_generator import channels_at
from kerasgan.models.style_gan.style_gan_generator import resolutions


@keras.saving.register_keras_serializable(package="kerasgan")
class ProGANDiscriminator(keras.Model):
    """Images → one score: the progressively grown critic of Karras et al. 2018.

    All resolutions' layers exist from the start; `score(images, stage, alpha)`
    takes images of `stage_side(stage)` px: a 1×1 fromRGB (leaky ReLU) at that
    resolution, then per resolution down to 8×8 two 3×3 convolutions and a 2×2
    average pool, then the 4×4 epilogue: minibatch standard deviation (one extra
    channel, groups of `mbstd_group_size`), a 3×3 convolution, a dense layer and a
    linear output. Equalized learning rate and leaky ReLU (0.2) throughout, no
    normalization (the WGAN-GP penalty is per example). During the fade-in of a
    stage the features entering the next-lower block are `(1 - α)·fromRGB_old(
    downscale(images)) + α·block_new(fromRGB_new(images))`.

    `call(images)` is the complete network (full resolution, no fade).

    Args:
        data_shape: `(size, size, channels)`, size a power of two ≥ 8.
        filters: channels at the input resolution, doubling per halving.
        max_filters: at most this many channels.
        mbstd_group_size: examples per minibatch-stddev group (4); a batch must be
            a multiple of it or smaller.
        name, dtype, **kwargs: `keras.Model` arguments.

    Example:

    ```python
    d = kerasgan.models.ProGANDiscriminator((32, 32, 1), filters=16, max_filters=64)
    d(np.zeros((4, 32, 32, 1), "float32")).shape                    # (4, 1)
    d.score(np.zeros((4, 8, 8, 1), "float32"), stage=1, alpha=0.5).shape  # (4, 1)
    ```

    Paper: Karras et al. 2018, https://arxiv.org/abs/1710.10196
    """

    def __init__(self, data_shape, filters=32, max_filters=256, mbstd_group_size=4,
                 name="discriminator", dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.data_shape = check_progressive_shape(data_shape)
        self.filters, self.max_filters = int(filters), int(max_filters)
        self.mbstd_group_size = int(mbstd_group_size)
        width = [channels_at(r, self.data_shape, self.filters, self.max_filters)
                 for r in resolutions(self.data_shape)]
        self.num_stages = len(width)
        self.from_rgbs = [conv(w, 1, dtype) for w in width]
        # blocks[k] takes stage k's features to stage k - 1's resolution and width.
        self.blocks = [None] + [[conv(width[k], 3, dtype), conv(width[k - 1], 3, dtype)]
                                for k in range(1, len(width))]
        self.stddev = MinibatchStdDev(self.mbstd_group_size, dtype=dtype)
        self.epilogue = [conv(width[0], 3, dtype),
                         EqualizedDense(width[0], gain=HE_GAIN, activation="lrelu",
                                        activation_gain=1.0, dtype=dtype)]
        self.output_layer = EqualizedDense(1, dtype="float32")
        self.build((None,) + self.data_shape)

    def build(self, input_shape):
        for stage in range(self.num_stages):
            side = stage_side(stage)
            images = keras.KerasTensor((self.mbstd_group_size, side, side,
                                        self.data_shape[-1]), "float32")
            self.score(images, stage, alpha=0.5 if stage else None)
        self.built = True

    def score(self, images, stage, alpha=None, training=False):
        """One score per example of images at `stage_side(stage)` px.

        Args:
            images: `(batch, side, side, channels)`.
            stage: a Python int in `[0, num_stages)`.
            alpha: the fade-in α; None (or stage 0) runs the stage's network alone,
                as `alpha=1` does.
            training: unused; kept for Keras.
        """
        x = self.from_rgbs[stage](images)
        for index in range(stage, 0, -1):
            x = downscale(self.blocks[index][1](self.blocks[index][0](x)))
            if index == stage and alpha is not None:
                x = fade(self.from_rgbs[stage - 1](downscale(images)), x, alpha)
        x = self.epilogue[0](self.stddev(x))
        x = ops.reshape(x, (-1, x.shape[1] * x.shape[2] * x.shape[3]))
        return self.output_layer(self.epilogue[1](x))

    def call(self, images, training=False):
        """Images at the full resolution → scores (the complete network)."""
        return self.score(images, self.num_stages - 1, training=training)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy),
                "data_shape": self.data_shape, "filters": self.filters,
                "max_filters": self.max_filters,
                "mbstd_group_size": self.mbstd_group_size}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
