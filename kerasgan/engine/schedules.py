"""Learning-rate schedules the variants' papers use, serializable with the model."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class HoldThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """A constant learning rate for `hold_steps`, then a straight line to 0.

    CycleGAN and pix2pix keep the rate for the first half of training and decay it
    linearly to zero over the second half (Zhu et al. 2017, §7.1). The rate at
    optimizer step `t` is `learning_rate · (1 − clip((t − hold_steps) / decay_steps,
    0, 1))`: `learning_rate` up to step `hold_steps`, 0 from step
    `hold_steps + decay_steps` on.

    Registered with Keras, so an optimizer using it survives `model.save` /
    `keras.saving.load_model` and the compile config of a kerasgan model.

    Args:
        learning_rate: the rate of the hold, e.g. 2e-4.
        hold_steps: optimizer steps at the full rate.
        decay_steps: optimizer steps of the linear decay (at least 1).

    Example:

    ```python
    schedule = kerasgan.engine.schedules.HoldThenLinearDecay(2e-4, 1000, 1000)
    optimizer = keras.optimizers.Adam(schedule, beta_1=0.5)
    float(schedule(1500))  # 1e-4
    ```
    """

    def __init__(self, learning_rate, hold_steps, decay_steps):
        if float(learning_rate) <= 0:
            raise ValueError(f"learning_rate must be positive; got {learning_rate!r}.")
        if int(hold_steps) != hold_steps or hold_steps < 0:
            raise ValueError(f"hold_steps must be an integer ≥ 0; got {hold_steps!r}.")
        if int(decay_steps) != decay_steps or decay_steps < 1:
            raise ValueError(f"decay_steps must be an integer ≥ 1; got {decay_steps!r}.")
        self.learning_rate = float(learning_rate)
        self.hold_steps = int(hold_steps)
        self.decay_steps = int(decay_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        progress = (step - self.hold_steps) / float(self.decay_steps)
        return self.learning_rate * (1.0 - ops.clip(progress, 0.0, 1.0))

    def get_config(self):
        return {"learning_rate": self.learning_rate, "hold_steps": self.hold_steps,
                "decay_steps": self.decay_steps}


def hold_then_decay_halves(learning_rate, total_steps):
    """`HoldThenLinearDecay` over `total_steps`: hold the first half, decay the second."""
    if int(total_steps) != total_steps or total_steps < 2:
        raise ValueError(f"total_steps must be an integer ≥ 2; got {total_steps!r}.")
    hold = int(total_steps) // 2
    return HoldThenLinearDecay(learning_rate, hold, int(total_steps) - hold)
