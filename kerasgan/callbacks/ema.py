"""Turning on an EMA of a model's networks from the callback list."""

import keras

from kerasgan.engine.model import AdversarialModel


class GeneratorEMA(keras.callbacks.Callback):
    """Keeps an exponential moving average of a model's networks during `fit()`.

    A convenience for `GAN(..., ema_decay=decay)` / `model.enable_ema(decay)`: the
    average lives in the model (`model.ema_generator`, or `model.ema_<name>` for each
    averaged network), is updated inside every train step (jitted on JAX), is saved
    and restored with the model, and is what `gan.generate`, `SampleGrid` and the
    metrics sample from. The EMA is created when `fit()` hands the model to its
    callbacks, before the train step is built. Any `kerasgan.AdversarialModel` is
    served: a latent GAN, or a translation model (`DataToData`) whose generator(s)
    are averaged.

    Args:
        decay: the EMA decay in (0, 1). Early steps use `min(decay, (1 + t) / (10 + t))`
            so that short runs do not sample from weights near the initial ones.
        networks: the names of the networks to average; default: the model's
            `default_ema_networks` (the generator).

    Example:

    ```python
    gan.fit(ds, epochs=50, callbacks=[kerasgan.callbacks.GeneratorEMA(decay=0.999)])
    samples = gan.generate(64, seed=0)  # from the EMA generator

    # A CycleGAN-like model: average both generators.
    cycle.fit(ds, callbacks=[kerasgan.callbacks.GeneratorEMA(networks=("g_ab", "g_ba"))])
    ```
    """

    def __init__(self, decay=0.999, networks=None):
        super().__init__()
        if not 0.0 < float(decay) < 1.0:
            raise ValueError(f"decay must lie in (0, 1), e.g. 0.999; got {decay}.")
        self.decay = float(decay)
        if isinstance(networks, str):
            networks = (networks,)
        self.networks = None if networks is None else tuple(networks)

    def set_model(self, model):
        super().set_model(model)
        if not isinstance(model, AdversarialModel):
            raise TypeError(
                "GeneratorEMA averages the networks of a kerasgan.AdversarialModel "
                f"(a GAN, a translation model, ...); got {type(model).__name__}."
            )
        networks = self.networks or tuple(model.default_ema_networks)
        missing = [n for n in networks if n not in model.network_names]
        if missing:
            raise ValueError(
                f"GeneratorEMA: {type(model).__name__} has no network named "
                f"{', '.join(repr(n) for n in missing)}; its networks are "
                f"{list(model.network_names)}. Pass GeneratorEMA(networks=(...))."
            )
        if model.ema_decay != self.decay or not set(networks) <= set(
            model.ema_network_names
        ):
            model.enable_ema(self.decay, networks)
