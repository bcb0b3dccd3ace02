"""Adversarial losses as discriminator/generator pairs, written once in `keras.ops`.

Every loss takes the discriminator's raw outputs (logits or critic scores), shape
`(batch, ...)`, and returns a scalar mean over the batch in float32.
"""

from keras import ops


def _as_float32(x):
    return ops.cast(x, "float32")


class AdversarialLoss:
    """Base class: a discriminator loss and a generator loss that belong together.

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
        return {"name": self.name, "label_smoothing": self.label_smoothing}


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


class Minimax(_LogisticLoss):
    """The original minimax loss (Goodfellow et al. 2014): G minimises log(1 - D(G(z))).

    Saturates early in training; kept for fidelity to the paper.
    https://arxiv.org/abs/1406.2661
    """

    name = "minimax"

    def generator_loss(self, fake_logits):
        return -ops.mean(ops.softplus(_as_float32(fake_logits)))


class NonSaturating(_LogisticLoss):
    """Non-saturating loss (Goodfellow et al. 2014): G maximises log D(G(z)).

    https://arxiv.org/abs/1406.2661
    """

    name = "non_saturating"

    def generator_loss(self, fake_logits):
        return ops.mean(ops.softplus(-_as_float32(fake_logits)))


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


ADVERSARIAL_LOSSES = {
    cls.name: cls for cls in (Minimax, NonSaturating, LeastSquares, Hinge, Wasserstein)
}


def get(identifier, label_smoothing=0.0):
    """Returns an `AdversarialLoss` from a name, a config dict or an instance.

    Args:
        identifier: one of `kerasgan.losses.ADVERSARIAL_LOSSES` ("minimax",
            "non_saturating", "least_squares", "hinge", "wasserstein"), a dict from
            `AdversarialLoss.get_config()`, or an `AdversarialLoss`.
        label_smoothing: one-sided label smoothing, see `AdversarialLoss`.
    """
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, dict):
        return get(identifier["name"], identifier.get("label_smoothing", 0.0))
    if isinstance(identifier, str) and identifier in ADVERSARIAL_LOSSES:
        return ADVERSARIAL_LOSSES[identifier](label_smoothing=label_smoothing)
    raise ValueError(
        f"Unknown adversarial loss {identifier!r}. Known losses: "
        f"{', '.join(sorted(ADVERSARIAL_LOSSES))}; or pass an "
        "kerasgan.losses.AdversarialLoss instance."
    )
