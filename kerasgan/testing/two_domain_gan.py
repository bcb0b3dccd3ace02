"""A CycleGAN-shaped model written on the engine: the example of docs/engine.md."""

import keras
import numpy as np
from keras import ops

from kerasgan import backend
from kerasgan import engine
from kerasgan import losses


def mlp(features, outputs, name):
    layers = [keras.layers.Dense(16, activation="relu"), keras.layers.Dense(outputs)]
    return keras.Sequential([keras.Input((features,))] + layers, name=name)


@keras.saving.register_keras_serializable(package="kerasgan")
class TwoDomainGAN(engine.AdversarialModel, engine.DataToData):
    """Maps vectors of domain A to domain B and back, trained on unpaired batches.

    Generators `g_ab`, `g_ba` (one phase, one optimizer "g"), discriminators `d_a`,
    `d_b` (a phase and an optimizer each), least-squares losses, a cycle loss, and
    an R1 penalty on `d_a` every `r1_interval` steps (lazy: its loss × interval).
    """

    def __init__(self, features=4, cycle_weight=10.0, r1_interval=4, **kwargs):
        self.features, self.cycle_weight = features, cycle_weight
        self.r1_interval = r1_interval
        networks = {name: mlp(features, 1 if name[0] == "d" else features, name)
                    for name in ("g_ab", "g_ba", "d_a", "d_b")}
        super().__init__(networks, **kwargs)
        self.adversarial_loss = losses.LeastSquares()

    def data_spec(self):
        return (engine.DataSpec("domain_a", (self.features,)),
                engine.DataSpec("domain_b", (self.features,)))

    def default_optimizers(self):
        return {name: keras.optimizers.Adam(2e-4, beta_1=0.5) for name in ("g", "d_a", "d_b")}

    def phases(self):
        return [
            engine.Phase("generators", self.generator_loss, ("g_ab", "g_ba"), "g",
                         logs=("g_loss", "cycle_loss")),
            engine.Phase("d_a", self.d_loss("d_a", "g_ba", 0), "d_a", "d_a", logs=("d_a_loss",)),
            engine.Phase("d_b", self.d_loss("d_b", "g_ab", 1), "d_b", "d_b", logs=("d_b_loss",)),
            engine.Phase("r1", self.r1_loss, "d_a", "d_a", interval=self.r1_interval,
                         logs=("r1",)),
        ]

    def generator_loss(self, a, b):
        fake_b, fake_a = self.g_ab(a, training=True), self.g_ba(b, training=True)
        adversarial = (self.adversarial_loss.generator_loss(self.d_b(fake_b))
                       + self.adversarial_loss.generator_loss(self.d_a(fake_a)))
        cycle = (ops.mean(ops.abs(self.g_ba(fake_b, training=True) - a))
                 + ops.mean(ops.abs(self.g_ab(fake_a, training=True) - b)))
        loss = adversarial + self.cycle_weight * cycle
        return loss, {"g_loss": loss, "cycle_loss": cycle}

    def d_loss(self, critic, generator, real_index):
        def loss_fn(*batch):
            source = batch[1 - real_index]
            fake = ops.stop_gradient(getattr(self, generator)(source, training=True))
            critic_net = getattr(self, critic)
            loss = self.adversarial_loss.discriminator_loss(critic_net(batch[real_index]), critic_net(fake))
            return loss, {f"{critic}_loss": loss}

        return loss_fn

    def r1_loss(self, a, b):
        gradient = backend.input_gradient(lambda x: self.d_a(x, training=False), a)
        penalty = ops.mean(ops.sum(ops.square(gradient), axis=1))
        return penalty, {"r1": penalty}

    def translate(self, x, direction="a_to_b", batch_size=256):
        network = self.g_ab if direction == "a_to_b" else self.g_ba
        return np.asarray(ops.convert_to_numpy(network.predict(x, batch_size, verbose=0)))

    def get_config(self):
        return {**self._base_config(), "features": self.features,
                "cycle_weight": self.cycle_weight, "r1_interval": self.r1_interval}
