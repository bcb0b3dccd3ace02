"""Turning on the generator EMA from the callback list."""

import keras


class GeneratorEMA(keras.callbacks.Callback):
    """Keeps an exponential moving average of the generator's weights during `fit()`.

    A convenience for `GAN(..., ema_decay=decay)` / `gan.enable_ema(decay)`: the
    average lives in the model (`gan.ema_generator`), is updated inside every train
    step (jitted on JAX), is saved and restored with the model, and is what
    `gan.generate`, `SampleGrid` and the metrics sample from. The EMA is created when
    `fit()` hands the model to its callbacks, before the train step is built.

    Args:
        decay: the EMA decay in (0, 1). Early steps use `min(decay, (1 + t) / (10 + t))`
            so that short runs do not sample from weights near the initial ones.

    Example:

    ```python
    gan.fit(ds, epochs=50, callbacks=[kerasgan.callbacks.GeneratorEMA(decay=0.999)])
    samples = gan.generate(64, seed=0)  # from the EMA generator
    ```
    """

    def __init__(self, decay=0.999):
        super().__init__()
        if not 0.0 < float(decay) < 1.0:
            raise ValueError(f"decay must lie in (0, 1), e.g. 0.999; got {decay}.")
        self.decay = float(decay)

    def set_model(self, model):
        super().set_model(model)
        if not hasattr(model, "enable_ema"):
            raise TypeError(
                "GeneratorEMA works with kerasgan GAN models; got "
                f"{type(model).__name__}."
            )
        if model.ema_decay != self.decay:
            model.enable_ema(self.decay)
