"""`Configurable`: what every loss and regularizer shares for Keras serialization."""


class Configurable:
    """`from_config` is `cls(**config)`; `repr` shows the constructor arguments.

    Subclasses define `get_config()` returning exactly their constructor arguments.
    """

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} must define get_config().")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"
