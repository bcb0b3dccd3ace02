"""A composite optimizer holding every named optimizer of a model."""

import keras

# The public name of every optimizer class, whatever backend subclass an instance is
# (on torch, `keras.optimizers.Adam()` is a `keras.src.backend.torch...Adam`).
_PUBLIC_OPTIMIZERS = {
    name: getattr(keras.optimizers, name)
    for name in dir(keras.optimizers)
    if isinstance(getattr(keras.optimizers, name), type)
    and issubclass(getattr(keras.optimizers, name), keras.optimizers.Optimizer)
}


def serialize_optimizer(optimizer):
    """Serializes an optimizer by its public Keras class name so any backend loads it."""
    for name, cls in _PUBLIC_OPTIMIZERS.items():
        if type(optimizer) is cls or (
            type(optimizer).__name__ == name and isinstance(optimizer, cls)
        ):
            return {
                "module": "keras.optimizers",
                "class_name": name,
                "config": optimizer.get_config(),
                "registered_name": None,
            }
    return keras.saving.serialize_keras_object(optimizer)


def deserialize_optimizer(config):
    return keras.optimizers.deserialize(config)


def attribute_name(key):
    """The attribute (and weight-file path) of the optimizer named `key`: "g_optimizer"."""
    return key if key.endswith("optimizer") else f"{key}_optimizer"


class GANOptimizer(keras.optimizers.Optimizer):
    """Holds a model's named optimizers as one `model.optimizer`.

    Keras treats `model.optimizer.variables` as the optimizer state: on JAX only those
    are threaded through the jitted step, sharded and written back after `fit()`, so
    every optimizer's variables are listed here or its state silently restarts every
    step. Each optimizer is applied by the model's phases, never by this object;
    `iterations` counts train steps. `optimizers` lists the parts the way Keras's
    `LearningRateScheduler`, `ReduceLROnPlateau` and `TensorBoard` expect of a
    composite optimizer, so they act on (and log) every optimizer's learning rate.

    Args:
        optimizers: a dict `{name: optimizer}`, e.g. `{"g": Adam(), "d": Adam()}`.
            Each is kept as the attribute `<name>_optimizer` (`g_optimizer`).
    """

    def __init__(self, optimizers=None, name="gan_optimizer", **legacy):
        super().__init__(learning_rate=0.0, name=name)
        if optimizers is None:  # GANOptimizer(g_optimizer, d_optimizer), round 1
            optimizers = {"g": legacy.pop("g_optimizer"), "d": legacy.pop("d_optimizer")}
        if legacy:
            raise TypeError(f"Unexpected arguments {sorted(legacy)}.")
        seen = {}
        for key, optimizer in optimizers.items():
            if id(optimizer) in seen:
                raise ValueError(
                    f"The optimizers {seen[id(optimizer)]!r} and {key!r} are the same "
                    "object; give each its own, e.g. two "
                    "keras.optimizers.Adam(2e-4, beta_1=0.5)."
                )
            seen[id(optimizer)] = key
        self.optimizer_keys = tuple(optimizers)
        for key, optimizer in optimizers.items():
            setattr(self, attribute_name(key), optimizer)

    def get(self, key):
        """The optimizer named `key`."""
        if key not in self.optimizer_keys:
            raise KeyError(
                f"No optimizer named {key!r}; this model has {list(self.optimizer_keys)}."
            )
        return getattr(self, attribute_name(key))

    @property
    def optimizers(self):
        return [self.get(key) for key in self.optimizer_keys]

    def build_for(self, variables_by_key):
        """Builds each optimizer over its variables: `{name: [variables]}`."""
        for key in self.optimizer_keys:
            self.get(key).build(variables_by_key[key])
        self.built = True

    def build(self, variables):
        # Keras calls build(model.trainable_variables) before fit if not built; the
        # parts are built over their own variables by the model's compile().
        self.built = True

    @property
    def own_variables(self):
        return [self._iterations]

    @property
    def variables(self):
        parts = [v for optimizer in self.optimizers for v in optimizer.variables]
        return self.own_variables + parts

    def apply(self, grads, trainable_variables=None):
        raise NotImplementedError(
            "GANOptimizer is applied phase by phase through its named optimizers."
        )

    def save_own_variables(self, store):
        # The parts save their own state as children of the model.
        for i, variable in enumerate(self.own_variables):
            store[str(i)] = keras.ops.convert_to_numpy(variable)

    def load_own_variables(self, store):
        for i, variable in enumerate(self.own_variables):
            variable.assign(store[str(i)])

    def get_config(self):
        return {
            "name": self.name,
            "optimizers": {k: serialize_optimizer(self.get(k)) for k in self.optimizer_keys},
        }

    @classmethod
    def from_config(cls, config):
        if "optimizers" in config:
            parts = config["optimizers"]
        else:
            parts = {"g": config["g_optimizer"], "d": config["d_optimizer"]}
        return cls(
            {k: deserialize_optimizer(v) for k, v in parts.items()},
            name=config.get("name", "gan_optimizer"),
        )
