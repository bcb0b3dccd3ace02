"""`AnomalyDetector`: fit on normal images only, score, calibrate, predict, save."""

import math

import keras
import numpy as np

from kerasgan.apps.anomaly.anomaly_model import AnomalyModel
from kerasgan.apps.anomaly.anomaly_model import check_images
from kerasgan.apps.anomaly.conv_encoder import ConvEncoder
from kerasgan.apps.anomaly.f_anogan import FAnoGAN
from kerasgan.apps.anomaly.ganomaly import GANomaly
from kerasgan.models import networks
from kerasgan.models import registry

METHODS = ("f-anogan", "ganomaly")
#: The fewest normal images `threshold_at` calibrates on.
MIN_CALIBRATION_IMAGES = 10


def _check_method(method):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}.")
    return method


def _check_training_images(images):
    shape = np.shape(images)
    if len(shape) != 4:
        raise ValueError(
            f"normal_data must be NHWC images of shape (n, height, width, channels) in "
            f"[-1, 1]; got shape {shape}. Add a channel axis to grayscale images: "
            "x[..., None]."
        )
    images = check_images(images, shape[1:], "normal_data")
    networks.upsampling_steps(images.shape[1:3])  # a clear error for unsupported sizes
    if len(images) < 2:
        raise ValueError(f"normal_data holds {len(images)} image; fit needs at least 2.")
    return images


def _optimizers(model, learning_rate):
    """The model's default optimizers, with `learning_rate` when one is given."""
    defaults = model.default_optimizers()
    if learning_rate is None:
        return defaults
    return {name: type(optimizer).from_config(
                {**optimizer.get_config(), "learning_rate": float(learning_rate)})
            for name, optimizer in defaults.items()}


class AnomalyDetector:
    """A one-class anomaly detector: a GAN trained on normal data only.

    Build one with `AnomalyDetector.fit(normal_images, method=...)`:

    - `"f-anogan"` (Schlegl et al. 2019): a `kerasgan.models.WGANGP` is trained on
      the normal images, then an encoder is trained to invert its generator with
      G and D frozen (`FAnoGAN`); score = pixel residual + κ · D-feature residual.
    - `"ganomaly"` (Akçay et al. 2018): an encoder–decoder–encoder generator and
      a discriminator (`GANomaly`); score = the latent gap ‖z − ẑ‖₁ / latent size.

    Every phase is trained by Keras's `fit()` on the current backend. Higher
    scores are more anomalous; `threshold_at(fpr, normal_images)` picks the
    threshold that flags a fraction `fpr` of held-out normal images, and
    `predict(images)` flags the images above it.

    Args:
        model: a trained `FAnoGAN` or `GANomaly` (what `fit` and `load` build).

    Example:

    ```python
    det = kerasgan.apps.AnomalyDetector.fit(normal, method="ganomaly", epochs=5)
    scores = det.score(images)                 # higher = more anomalous
    det.threshold_at(0.05, held_out_normal)    # 5% false positives on normal data
    flags = det.predict(images)                # bool per image
    det.save("detector.keras")
    det = kerasgan.apps.AnomalyDetector.load("detector.keras")
    ```
    """

    def __init__(self, model):
        if not isinstance(model, AnomalyModel):
            raise TypeError(
                f"AnomalyDetector wraps an FAnoGAN or GANomaly model; got "
                f"{type(model).__name__}."
            )
        self.model = model

    @property
    def method(self):
        return "f-anogan" if isinstance(self.model, FAnoGAN) else "ganomaly"

    @property
    def threshold(self):
        return self.model.threshold

    @classmethod
    def fit(cls, normal_data, method="f-anogan", epochs=10, encoder_epochs=None,
            batch_size=64, latent_dim=64, filters=32, learning_rate=None,
            steps_per_epoch=None, seed=None, verbose=0, **options):
        """Trains a detector on normal images only.

        Args:
            normal_data: NHWC float images in [-1, 1] (NumPy or anything
                `np.asarray` reads), all of the normal class.
            method: `"f-anogan"` or `"ganomaly"`.
            epochs: epochs of the GAN (f-AnoGAN: the WGAN-GP; GANomaly: the model).
            encoder_epochs: f-AnoGAN's encoder epochs (default: `epochs`).
            batch_size, steps_per_epoch, verbose: passed to every `fit()`.
            latent_dim: size of the latent vector.
            filters: width of every network (small: 16–32 trains in minutes on a CPU).
            learning_rate: the learning rate of every optimizer (default: each
                method's, f-AnoGAN's WGAN-GP Adam(1e-4, β=(0, 0.9)), its encoder
                Adam(1e-3, β1=0.5), GANomaly's Adam(2e-4, β1=0.5)).
            seed: seed of the training RNGs.
            **options: the model's own arguments: f-AnoGAN `kappa`, `n_critic`;
                GANomaly `adversarial_weight`, `contextual_weight`, `encoder_weight`.

        Returns:
            An `AnomalyDetector`.
        """
        _check_method(method)
        images = _check_training_images(normal_data)
        train = dict(batch_size=batch_size, steps_per_epoch=steps_per_epoch,
                     verbose=verbose)
        if method == "ganomaly":
            model = GANomaly(latent_dim, images.shape[1:], filters, seed=seed, **options)
            model.compile(optimizers=_optimizers(model, learning_rate))
            model.fit(images, epochs=epochs, **train)
            return cls(model)
        kappa = options.pop("kappa", 1.0)
        gan = registry.get("wgan_gp").cls(
            latent_dim=latent_dim, data_shape=images.shape[1:], g_filters=filters,
            d_filters=filters, seed=seed, **options,
        )
        gan_optimizers = _optimizers(gan, learning_rate)
        gan.compile(g_optimizer=gan_optimizers["g"], d_optimizer=gan_optimizers["d"])
        gan.fit(images, epochs=epochs, **train)
        encoder = ConvEncoder(latent_dim, images.shape[1:], filters)
        model = FAnoGAN(gan.generator, gan.discriminator, encoder, kappa, seed=seed)
        model.compile(optimizers=_optimizers(model, learning_rate))
        model.fit(images, epochs=epochs if encoder_epochs is None else encoder_epochs,
                  **train)
        return cls(model)

    def score(self, images, batch_size=256):
        """Anomaly scores of `images` (NHWC in [-1, 1]): a float32 NumPy vector."""
        return self.model.score(images, batch_size)

    def threshold_at(self, false_positive_rate, normal_images):
        """Sets (and returns) the threshold flagging `false_positive_rate` of normal data.

        The threshold is the score of the held-out normal image ranked
        ⌊fpr·n⌋ + 1 from the top: exactly ⌊fpr·n⌋ of the n calibration images score
        above it (fewer if scores tie), so `predict` flags them at rate ≤ fpr.
        """
        rate = float(false_positive_rate)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"false_positive_rate must be in [0, 1); got {rate}.")
        normal_images = check_images(normal_images, self.model.data_shape, "normal_images")
        n = len(normal_images)
        if n < MIN_CALIBRATION_IMAGES:
            raise ValueError(
                f"threshold_at calibrates on held-out normal images: got {n}, need at "
                f"least {MIN_CALIBRATION_IMAGES} (a few hundred give a stable rate)."
            )
        scores = np.sort(self.score(normal_images))
        above = math.floor(rate * n + 1e-9)
        self.model.threshold = float(scores[n - above - 1])
        self.model.false_positive_rate = rate
        return self.model.threshold

    def predict(self, images, batch_size=256):
        """A bool per image: its score is above the calibrated threshold."""
        if self.threshold is None:
            raise ValueError(
                "The detector is not calibrated: call det.threshold_at(fpr, "
                "normal_images) with held-out normal images first."
            )
        return self.score(images, batch_size) > self.threshold

    def save(self, path):
        """Writes the detector (networks, weights, threshold) as a `.keras` file."""
        if not str(path).endswith(".keras"):
            raise ValueError(f"A detector is saved as a .keras file; got {path!r}.")
        self.model.save(path)

    @classmethod
    def load(cls, path):
        """Loads a detector written by `save` (with Keras's safe_mode on)."""
        model = keras.saving.load_model(path, safe_mode=True)
        return cls(model)
