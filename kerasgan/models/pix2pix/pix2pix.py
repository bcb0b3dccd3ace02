"""Pix2Pix: paired image-to-image translation with a conditional GAN and an L1 loss."""

import keras
from keras import ops

from kerasgan import losses
from kerasgan.engine.phase import Phase
from kerasgan.models.pix2pix.patch_discriminator import PatchDiscriminator
from kerasgan.models.pix2pix.unet_generator import UNetGenerator
from kerasgan.models.translation import ImageTranslator
from kerasgan.models.translation import check_same_size


@keras.saving.register_keras_serializable(package="kerasgan")
class Pix2Pix(ImageTranslator):
    """Pix2Pix (Isola et al. 2017): a U-Net G and a PatchGAN D judging (source, image) pairs.

    Trained on paired batches `(source, target)`, both in [-1, 1]. G minimises
    `adversarial_weight · L_cGAN + l1_weight · |target − G(source)|₁`; D minimises
    the logistic loss on (source, target) against (source, G(source)), halved as in
    the paper ("we divide the objective by 2 while optimizing D", §3.3). Setting
    `adversarial_weight=0` gives the paper's "L1" ablation, `l1_weight=0` its "cGAN".

    Args:
        data_shape: `(height, width, channels)` of the source images.
        target_shape: shape of the target images (same height and width); default
            `data_shape`.
        g_filters: filters of the U-Net's first layer (64 in the paper).
        d_filters: filters of the PatchGAN's first layer (64 in the paper).
        d_layers: PatchGAN stride-2 layers; None follows the image size (3 → 70 px
            patches at 256 px, 1 → 16 px patches at 32 px).
        dropout: the U-Net decoder's dropout (0.5).
        l1_weight: λ of the L1 term (100).
        adversarial_weight: weight of the adversarial term of G's loss (1).
        loss: the adversarial loss, a name or `kerasgan.losses.AdversarialLoss`
            (default `"non_saturating"`, the paper's).
        seed, ema_decay, **kwargs: `kerasgan.AdversarialModel` arguments.

    Example:

    ```python
    p2p = kerasgan.models.Pix2Pix(data_shape=(32, 32, 1), target_shape=(32, 32, 1))
    p2p.compile()                              # Adam(2e-4, β1=0.5) for G and D
    p2p.fit((edges, images), batch_size=8, epochs=1)
    out = p2p.translate(edges[:4])             # NumPy, in [-1, 1]
    ```

    Paper: https://arxiv.org/abs/1611.07004
    """

    input_names = ("source", "target")

    def __init__(self, data_shape=(32, 32, 1), target_shape=None, g_filters=64,
                 d_filters=64, d_layers=None, dropout=0.5, l1_weight=100.0,
                 adversarial_weight=1.0, loss="non_saturating", seed=None, **kwargs):
        data_shape = tuple(int(d) for d in data_shape)
        target_shape = tuple(int(d) for d in (target_shape or data_shape))
        check_same_size("Pix2Pix", (data_shape, target_shape), ("data_shape", "target_shape"),
                        "maps each source pixel to a target pixel (SRGAN changes the size)")
        networks = {
            "generator": UNetGenerator(data_shape, target_shape[-1], g_filters, dropout=dropout),
            "discriminator": PatchDiscriminator(
                target_shape, condition_shape=data_shape, filters=d_filters, layers=d_layers
            ),
        }
        super().__init__(networks, data_shape, target_shape, seed=seed, **kwargs)
        self.data_shape, self.target_shape = data_shape, target_shape
        self.g_filters, self.d_filters, self.dropout = int(g_filters), int(d_filters), float(dropout)
        self.d_layers = d_layers
        self.l1_weight, self.adversarial_weight = float(l1_weight), float(adversarial_weight)
        self.loss = losses.get(loss)

    @classmethod
    def for_data_shapes(cls, shapes, **kwargs):
        return cls(data_shape=shapes[0], target_shape=shapes[1], **kwargs)

    def default_optimizers(self):
        """The paper's (§3.3, Appendix 6.2): Adam(2e-4, β1=0.5) for G and D."""
        return {"g": keras.optimizers.Adam(2e-4, beta_1=0.5),
                "d": keras.optimizers.Adam(2e-4, beta_1=0.5)}

    def phases(self):
        return [
            Phase("discriminator", self.discriminator_loss, "discriminator", "d",
                  logs=("d_loss",)),
            Phase("generator", self.generator_loss, "generator", "g",
                  logs=("g_loss", "g_adversarial", "l1")),
        ]

    def discriminator_loss(self, source, target):
        fake = ops.stop_gradient(self.generator(source, training=True))
        real_logits = self.discriminator([source, target], training=True)
        fake_logits = self.discriminator([source, fake], training=True)
        loss = 0.5 * self.loss.discriminator_loss(real_logits, fake_logits)
        return loss, {"d_loss": loss}

    def generator_loss(self, source, target):
        fake = self.generator(source, training=True)
        adversarial = self.loss.generator_loss(self.discriminator([source, fake], training=True))
        l1 = ops.mean(ops.abs(ops.cast(target, fake.dtype) - fake))
        loss = self.adversarial_weight * adversarial + self.l1_weight * l1
        return loss, {"g_loss": loss, "g_adversarial": adversarial, "l1": l1}

    def translator(self, direction=None):
        if direction is not None:
            raise ValueError("Pix2Pix translates one way: call translate(x) without direction.")
        return self.generator

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "target_shape": self.target_shape, "g_filters": self.g_filters,
                "d_filters": self.d_filters, "d_layers": self.d_layers,
                "dropout": self.dropout, "l1_weight": self.l1_weight,
                "adversarial_weight": self.adversarial_weight,
                "loss": keras.saving.serialize_keras_object(self.loss)}
