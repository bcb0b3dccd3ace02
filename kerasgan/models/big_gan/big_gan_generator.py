"""BigGAN's generator: residual up-blocks with conditional batch norm and skip-z."""

import keras
from keras import layers

from kerasgan.layers.linear_conditional_batch_norm import LinearConditionalBatchNormalization
from kerasgan.layers.self_attention import SelfAttention2D
from kerasgan.models.networks import Network
from kerasgan.models.networks import _image_shape
from kerasgan.models.networks import _label_input
from kerasgan.models.networks import _num_classes
from kerasgan.models.networks import _policy
from kerasgan.models.networks import _sn
from kerasgan.models.networks import upsampling_steps


def latent_slots(data_shape):
    """How many chunks BigGAN splits the latent vector into: one per block, plus one
    for the seed map."""
    steps, _ = upsampling_steps(data_shape)
    return steps + 1


def check_latent_dim(latent_dim, data_shape):
    """`latent_dim`, which must split into equal chunks, one per latent slot."""
    slots = latent_slots(data_shape)
    if int(latent_dim) != latent_dim or latent_dim < slots or latent_dim % slots:
        below, above = latent_dim // slots * slots, (latent_dim // slots + 1) * slots
        raise ValueError(
            f"BigGAN splits the latent vector into {slots} equal chunks for "
            f"data_shape={tuple(data_shape)} (one for the seed map, one per block: "
            f"hierarchical latents); latent_dim={latent_dim} does not divide. Use a "
            f"multiple of {slots}, e.g. {max(below, slots)} or {above} (120 divides for "
            "every image size from 28 to 128)."
        )
    return int(latent_dim)


def attention_side(data_shape):
    """The side of the feature map that gets self-attention: half the image's."""
    return data_shape[0] // 2


def generator_block(x, condition, filters, name, dtype=None):
    """BigGAN's up-block: CBN → ReLU → ×2 → conv3 → CBN → ReLU → conv3, plus a
    learned 1×1 shortcut of the upsampled input."""

    def conv(kernel, suffix):
        layer = layers.Conv2D(filters, kernel, padding="same", name=f"{name}_{suffix}",
                              dtype=dtype)
        return _sn(layer, True, dtype)

    def cbn(suffix):
        return LinearConditionalBatchNormalization(name=f"{name}_{suffix}", dtype=dtype)

    h = layers.ReLU(dtype=dtype)(cbn("cbn1")([x, condition]))
    h = layers.UpSampling2D(2, dtype=dtype)(h)
    h = conv(3, "conv1")(h)
    h = layers.ReLU(dtype=dtype)(cbn("cbn2")([h, condition]))
    h = conv(3, "conv2")(h)
    shortcut = conv(1, "shortcut")(layers.UpSampling2D(2, dtype=dtype)(x))
    return layers.Add(dtype=dtype)([h, shortcut])


@keras.saving.register_keras_serializable(package="kerasgan")
class BigGANGenerator(Network):
    """BigGAN's class-conditional generator, from `[latents, labels]` to images.

    The latent vector is split into equal chunks (hierarchical latents, "skip-z"):
    the first becomes the seed map (4 to 7 px a side) through a linear layer, and
    each residual up-block gets its own chunk joined to a class embedding shared by
    all blocks; the block's conditional batch norms
    (`kerasgan.layers.LinearConditionalBatchNormalization`) project that vector to
    their gains and biases. Self-attention on the feature map of half the image's
    side; batch norm, ReLU, a 3×3 convolution and tanh at the end. Every linear and
    convolution layer is spectrally normalized, as in the paper. Every block has
    `filters` channels (BigGAN's 32×32 architecture: `filters=256`).

    Args:
        latent_dim: size of the latent vector; a multiple of the number of chunks
            (blocks + 1: 4 for 32×32, 3 for 28×28; 120 divides for every size).
        data_shape: `(height, width, channels)`, sides s·2^k with s in 4..7, k ≥ 2.
        num_classes: number of classes.
        filters: channels of every block.
        shared_dim: size of the shared class embedding.
        attention: add self-attention at half the image's side.
        name, dtype, **kwargs: as for every kerasgan network.

    Example:

    ```python
    generator = BigGANGenerator(latent_dim=120, data_shape=(32, 32, 1), num_classes=10)
    images = generator([keras.random.normal((4, 120)), np.array([0, 1, 2, 3])])
    ```

    Paper: Brock et al. 2019, https://arxiv.org/abs/1809.11096 (Appendix B, Fig. 15)
    """

    def __init__(self, latent_dim, data_shape, num_classes, filters=64, shared_dim=128,
                 attention=True, name="generator", dtype=None, **kwargs):
        data_shape = _image_shape(data_shape, type(self).__name__)
        latent_dim = check_latent_dim(latent_dim, data_shape)
        num_classes = _num_classes(num_classes)
        policy = _policy(dtype)
        steps, (seed_h, seed_w) = upsampling_steps(data_shape)
        chunk = latent_dim // (steps + 1)
        latents = keras.Input((latent_dim,), name="latents")
        labels = _label_input()
        shared = layers.Embedding(num_classes, int(shared_dim), name="shared_embedding",
                                  dtype=policy)(labels)
        chunks = [latents[:, i * chunk:(i + 1) * chunk] for i in range(steps + 1)]
        seed = _sn(layers.Dense(seed_h * seed_w * int(filters), name="seed", dtype=policy),
                   True, policy)(chunks[0])
        x = layers.Reshape((seed_h, seed_w, int(filters)), dtype=policy)(seed)
        for i in range(steps):
            condition = layers.Concatenate(dtype=policy)([shared, chunks[i + 1]])
            x = generator_block(x, condition, int(filters), f"block{i}", policy)
            if attention and x.shape[1] == attention_side(data_shape):
                x = SelfAttention2D(name="attention", dtype=policy)(x)
        x = layers.ReLU(dtype=policy)(layers.BatchNormalization(dtype=policy)(x))
        output = _sn(layers.Conv2D(data_shape[-1], 3, padding="same", name="to_image",
                                   dtype="float32"), True, "float32")(x)
        images = layers.Activation("tanh", dtype="float32")(output)
        self._init_functional([latents, labels], images, dtype, name=name, **kwargs)
        self.latent_dim, self.data_shape, self.num_classes = latent_dim, data_shape, num_classes
        self.filters, self.shared_dim = int(filters), int(shared_dim)
        self.attention = bool(attention)

    @property
    def regularized_variables(self):
        """The weights orthogonal regularization applies to: all but the shared class
        embedding, which BigGAN leaves out."""
        return [v for v in self.trainable_variables if "shared_embedding" not in v.path]

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "num_classes": self.num_classes,
            "filters": self.filters,
            "shared_dim": self.shared_dim,
            "attention": self.attention,
        }
