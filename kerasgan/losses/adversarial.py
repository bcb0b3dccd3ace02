"""Adversarial losses as discriminator/generator pairs, written once in `keras.ops`.

Every loss takes the discriminator's raw outputs (logits or critic scores), shape
`(batch, ...)`, and returns a scalar mean over the batch in float32.
"""

import keras
from keras import ops

from kerasgan.losses.configurable import Configurable
from kerasgan.losses.regularizer import resolve


def _as_float32(x):
    return ops.cast(x, "float32")


@keras.saving.register_keras_serializable(package="kerasgan")
class AdversarialLoss(Configurable):
    """Base class: a discriminator loss and a generator loss that belong together.

    A subclass sets `name` (its log and registry name), defines
    `discriminator_loss` and `generator_loss`, and, when its constructor takes more
    arguments, extends `get_config` with them: `get_config()` returns the constructor
    arguments only and `from_config(config)` is `cls(**config)`, so an instance
    registered with `@keras.saving.register_keras_serializable` round-trips through
    `keras.saving.serialize_keras_object` and is saved with a compiled model.

    Args:
        label_smoothing: one-sided label smoothing (Salimans et al. 2016): the real
            target becomes `1 - label_smoothing`; fake targets stay 0. Only losses
            with targets (minimax, non-saturating, least squares) accept it.
    """

    name = None
    supports_label_smoothing = False

    def __init__(self, label_smoothing=0.0):
        label_smoothing = float(label_smoothing)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                f"label_smoothing must be in [0, 1); got {label_smoothing}. "
                "A typical one-sided value is 0.1."
            )
        if label_smoothing and not self.supports_label_smoothing:
            raise ValueError(
                f"The {self.name!r} loss has no targets to smooth; label_smoothing "
                "works with 'minimax', 'non_saturating' and 'least_squares'."
            )
        self.label_smoothing = label_smoothing

    def discriminator_loss(self, real_logits, fake_logits):
        raise NotImplementedError

    def generator_loss(self, fake_logits):
        raise NotImplementedError

    def score(self, logits):
        """What the logs report as D(x): a probability for logistic losses."""
        return _as_float32(logits)

    def get_config(self):
        return {"label_smoothing": self.label_smoothing}



@keras.saving.register_keras_serializable(package="kerasgan")
class _LogisticLoss(AdversarialLoss):
    supports_label_smoothing = True

    def discriminator_loss(self, real_logits, fake_logits):
        real_logits = _as_float32(real_logits)
        fake_logits = _as_float32(fake_logits)
        # Binary cross-entropy with target t: t*softplus(-x) + (1-t)*softplus(x).
        target = 1.0 - self.label_smoothing
        real_term = target * ops.softplus(-real_logits) + (1.0 - target) * ops.softplus(
            real_logits
        )
        return ops.mean(real_term) + ops.mean(ops.softplus(fake_logits))

    def score(self, logits):
        return ops.sigmoid(_as_float32(logits))


@keras.saving.register_keras_serializable(package="kerasgan")
class Minimax(_LogisticLoss):
    """The original minimax loss (Goodfellow et al. 2014): G minimises log(1 - D(G(z))).

    Saturates early in training; kept for fidelity to the paper.
    https://arxiv.org/abs/1406.2661
    """

    name = "minimax"

    def generator_loss(self, fake_logits):
        return -ops.mean(ops.softplus(_as_float32(fake_logits)))


@keras.saving.register_keras_serializable(package="kerasgan")
class NonSaturating(_LogisticLoss):
    """Non-saturating loss (Goodfellow et al. 2014): G maximises log D(G(z)).

    https://arxiv.org/abs/1406.2661
    """

    name = "non_saturating"

    def generator_loss(self, fake_logits):
        return ops.mean(ops.softplus(-_as_float32(fake_logits)))


@keras.saving.register_keras_serializable(package="kerasgan")
class LeastSquares(AdversarialLoss):
    """Least-squares loss (LSGAN, Mao et al. 2017) with targets a=0, b=1, c=1.

    https://arxiv.org/abs/1611.04076
    """

    name = "least_squares"
    supports_label_smoothing = True

    def discriminator_loss(self, real_logits, fake_logits):
        target = 1.0 - self.label_smoothing
        real_term = ops.square(_as_float32(real_logits) - target)
        fake_term = ops.square(_as_float32(fake_logits))
        return 0.5 * ops.mean(real_term) + 0.5 * ops.mean(fake_term)

    def generator_loss(self, fake_logits):
        return 0.5 * ops.mean(ops.square(_as_float32(fake_logits) - 1.0))


@keras.saving.register_keras_serializable(package="kerasgan")
class Hinge(AdversarialLoss):
    """Hinge loss (Lim & Ye 2017; used by SNGAN, SAGAN, BigGAN).

    https://arxiv.org/abs/1705.02894
    """

    name = "hinge"

    def discriminator_loss(self, real_logits, fake_logits):
        real_term = ops.relu(1.0 - _as_float32(real_logits))
        fake_term = ops.relu(1.0 + _as_float32(fake_logits))
        return ops.mean(real_term) + ops.mean(fake_term)

    def generator_loss(self, fake_logits):
        return -ops.mean(_as_float32(fake_logits))


@keras.saving.register_keras_serializable(package="kerasgan")
class Wasserstein(AdversarialLoss):
    """Wasserstein loss (WGAN, Arjovsky et al. 2017): the critic maximises E[D(x)] - E[D(G(z))].

    Needs a Lipschitz constraint: weight clipping, a gradient penalty or spectral norm.
    https://arxiv.org/abs/1701.07875
    """

    name = "wasserstein"

    def discriminator_loss(self, real_logits, fake_logits):
        return ops.mean(_as_float32(fake_logits)) - ops.mean(_as_float32(real_logits))

    def generator_loss(self, fake_logits):
        return -ops.mean(_as_float32(fake_logits))


@keras.saving.register_keras_serializable(package="kerasgan")
class WassersteinDrift(Wasserstein):
    """The Wasserstein loss with ProGAN's drift term: the critic's loss adds
    `drift · E[D(x)²]` on real x, which keeps the scores from drifting far from 0
    (Karras et al. 2018, Appendix A.1, ε_drift = 0.001). The generator's loss is
    Wasserstein's. Not in `ADVERSARIAL_LOSSES`: it is saved with its `drift`.

    Args:
        drift: ε_drift, the weight of the term (≥ 0).
        label_smoothing: must be 0 (no targets).

    https://arxiv.org/abs/1710.10196
    """

    name = "wasserstein_drift"

    def __init__(self, drift=0.001, label_smoothing=0.0):
        super().__init__(label_smoothing)
        if not float(drift) >= 0.0:
            raise ValueError(f"drift must be ≥ 0 (0.001 in the paper); got {drift}.")
        self.drift = float(drift)

    def discriminator_loss(self, real_logits, fake_logits):
        real = _as_float32(real_logits)
        loss = super().discriminator_loss(real_logits, fake_logits)
        return loss + self.drift * ops.mean(ops.square(real))

    def get_config(self):
        return {**super().get_config(), "drift": self.drift}


ADVERSARIAL_LOSSES = {
    cls.name: cls for cls in (Minimax, NonSaturating, LeastSquares, Hinge, Wasserstein)
}


def get(identifier, label_smoothing=0.0):
    """Returns an `AdversarialLoss` from a name, a config dict or an instance.

    Args:
        identifier: one of `kerasgan.losses.ADVERSARIAL_LOSSES` ("minimax",
            "non_saturating", "least_squares", "hinge", "wasserstein"); a dict
            `{"name": ..., "label_smoothing": ...}` or one from
            `keras.saving.serialize_keras_object`; or an `AdversarialLoss` (a user's
            own subclass included), returned as is.
        label_smoothing: one-sided label smoothing, see `AdversarialLoss`, for a
            name or a dict that does not give it.
    """
    return resolve(
        identifier,
        ADVERSARIAL_LOSSES,
        AdversarialLoss,
        "adversarial loss",
        default_kwargs={"label_smoothing": label_smoothing},
    )
