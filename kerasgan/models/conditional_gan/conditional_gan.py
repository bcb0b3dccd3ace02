"""Conditional GAN: class labels as inputs of the generator and the discriminator."""

import keras

from kerasgan.models.class_conditional import ClassConditional
from kerasgan.models.class_conditional import check_num_classes
from kerasgan.models.network_gan import NetworkGAN


@keras.saving.register_keras_serializable(package="kerasgan")
class ConditionalGAN(ClassConditional, NetworkGAN):
    """Conditional GAN (Mirza & Osindero 2014), optionally with a projection
    discriminator (Miyato & Koyama 2018).

    The generator embeds the label and joins it to the latent vector; the
    discriminator sees the label too, either joined to its input as an extra channel
    (`conditioning="concat"`, the original paper) or through the projection
    `logit = ψ(φ(x)) + embed(y)·φ(x)` (`conditioning="projection"`, the form used
    by SNGAN/BigGAN on class-conditional ImageNet). Train with `fit(x, y)` (or a
    dataset yielding `(x, y)`), labels integers in `[0, num_classes)`; sample with
    `generate(n, labels=..., seed=...)`.

    Args:
        num_classes: number of classes.
        conditioning: "concat" or "projection".
        spectral_norm: spectral normalization in the discriminator (recommended
            with "projection", as in the paper).
        generator_norm: normalization in the generator's hidden layers: "none"
            (the default), "batch" (as DCGAN) or "conditional_batch" (batch norm
            with a scale and shift per class, as the projection paper's ResNet
            generator). With either batch norm our DCGAN-style conditional
            generators lost most of their within-class diversity on Fashion-MNIST
            within 3 to 5 epochs (ACGAN: about one image per class); without it they
            kept 57 to 65 % of the real data's (docs/variants/conditional_gan.md).
        other arguments: see `kerasgan.models.NetworkGAN`.

    Example:

    ```python
    gan = kerasgan.models.ConditionalGAN(num_classes=10, latent_dim=64,
                                         data_shape=(28, 28, 1))
    gan.compile()
    gan.fit(images, labels, batch_size=64, epochs=5)
    sevens = gan.generate(16, labels=[7] * 16, seed=0)
    ```

    Papers: https://arxiv.org/abs/1411.1784, https://arxiv.org/abs/1802.05637
    """

    conditionings = ("concat", "projection")

    def __init__(
        self,
        num_classes=10,
        conditioning="concat",
        spectral_norm=False,
        generator_norm="none",
        **kwargs,
    ):
        if conditioning not in self.conditionings:
            raise ValueError(
                f"{type(self).__name__} conditioning must be one of "
                f"{self.conditionings}; got {conditioning!r}."
            )
        self.num_classes = check_num_classes(num_classes)
        self.conditioning = conditioning
        self.spectral_norm = bool(spectral_norm)
        self.generator_norm = generator_norm
        super().__init__(**kwargs)

    def generator_builder_options(self):
        return {
            **super().generator_builder_options(),
            "num_classes": self.num_classes,
            "norm": self.generator_norm,
        }

    def discriminator_builder_options(self):
        return {
            **super().discriminator_builder_options(),
            "num_classes": self.num_classes,
            "conditioning": self.conditioning,
            "spectral_norm": self.spectral_norm,
        }

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "conditioning": self.conditioning,
            "spectral_norm": self.spectral_norm,
            "generator_norm": self.generator_norm,
        }
