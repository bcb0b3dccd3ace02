"""`Regularize`: attaches a regularizer to a network of a GAN, every `interval` steps."""

import keras

from kerasgan import losses


@keras.saving.register_keras_serializable(package="kerasgan")
class Regularize:
    """A regularizer or penalty attached to the discriminator or the generator.

    With `interval=1` the term is added to the loss of the phase that trains
    `network` (the discriminator or generator phase) and logged under the
    regularizer's name. With `interval > 1` it gets a phase of its own that runs every
    `interval` steps with that network's optimizer, its loss multiplied by `interval`
    (StyleGAN2's lazy regularization: R1 every 16 steps, path length every 4).

    Args:
        regularizer: a `kerasgan.losses.Regularizer` (or its name): a
            `DiscriminatorPenalty` (R1, WGAN-GP) for "discriminator", a
            `GeneratorRegularizer` (path length) for "generator", or a
            `WeightRegularizer` (orthogonal) for either.
        network: "discriminator" or "generator" (default: from the family).
        interval: run every `interval` train steps.

    Example:

    ```python
    gan.compile(regularizers=[
        kerasgan.Regularize(kerasgan.losses.R1Penalty(10.0), interval=16),
        kerasgan.Regularize(kerasgan.losses.PathLengthPenalty(2.0), interval=4),
        kerasgan.Regularize("orthogonal", network="generator"),
    ])
    ```
    """

    def __init__(self, regularizer, network=None, interval=1):
        self.regularizer = losses.get_regularizer(regularizer)
        families = {
            losses.DiscriminatorPenalty: ("discriminator",),
            losses.GeneratorRegularizer: ("generator",),
            losses.WeightRegularizer: ("discriminator", "generator"),
        }
        allowed = next(v for k, v in families.items() if isinstance(self.regularizer, k))
        network = allowed[0] if network is None else network
        if network not in allowed:
            raise ValueError(
                f"{type(self.regularizer).__name__} regularizes the "
                f"{' or '.join(allowed)}, not the {network!r}."
            )
        if int(interval) != interval or interval < 1:
            raise ValueError(f"interval must be a positive integer; got {interval!r}.")
        self.network, self.interval = network, int(interval)

    @property
    def name(self):
        """The log name: the regularizer's, prefixed for weight terms ("g_orthogonal")."""
        if isinstance(self.regularizer, losses.WeightRegularizer):
            return f"{self.network[0]}_{self.regularizer.name}"
        return self.regularizer.name

    @property
    def kind(self):
        for family, kind in ((losses.DiscriminatorPenalty, "penalty"),
                             (losses.GeneratorRegularizer, "generator"),
                             (losses.WeightRegularizer, "weights")):
            if isinstance(self.regularizer, family):
                return kind

    def get_config(self):
        return {
            "regularizer": keras.saving.serialize_keras_object(self.regularizer),
            "network": self.network,
            "interval": self.interval,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
