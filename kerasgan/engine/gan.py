"""The GAN base model: phases, a backend-agnostic train step, generation and config."""

import collections

import keras
import numpy as np
from keras import ops

from kerasgan import backend
from kerasgan import losses as losses_lib
from kerasgan.engine import validation
from kerasgan.engine.optimizer import GANOptimizer
from kerasgan.engine.optimizer import deserialize_optimizer
from kerasgan.engine.optimizer import serialize_optimizer

Phase = collections.namedtuple(
    "Phase", ["name", "loss_fn", "variables", "optimizer", "repeats"]
)
Phase.__doc__ = """One optimisation phase of a GAN train step (after stylegan2-ada).

Fields:
    name: "discriminator", "generator", ...
    loss_fn: `loss_fn(real, labels) -> (loss, logs)`, written in `keras.ops`.
    variables: the trainable variables this phase updates.
    optimizer: the optimizer that updates them.
    repeats: how many times the phase runs per train step (n_critic for D).
"""


@keras.saving.register_keras_serializable(package="kerasgan")
class GAN(keras.Model):
    """A generative adversarial network trained with plain `fit()` on any Keras backend.

    A train step runs phases in order: the discriminator phase `n_critic` times, then
    the generator phase once, each with its own optimizer (so different learning rates,
    TTUR, come for free). Latents are drawn from a `keras.random.SeedGenerator` owned
    by the model. The step is written once in `keras.ops`; `kerasgan.backend` adapts
    gradient computation to TensorFlow, JAX (jitted) and PyTorch.

    Variants subclass `GAN` and override `discriminator_loss`, `generator_loss` or
    `phases`; nothing in a variant is backend-specific.

    Args:
        generator: a built `keras.Model` mapping latents `(batch, latent_dim)` to data.
        discriminator: a built `keras.Model` mapping data to one logit per example.
        latent_dim: size of the latent vector.
        n_critic: discriminator steps per generator step.
        seed: seed of the training RNG (latents, penalty interpolation); None draws one.
        **kwargs: `keras.Model` arguments (`name`, `dtype`).

    Example:

    ```python
    gan = kerasgan.GAN(generator, discriminator, latent_dim=64)
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                loss="non_saturating")
    gan.fit(images, batch_size=64, epochs=5)
    samples = gan.generate(16, seed=0)
    ```

    Paper: Goodfellow et al. 2014, https://arxiv.org/abs/1406.2661
    """

    def __init__(
        self, generator, discriminator, latent_dim, n_critic=1, seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        if int(n_critic) < 1:
            raise ValueError(f"n_critic must be a positive integer; got {n_critic}.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.n_critic = int(n_critic)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="latent_seed")
        self.data_shape = tuple(discriminator.input_shape[1:])
        self.adversarial_loss = None
        self.penalty = None
        self._trackers = {}
        # G and D are built models; building the GAN on a real batch would call
        # `self(x)` with data, not latents.
        self.built = True

    # ------------------------------------------------------------------ compile
    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss="non_saturating",
        gradient_penalty=None,
        penalty_weight=None,
        label_smoothing=0.0,
        **kwargs,
    ):
        """Configures training.

        Args:
            g_optimizer: the generator's optimizer (instance, name or config).
            d_optimizer: the discriminator's optimizer.
            loss: an adversarial loss name from `kerasgan.losses.ADVERSARIAL_LOSSES`
                or an `AdversarialLoss`.
            gradient_penalty: None, "wgan_gp" or "r1".
            penalty_weight: λ of the penalty (default 10).
            label_smoothing: one-sided label smoothing of the real target.
            **kwargs: `keras.Model.compile` arguments such as `jit_compile`,
                `run_eagerly`, `steps_per_execution`.
        """
        missing = [
            n
            for n, o in (("g_optimizer", g_optimizer), ("d_optimizer", d_optimizer))
            if o is None
        ]
        if missing:
            raise ValueError(
                f"{type(self).__name__}.compile() needs {' and '.join(missing)}: a GAN "
                "trains two networks, each with its own optimizer. Example: "
                "gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), "
                "d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))."
            )
        for unsupported in ("optimizer", "metrics", "loss_weights", "weighted_metrics"):
            if unsupported in kwargs:
                raise TypeError(
                    f"{type(self).__name__}.compile() does not take {unsupported!r}; "
                    "use g_optimizer/d_optimizer and the adversarial `loss`."
                )
        super().compile(**kwargs)
        g_optimizer = self._prepare_optimizer(g_optimizer)
        d_optimizer = self._prepare_optimizer(d_optimizer)
        self.adversarial_loss = losses_lib.get(loss, label_smoothing=label_smoothing)
        self.penalty = losses_lib.get_penalty(gradient_penalty, penalty_weight)
        self.optimizer = GANOptimizer(g_optimizer, d_optimizer)
        self.optimizer.build_for(
            self.generator.trainable_variables, self.discriminator.trainable_variables
        )
        self._create_trackers()
        self._gan_compile_config = {
            "g_optimizer": serialize_optimizer(g_optimizer),
            "d_optimizer": serialize_optimizer(d_optimizer),
            "loss": self.adversarial_loss.name,
            "gradient_penalty": self.penalty.name if self.penalty else None,
            "penalty_weight": self.penalty.weight if self.penalty else None,
            "label_smoothing": self.adversarial_loss.label_smoothing,
            **{
                k: v
                for k, v in kwargs.items()
                if k in ("jit_compile", "run_eagerly", "steps_per_execution")
            },
        }

    def _prepare_optimizer(self, optimizer):
        optimizer = keras.optimizers.get(optimizer)
        if self.dtype_policy.name == "mixed_float16" and not isinstance(
            optimizer, keras.optimizers.LossScaleOptimizer
        ):
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    @property
    def g_optimizer(self):
        optimizer = getattr(self, "optimizer", None)
        return optimizer.g_optimizer if isinstance(optimizer, GANOptimizer) else None

    @property
    def d_optimizer(self):
        optimizer = getattr(self, "optimizer", None)
        return optimizer.d_optimizer if isinstance(optimizer, GANOptimizer) else None

    def _create_trackers(self):
        names = ["d_loss", "g_loss", "d_real", "d_fake"]
        if self.penalty is not None:
            names.append(self.penalty.name)
        self._trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self):
        return list(self._trackers.values())

    # ------------------------------------------------------------------ phases
    def phases(self):
        """The phases of one train step, in order: D (`n_critic` times), then G."""
        return [
            Phase(
                "discriminator",
                self.discriminator_loss,
                self.discriminator.trainable_variables,
                self.d_optimizer,
                self.n_critic,
            ),
            Phase(
                "generator",
                self.generator_loss,
                self.generator.trainable_variables,
                self.g_optimizer,
                1,
            ),
        ]

    def sample_latents(self, batch_size):
        """Latents for training, from the model's SeedGenerator (jit-safe)."""
        return keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )

    def generator_inputs(self, latents, labels):
        """What the generator is called on; conditional variants add the labels."""
        return latents

    def discriminator_inputs(self, images, labels):
        """What the discriminator is called on; conditional variants add the labels."""
        return images

    def generate_fakes(self, batch_size, labels, training=True):
        latents = self.sample_latents(batch_size)
        return self.generator(self.generator_inputs(latents, labels), training=training)

    def discriminate(self, images, labels, training=True):
        return self.discriminator(
            self.discriminator_inputs(images, labels), training=training
        )

    def discriminator_loss(self, real, labels):
        """The discriminator phase's loss and logs for one batch of real data."""
        batch_size = ops.shape(real)[0]
        fake = ops.stop_gradient(self.generate_fakes(batch_size, labels))
        real_logits = self.discriminate(real, labels)
        fake_logits = self.discriminate(fake, labels)
        loss = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
        logs = {
            "d_real": ops.mean(self.adversarial_loss.score(real_logits)),
            "d_fake": ops.mean(self.adversarial_loss.score(fake_logits)),
        }
        if self.penalty is not None:
            penalty = self.penalty(
                lambda x: self.discriminate(x, labels, training=False),
                real,
                fake,
                self.seed_generator,
            )
            logs[self.penalty.name] = penalty
            loss = loss + penalty
        logs["d_loss"] = loss
        return loss, logs

    def generator_loss(self, real, labels):
        """The generator phase's loss and logs for one batch of real data."""
        batch_size = ops.shape(real)[0]
        fake = self.generate_fakes(batch_size, labels)
        fake_logits = self.discriminate(fake, labels)
        loss = self.adversarial_loss.generator_loss(fake_logits)
        return loss, {"g_loss": loss}

    # -------------------------------------------------------------- train step
    def train_step(self, *args):
        # Keras passes (data,) on TF and torch and (state, data) on JAX.
        return backend.train_step(self, *args)

    def gan_train_step(self, data):
        """One GAN step, backend-agnostic: every phase in order, then the logs."""
        real, labels = self._unpack(data)
        for phase in self.phases():
            for _ in range(phase.repeats):
                logs = self._run_phase(phase, real, labels)
            for name, value in logs.items():
                if name in self._trackers:
                    self._trackers[name].update_state(value)
        self.optimizer.iterations.assign_add(1)
        return {name: tracker.result() for name, tracker in self._trackers.items()}

    def _run_phase(self, phase, real, labels):
        def scaled_loss():
            loss, logs = phase.loss_fn(real, labels)
            return phase.optimizer.scale_loss(loss), logs

        _, logs, gradients = backend.value_and_grad(scaled_loss, phase.variables)
        backend.apply_gradients(phase.optimizer, gradients, phase.variables)
        return logs

    def _unpack(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        validation.check_batch_shape(x, self.data_shape, type(self).__name__)
        return ops.cast(x, "float32"), y

    # ------------------------------------------------------------------ fit
    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """`keras.Model.fit`, checking inputs first and stopping on non-finite losses."""
        if not isinstance(getattr(self, "optimizer", None), GANOptimizer):
            raise RuntimeError(
                f"{type(self).__name__} is not compiled: call gan.compile(g_optimizer=..., "
                "d_optimizer=...) before fit()."
            )
        validation.check_training_data(x, self.data_shape, type(self).__name__)
        if hasattr(x, "element_spec"):
            # A tf.data pipeline shuffles itself; Keras warns when asked again.
            kwargs.setdefault("shuffle", False)
        guard = validation.NonFiniteLossGuard()
        history = super().fit(
            x, y, *args, callbacks=[guard, *(callbacks or [])], **kwargs
        )
        if guard.error:
            raise FloatingPointError(guard.error)
        return history

    def test_step(self, *args):
        raise NotImplementedError(
            "GANs have no validation loss; evaluate with kerasgan.metrics instead of "
            "validation_data/evaluate()."
        )

    # --------------------------------------------------------------- sampling
    def call(self, latents, training=False):
        """Maps latents to data with the generator."""
        return self.generator(latents, training=training)

    def generate(self, n, seed=None, labels=None, batch_size=256):
        """Generates `n` samples as a float32 NumPy array in the data range ([-1, 1]).

        Latents are drawn with NumPy from `seed`, so the same weights give the same
        samples on every backend. Uses `sampling_generator` (the EMA generator when
        the model keeps one).

        Args:
            n: number of samples.
            seed: integer seed of the latents; None draws fresh ones.
            labels: class labels, one per sample, for conditional variants.
            batch_size: generator batch size (bounds memory).

        Returns:
            A NumPy array of shape `(n,) + data_shape`.
        """
        latents = self.latents_for(n, seed)
        return self.generate_from_latents(latents, labels=labels, batch_size=batch_size)

    def latents_for(self, n, seed=None):
        """The NumPy latents `generate(n, seed)` uses."""
        if int(n) < 1:
            raise ValueError(f"n must be a positive number of samples; got {n}.")
        rng = np.random.default_rng(seed)
        return rng.standard_normal((int(n), self.latent_dim)).astype("float32")

    @property
    def sampling_generator(self):
        """The network `generate` samples from: the generator itself by default."""
        return self.generator

    def check_labels(self, labels, n):
        """Validates `generate`'s labels; unconditional models take none."""
        if labels is not None:
            raise ValueError(
                f"{type(self).__name__} is unconditional: generate() takes no labels."
            )
        return None

    def generate_from_latents(self, latents, labels=None, batch_size=256):
        """Runs `sampling_generator` (inference mode) on given latents, in batches."""
        labels = self.check_labels(labels, len(latents))
        outputs = []
        with backend.no_grad():
            for start in range(0, len(latents), batch_size):
                z = ops.convert_to_tensor(latents[start : start + batch_size])
                y = None if labels is None else labels[start : start + batch_size]
                images = self.sampling_generator(
                    self.generator_inputs(z, y), training=False
                )
                outputs.append(ops.convert_to_numpy(ops.cast(images, "float32")))
        return np.concatenate(outputs, axis=0)

    # ------------------------------------------------------------------ config
    def _base_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "n_critic": self.n_critic,
            "seed": self.seed,
        }

    def get_config(self):
        return {
            **self._base_config(),
            "latent_dim": self.latent_dim,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def get_compile_config(self):
        return getattr(self, "_gan_compile_config", None)

    def compile_from_config(self, config):
        config = dict(config)
        config["g_optimizer"] = deserialize_optimizer(config["g_optimizer"])
        config["d_optimizer"] = deserialize_optimizer(config["d_optimizer"])
        self.compile(**config)
