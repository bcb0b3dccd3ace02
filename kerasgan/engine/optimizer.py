"""A composite optimizer holding the generator's and the discriminator's optimizers."""

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


class GANOptimizer(keras.optimizers.Optimizer):
    """Holds the generator's and discriminator's optimizers as one `model.optimizer`.

    Keras treats `model.optimizer.variables` as the optimizer state: on JAX only those
    are threaded through the jitted step and written back after `fit()`, so both
    sub-optimizers' variables must be listed here or their state silently restarts
    every step. Each sub-optimizer is applied by the GAN's phases, never by this object.
    `iterations` counts GAN train steps.

    Args:
        g_optimizer: the generator's optimizer.
        d_optimizer: the discriminator's optimizer.
    """

    def __init__(self, g_optimizer, d_optimizer, name="gan_optimizer"):
        super().__init__(learning_rate=0.0, name=name)
        if g_optimizer is d_optimizer:
            raise ValueError(
                "g_optimizer and d_optimizer are the same object; give each network "
                "its own optimizer, e.g. two keras.optimizers.Adam(2e-4, beta_1=0.5)."
            )
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer

    def build_for(self, generator_variables, discriminator_variables):
        self.g_optimizer.build(generator_variables)
        self.d_optimizer.build(discriminator_variables)
        self.built = True

    def build(self, variables):
        # Keras calls build(model.trainable_variables) before fit if not built; the
        # sub-optimizers are built per network by the GAN's compile().
        self.built = True

    @property
    def own_variables(self):
        return [self._iterations]

    @property
    def variables(self):
        return (
            self.own_variables + self.g_optimizer.variables + self.d_optimizer.variables
        )

    def apply(self, grads, trainable_variables=None):
        raise NotImplementedError(
            "GANOptimizer is applied phase by phase through g_optimizer and d_optimizer."
        )

    def save_own_variables(self, store):
        # The sub-optimizers save their own state as children of the model.
        for i, variable in enumerate(self.own_variables):
            store[str(i)] = keras.ops.convert_to_numpy(variable)

    def load_own_variables(self, store):
        for i, variable in enumerate(self.own_variables):
            variable.assign(store[str(i)])

    def get_config(self):
        return {
            "name": self.name,
            "g_optimizer": serialize_optimizer(self.g_optimizer),
            "d_optimizer": serialize_optimizer(self.d_optimizer),
        }

    @classmethod
    def from_config(cls, config):
        return cls(
            deserialize_optimizer(config["g_optimizer"]),
            deserialize_optimizer(config["d_optimizer"]),
            name=config.get("name", "gan_optimizer"),
        )
