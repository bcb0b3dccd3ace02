"""`Phase`: one optimisation phase of a train step (after stylegan2-ada's phases)."""

import dataclasses
from typing import Any
from typing import Callable


@dataclasses.dataclass(frozen=True)
class Phase:
    """One optimisation phase of a train step: a loss, what it trains, how often.

    A train step runs the model's phases in order. Each phase computes its loss on
    the step's batch, takes the gradient with respect to the trainable variables of
    the networks it names and applies it with the optimizer it names.

    Args:
        name: "discriminator", "generator", "r1", ... (unique within a model).
        loss_fn: `loss_fn(*batch) -> (loss, logs)`, written in `keras.ops`. `batch`
            is what the model's `unpack(data)` returns (a tuple; e.g. `(images,
            labels)` or `(source, target)`); `loss` is a scalar and `logs` a dict of
            scalars whose names the phase declares in `logs`.
        networks: the name of the network it trains, or a tuple of names (a phase
            may train several networks at once, e.g. both CycleGAN generators), or
            an explicit list of variables.
        optimizer: the name of the optimizer that applies the gradients (a key of
            `compile(optimizers=...)`), or an optimizer of the model.
        repeats: how many times the phase runs per train step (n_critic for D).
        interval: the phase runs on the steps `t` with `t % interval == 0` only
            (StyleGAN2's lazy regularization: R1 every 16 steps). The condition is
            evaluated inside the compiled step, so the step is traced once.
        lazy_scale: with `interval > 1`, multiply the loss by `interval` so that
            the regularizer keeps its strength on average (StyleGAN2, Appendix B).
            Set False for a phase that is simply run less often.
        fresh_batch: with `repeats > 1`, each repeat trains on its own batch of real
            data (WGAN and WGAN-GP's critic loop): the step receives `repeats`
            batches and `fit()` batches the data accordingly.
        logs: the names of the logs `loss_fn` returns; a name that is not declared
            is an error, not a silently dropped value.
    """

    name: str
    loss_fn: Callable
    networks: Any
    optimizer: Any
    repeats: int = 1
    interval: int = 1
    lazy_scale: bool = True
    fresh_batch: bool = False
    logs: tuple = ()

    def __post_init__(self):
        for field in ("repeats", "interval"):
            value = getattr(self, field)
            if int(value) != value or value < 1:
                raise ValueError(
                    f"Phase {self.name!r}: {field} must be a positive integer; "
                    f"got {value!r}."
                )
        if isinstance(self.networks, str):
            object.__setattr__(self, "networks", (self.networks,))
        object.__setattr__(self, "logs", tuple(self.logs))

    @property
    def loss_scale(self):
        """The factor the loss is multiplied by (`interval` for a lazy phase)."""
        return float(self.interval) if self.lazy_scale and self.interval > 1 else 1.0
