"""What a callback needs of its model, checked against the task protocols.

Callbacks ask `isinstance(model, LatentToData)` (or `DataToData`) instead of probing
attributes with `hasattr`: a model declares what it can do by inheriting a protocol of
`kerasgan.engine`, and a callback that cannot serve a model says so when `fit()` hands
it the model, before any training step.
"""

from kerasgan.engine.protocols import DataToData
from kerasgan.engine.protocols import LatentToData

_PROTOCOL_USE = {
    LatentToData: "draws samples from latents: generate(n, seed=..., labels=...)",
    DataToData: "maps inputs to outputs: translate(x)",
}


def require(callback, model, protocol, hint=""):
    """Raises a `TypeError` unless `model` implements `protocol`.

    Args:
        callback: the callback (its class name goes into the message).
        model: the model `fit()` handed to the callback.
        protocol: `kerasgan.engine.LatentToData` or `kerasgan.engine.DataToData`.
        hint: a sentence appended to the message: what to use instead.

    Returns:
        `model`.
    """
    if isinstance(model, protocol):
        return model
    message = (
        f"{type(callback).__name__} needs a model that {_PROTOCOL_USE[protocol]} "
        f"(kerasgan.engine.{protocol.__name__}); {type(model).__name__} "
        f"{describe(model)}."
    )
    raise TypeError(f"{message} {hint}".strip())


def describe(model):
    """What `model` declares it does, for error messages."""
    kinds = [
        f"is a {p.__name__} model"
        for p in (LatentToData, DataToData)
        if isinstance(model, p)
    ]
    return " and ".join(kinds) or "implements neither LatentToData nor DataToData"
