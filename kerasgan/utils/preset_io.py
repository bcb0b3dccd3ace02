"""The preset reader and writer behind `GAN.from_preset` and `GAN.save_to_preset`.

The engine sits below the zoo in kerasgan's layers (`tests/test_layering.py`) and
does not import it. The zoo registers its `load` and `save_preset` here when it is
imported, which `import kerasgan` always does; the engine calls them through this
module.
"""

_REGISTERED = {}


def register(load, save):
    """Registers `load(preset, sha256=None)` and `save(model, directory, metadata)`."""
    _REGISTERED["load"], _REGISTERED["save"] = load, save


def _registered(kind):
    if kind not in _REGISTERED:
        raise RuntimeError(
            "No preset reader/writer is registered: import kerasgan.zoo (importing "
            "kerasgan does)."
        )
    return _REGISTERED[kind]


def load(preset, sha256=None):
    """The model of a preset name, folder or URL (`kerasgan.zoo.load`)."""
    return _registered("load")(preset, sha256=sha256)


def save(model, directory, metadata=None):
    """Writes `model` as a preset folder (`kerasgan.zoo.save_preset`)."""
    return _registered("save")(model, directory, metadata)
