"""BigGAN's discriminator: residual down-blocks, self-attention, projection."""

import keras
from keras import layers
from keras import ops

from kerasgan.layers.self_attention import SelfAttention2D
from kerasgan.models.big_gan.big_gan_generator import attention_side
from kerasgan.models.networks import Network
from kerasgan.models.networks import _image_shape
from kerasgan.models.networks import _label_input
from kerasgan.models.networks import _num_classes
from kerasgan.models.networks import _policy
from kerasgan.models.networks import _projection
from kerasgan.models.networks import _sn
from kerasgan.models.networks import upsampling_steps


def discriminator_block(x, filters, name, downsample=True, preactivation=True, dtype=None):
    """BigGAN's down-block: (ReLU →) conv3 → ReLU → conv3 (→ 2×2 average pool), plus a
    1×1 shortcut (pooled after the convolution with pre-activation, before it
    without, as BigGAN-PyTorch's DBlock)."""

    def conv(kernel, suffix):
        layer = layers.Conv2D(filters, kernel, padding="same", name=f"{name}_{suffix}",
                              dtype=dtype)
        return _sn(layer, True, dtype)

    def pool(tensor):
        return layers.AveragePooling2D(2, dtype=dtype)(tensor) if downsample else tensor

    h = layers.ReLU(dtype=dtype)(x) if preactivation else x
    h = conv(3, "conv1")(h)
    h = conv(3, "conv2")(layers.ReLU(dtype=dtype)(h))
    h = pool(h)
    if not (downsample or x.shape[-1] != filters):
        return layers.Add(dtype=dtype)([h, x])
    shortcut = pool(conv(1, "shortcut")(x)) if preactivation else conv(1, "shortcut")(pool(x))
    return layers.Add(dtype=dtype)([h, shortcut])


@keras.saving.register_keras_serializable(package="kerasgan")
class BigGANDiscriminator(Network):
    """BigGAN's class-conditional discriminator, from `[images, labels]` to a logit.

    Residual down-blocks to the seed map's size (4 to 7 px), self-attention on the
    map of half the image's side, one more block at that size, ReLU, a sum over
    positions, then `logit = w·φ(x) + embed(y)·φ(x)`: the projection discriminator of
    Miyato & Koyama (2018). Spectral normalization on every convolution and linear
    layer (not on the projection's embedding). Every block has `filters` channels.

    Args:
        data_shape: `(height, width, channels)`, sides s·2^k with s in 4..7, k ≥ 2.
        num_classes: number of classes.
        filters: channels of every block.
        attention: add self-attention at half the image's side.
        name, dtype, **kwargs: as for every kerasgan network.

    Example:

    ```python
    discriminator = BigGANDiscriminator(data_shape=(32, 32, 1), num_classes=10)
    logits = discriminator([images, labels])   # (batch, 1)
    ```

    Paper: Brock et al. 2019, https://arxiv.org/abs/1809.11096 (Appendix B, Fig. 15)
    """

    def __init__(self, data_shape, num_classes, filters=64, attention=True,
                 name="discriminator", dtype=None, **kwargs):
        data_shape = _image_shape(data_shape, type(self).__name__)
        num_classes = _num_classes(num_classes)
        policy = _policy(dtype)
        steps, _ = upsampling_steps(data_shape)
        images = keras.Input(data_shape, name="images")
        labels = _label_input()
        x = images
        for i in range(steps):
            x = discriminator_block(x, int(filters), f"block{i}", preactivation=i > 0,
                                    dtype=policy)
            if attention and x.shape[1] == attention_side(data_shape):
                x = SelfAttention2D(name="attention", dtype=policy)(x)
        x = discriminator_block(x, int(filters), f"block{steps}", downsample=False,
                                dtype=policy)
        features = ops.sum(layers.ReLU(dtype=policy)(x), axis=(1, 2))
        linear = _sn(layers.Dense(1, name="logit", dtype="float32"), True, "float32")
        projection = _projection(features, labels, num_classes, policy)
        logits = layers.Add(dtype="float32")([linear(features), projection])
        self._init_functional([images, labels], logits, dtype, name=name, **kwargs)
        self.data_shape, self.num_classes = data_shape, num_classes
        self.filters, self.attention = int(filters), bool(attention)

    def get_config(self):
        return {
            **self._base_config(),
            "data_shape": self.data_shape,
            "num_classes": self.num_classes,
            "filters": self.filters,
            "attention": self.attention,
        }
