"""f-AnoGAN's encoder phase: an encoder trained to invert a frozen WGAN's generator."""

import keras
from keras import ops

from kerasgan import engine
from kerasgan.apps.anomaly.anomaly_model import AnomalyModel
from kerasgan.engine.gan import discriminator_features


def _per_example_mean(x):
    return ops.mean(ops.reshape(ops.square(x), (ops.shape(x)[0], -1)), axis=1)


@keras.saving.register_keras_serializable(package="kerasgan")
class FAnoGAN(AnomalyModel):
    """f-AnoGAN (Schlegl et al. 2019): a GAN of normal data and an encoder inverting it.

    The GAN (a WGAN-GP in the paper; `kerasgan.apps.AnomalyDetector.fit` trains
    `kerasgan.models.WGANGP`) is trained first on normal data only. This model
    trains the encoder E with G and D frozen (its single phase trains `encoder`
    only, and calls G and D with `training=False`, so that no batch-norm statistic
    moves), by the paper's izi_f loss:

        L(x) = mean((x − G(E(x)))²) + κ · mean((f(x) − f(G(E(x))))²)

    with f the discriminator's features (its layer `"features"`). The anomaly score
    of an image is the same sum: pixel residual + κ · feature residual.

    Args:
        generator: the trained generator (latents → images in [-1, 1]).
        discriminator: the trained discriminator (with a layer `"features"`).
        encoder: an images → latents network (e.g. `ConvEncoder`).
        kappa: weight κ of the feature residual (the paper: 1).
        threshold, false_positive_rate: see `AnomalyModel`.
        **kwargs: `AdversarialModel` arguments (`seed`, `name`).

    Example:

    ```python
    model = FAnoGAN(gan.generator, gan.discriminator,
                    ConvEncoder(gan.latent_dim, gan.data_shape))
    model.compile()
    model.fit(normal_images, epochs=5)
    scores = model.score(images)
    ```

    Paper: https://doi.org/10.1016/j.media.2019.01.010
    """

    def __init__(self, generator, discriminator, encoder, kappa=1.0, threshold=None,
                 false_positive_rate=None, **kwargs):
        networks = {"generator": generator, "discriminator": discriminator,
                    "encoder": encoder}
        super().__init__(networks, encoder.input_shape[1:], threshold,
                         false_positive_rate, **kwargs)
        self.kappa = float(kappa)
        self._features = discriminator_features(discriminator, "The anomaly score")

    def default_optimizers(self):
        return {"encoder": keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.999)}

    def phases(self):
        return [engine.Phase("encoder", self.encoder_loss, "encoder", "encoder",
                             logs=("residual", "feature_residual", "encoder_loss"))]

    def residuals(self, images, training=False):
        """Per image: `(mean squared pixel residual, mean squared feature residual)`."""
        latents = self.encoder(images, training=training)
        reconstructions = self.generator(latents, training=False)
        pixel = _per_example_mean(images - reconstructions)
        feature = _per_example_mean(
            self._features(images, training=False)
            - self._features(reconstructions, training=False)
        )
        return pixel, feature

    def encoder_loss(self, images):
        pixel, feature = self.residuals(images, training=True)
        residual, feature_residual = ops.mean(pixel), ops.mean(feature)
        loss = residual + self.kappa * feature_residual
        return loss, {"residual": residual, "feature_residual": feature_residual,
                      "encoder_loss": loss}

    def anomaly_scores(self, images):
        pixel, feature = self.residuals(images)
        return pixel + self.kappa * feature

    def get_config(self):
        return {
            **self._base_config(),
            **self._calibration_config(),
            **{name: keras.saving.serialize_keras_object(network)
               for name, network in self.networks.items()},
            "kappa": self.kappa,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator", "encoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
