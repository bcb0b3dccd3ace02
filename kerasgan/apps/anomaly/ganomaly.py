"""GANomaly: an encoder–decoder–encoder generator whose latent gap scores anomalies."""

import keras
from keras import ops

from kerasgan import engine
from kerasgan import losses
from kerasgan.apps.anomaly.anomaly_model import AnomalyModel
from kerasgan.engine.gan import discriminator_features
from kerasgan.apps.anomaly.conv_encoder import ConvEncoder
from kerasgan.models.networks import ConvDiscriminator
from kerasgan.models.networks import ConvGenerator


@keras.saving.register_keras_serializable(package="kerasgan")
class GANomaly(AnomalyModel):
    """GANomaly (Akçay et al. 2018): semi-supervised anomaly detection by adversarial training.

    The generator is an encoder G_E (x → z), a decoder G_D (z → x̂) and a second
    encoder E (x̂ → ẑ), trained on normal data only with

        L_G = w_adv · mean((f(x) − f(x̂))²) + w_con · mean(|x − x̂|) + w_enc · mean((z − ẑ)²)

    (f: the discriminator's features, the paper's feature-matching adversarial
    loss; weights w_adv = 1, w_con = 50, w_enc = 1 as in the paper), and a
    discriminator trained with binary cross-entropy to tell x from x̂. The anomaly
    score is the latent gap A(x) = mean(|G_E(x) − E(G_D(G_E(x)))|) (the paper's
    eq. 6, an L1 norm, here divided by the latent size).

    Networks: `encoder`, `reencoder` (`ConvEncoder`s), `decoder` (`ConvGenerator`,
    batch norm, tanh) and `discriminator` (`ConvDiscriminator`).

    Args:
        latent_dim: size of z.
        data_shape: `(height, width, channels)` of the images.
        filters: width of every network (first conv block / last deconv block).
        adversarial_weight, contextual_weight, encoder_weight: w_adv, w_con, w_enc.
        decoder_norm: the decoder's normalization, "batch" (the paper's DCGAN
            decoder) or "none". Scores are computed in inference mode (batch norm's
            moving statistics).
        threshold, false_positive_rate: see `AnomalyModel`.
        **kwargs: `AdversarialModel` arguments (`seed`, `name`).

    Example:

    ```python
    model = GANomaly(latent_dim=32, data_shape=(28, 28, 1), filters=16)
    model.compile()
    model.fit(normal_images, batch_size=64, epochs=5)
    scores = model.score(images)
    ```

    Paper: https://arxiv.org/abs/1805.06725
    """

    def __init__(self, latent_dim=100, data_shape=(28, 28, 1), filters=32,
                 adversarial_weight=1.0, contextual_weight=50.0, encoder_weight=1.0,
                 decoder_norm="batch", threshold=None, false_positive_rate=None, **kwargs):
        data_shape = tuple(int(d) for d in data_shape)
        latent_dim, filters = int(latent_dim), int(filters)
        networks = {
            "encoder": ConvEncoder(latent_dim, data_shape, filters, name="encoder"),
            "decoder": ConvGenerator(latent_dim, data_shape, filters, norm=decoder_norm,
                                     name="decoder"),
            "reencoder": ConvEncoder(latent_dim, data_shape, filters, name="reencoder"),
            "discriminator": ConvDiscriminator(data_shape, filters),
        }
        super().__init__(networks, data_shape, threshold, false_positive_rate, **kwargs)
        self.latent_dim, self.filters = latent_dim, filters
        self.adversarial_weight = float(adversarial_weight)
        self.contextual_weight = float(contextual_weight)
        self.encoder_weight = float(encoder_weight)
        self.decoder_norm = decoder_norm
        self.adversarial_loss = losses.NonSaturating()
        self._features = discriminator_features(self.discriminator, "The anomaly score")

    def default_optimizers(self):
        # The paper's Adam: learning rate 2e-4, momentum 0.5.
        return {name: keras.optimizers.Adam(2e-4, beta_1=0.5) for name in ("g", "d")}

    def phases(self):
        return [
            engine.Phase("generator", self.generator_loss,
                         ("encoder", "decoder", "reencoder"), "g",
                         logs=("g_loss", "adversarial", "contextual", "latent")),
            engine.Phase("discriminator", self.discriminator_loss, "discriminator", "d",
                         logs=("d_loss",)),
        ]

    def reconstruct(self, images, training=False):
        """`(z, x̂, ẑ)`: the latent, the reconstruction and its latent."""
        latents = self.encoder(images, training=training)
        reconstructions = self.decoder(latents, training=training)
        return latents, reconstructions, self.reencoder(reconstructions, training=training)

    def generator_loss(self, images):
        latents, reconstructions, relatents = self.reconstruct(images, training=True)
        adversarial = ops.mean(ops.square(
            self._features(images, training=True)
            - self._features(reconstructions, training=True)
        ))
        contextual = ops.mean(ops.abs(images - reconstructions))
        latent = ops.mean(ops.square(latents - relatents))
        loss = (self.adversarial_weight * adversarial
                + self.contextual_weight * contextual + self.encoder_weight * latent)
        return loss, {"g_loss": loss, "adversarial": adversarial,
                      "contextual": contextual, "latent": latent}

    def discriminator_loss(self, images):
        _, reconstructions, _ = self.reconstruct(images, training=True)
        loss = self.adversarial_loss.discriminator_loss(
            self.discriminator(images, training=True),
            self.discriminator(ops.stop_gradient(reconstructions), training=True),
        )
        return loss, {"d_loss": loss}

    def anomaly_scores(self, images):
        latents, _, relatents = self.reconstruct(images)
        return ops.mean(ops.abs(latents - relatents), axis=1)

    def get_config(self):
        return {
            **self._base_config(),
            **self._calibration_config(),
            "latent_dim": self.latent_dim,
            "data_shape": self.data_shape,
            "filters": self.filters,
            "adversarial_weight": self.adversarial_weight,
            "contextual_weight": self.contextual_weight,
            "encoder_weight": self.encoder_weight,
            "decoder_norm": self.decoder_norm,
        }
