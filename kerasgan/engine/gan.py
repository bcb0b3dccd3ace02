"""`GAN`: the latent-to-data model (a generator of latents, a discriminator)."""

import keras
import numpy as np
from keras import ops

from kerasgan import backend
from kerasgan import losses as losses_lib
from kerasgan.engine import inference
from kerasgan.engine.data_spec import DataSpec
from kerasgan.engine.model import AdversarialModel
from kerasgan.engine.optimizer import deserialize_optimizer
from kerasgan.engine.optimizer import serialize_optimizer
from kerasgan.engine.phase import Phase
from kerasgan.engine.protocols import LatentToData
from kerasgan.layers.diff_augment import DiffAugment


def count_argument(value, name):
    """`value` as an int when it is a positive whole number; a ValueError otherwise.

    `int()` alone would take 2.5 as 2, "3" as 3 and True as 1 without a word.
    """
    is_integer = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not is_integer or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def discriminator_features(discriminator, reader):
    """A function from images to the discriminator's layer "features" (flattened).

    A function, not a tracked sub-model: its weights are D's and must be neither
    listed twice nor saved twice. `reader` names what needs it, for the error.
    """
    try:
        features = discriminator.get_layer("features")
    except ValueError:
        raise ValueError(
            f"{reader} reads the discriminator's layer named 'features' (the "
            "kerasgan.models.networks discriminators name it); this one has none."
        ) from None
    inputs = discriminator.inputs
    inputs = inputs[0] if len(inputs) == 1 else inputs
    return keras.Model(inputs, features.output).__call__


@keras.saving.register_keras_serializable(package="kerasgan")
class GAN(AdversarialModel, LatentToData):
    """A generative adversarial network trained with plain `fit()` on any Keras backend.

    A train step runs two phases: the discriminator phase `n_critic` times, then
    the generator phase once, each with its own optimizer (so different learning rates,
    TTUR, come for free). Latents are drawn from a `keras.random.SeedGenerator` owned
    by the model. The step is written once in `keras.ops`; `kerasgan.backend` adapts
    gradient computation to TensorFlow, JAX (jitted) and PyTorch.

    Variants subclass `GAN` and override `discriminator_loss`, `generator_loss` or
    `phases`; nothing in a variant is backend-specific. Models with other networks
    or batches subclass `kerasgan.engine.AdversarialModel` (docs/engine.md).

    Args:
        generator: a built `keras.Model` mapping latents `(batch, latent_dim)` to data.
        discriminator: a built `keras.Model` mapping data to one logit per example.
        latent_dim: size of the latent vector.
        n_critic: discriminator steps per generator step.
        seed: seed of the training RNG (latents, penalty interpolation); None draws one.
        ema_decay: when set (e.g. 0.999), keep an exponential moving average of the
            generator's weights, `ema_generator`, updated every train step and used
            by `generate` (see `enable_ema`).
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

    #: Whether each of the `n_critic` discriminator steps trains on its own real
    #: batch (WGAN and WGAN-GP do, as in their papers) or all reuse one.
    fresh_critic_batches = False

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        n_critic=1,
        seed=None,
        ema_decay=None,
        **kwargs,
    ):
        if int(n_critic) < 1:
            raise ValueError(f"n_critic must be a positive integer; got {n_critic}.")
        count_argument(latent_dim, "latent_dim")
        self.ema_generator = None
        super().__init__(
            networks={"generator": generator, "discriminator": discriminator},
            seed=seed,
            ema_decay=ema_decay,
            **kwargs,
        )
        self.latent_dim = int(latent_dim)
        self.n_critic = int(n_critic)
        # From G: a conditional D also takes labels.
        self.data_shape = tuple(generator.output_shape[1:])
        self.adversarial_loss = None
        self.penalty = None
        self.augment = None
        self.feature_matching = 0.0
        self.historical_averaging = 0.0
        self.regularizers = []

    # ------------------------------------------------------------ declarations
    def data_spec(self):
        """`(images, labels)`; labels are optional for unconditional models."""
        return (
            DataSpec("images", self.data_shape),
            DataSpec("labels", (), kind="label", required=False),
        )

    def phases(self):
        """D (`n_critic` times, on fresh batches where the variant asks), then G, then
        the lazy regularizer phases (`compile(regularizers=...)` with interval > 1)."""
        d_logs = ("d_loss", "d_real", "d_fake") + self.discriminator_extra_logs()
        g_logs = ("g_loss",) + self._every_step_logs("generator")
        return [
            Phase(
                "discriminator",
                self.discriminator_loss,
                "discriminator",
                "d",
                repeats=self.n_critic,
                fresh_batch=self.fresh_critic_batches,
                logs=d_logs + self._every_step_logs("discriminator"),
            ),
            Phase("generator", self.generator_loss, "generator", "g", logs=g_logs),
        ] + [self._lazy_phase(r) for r in self.regularizers if r.interval > 1]

    def _every_step_logs(self, network):
        return tuple(r.name for r in self.regularizers
                     if r.interval == 1 and r.network == network)

    def _lazy_phase(self, regularize):
        def loss_fn(real, labels):
            value = self._regularization(regularize, real, labels)
            return value, {regularize.name: value}

        key = "d" if regularize.network == "discriminator" else "g"
        return Phase(f"{key}_{regularize.name}", loss_fn, regularize.network, key,
                     interval=regularize.interval, logs=(regularize.name,))

    def _regularization(self, regularize, real, labels, variables=None):
        """The value of one attached regularizer on this batch."""
        term = regularize.regularizer
        if regularize.kind == "weights":
            network = self.network(regularize.network)
            # A network may leave some weights out (BigGAN's shared class embedding).
            default = getattr(network, "regularized_variables", network.trainable_variables)
            return term(variables or default)
        if regularize.kind == "penalty":
            fake = None
            if term.uses_fake:  # R1 reads real data only: no generator call for it
                fake = ops.stop_gradient(self.generate_fakes(ops.shape(real)[0], labels))
            return term(lambda x: self.discriminate(x, labels, training=False), real,
                        fake, self.seed_generator)
        shrunk = None if labels is None else term.shrink(labels)
        synthesis, latents = self.regularized_synthesis(ops.shape(real)[0], shrunk)
        return term(synthesis, latents, self.seed_generator)

    def regularized_synthesis(self, batch_size, labels):
        """`(synthesis, latents)`, what a generator regularizer (path length) is
        called with: G as a function of its latents (labels closed over, inference
        mode) and a batch of latents z. StyleGAN gives its synthesis network and ws."""
        latents = self.sample_latents(batch_size)
        return (lambda w: self.generator(self.generator_inputs(w, labels), training=False),
                latents)

    def _attach_regularizers(self, regularizers):
        from kerasgan.engine.regularize import Regularize

        for name in [n for n in vars(self) if n.startswith("_regularizer_state_")]:
            delattr(self, name)  # Keras untracks a variable attribute on delattr
        self.regularizers = [
            r if isinstance(r, Regularize) else Regularize(r) for r in regularizers or ()
        ]
        for i, regularize in enumerate(self.regularizers):
            regularize.regularizer.build()
            # Model attributes: threaded through JAX's state and saved with weights.
            for j, variable in enumerate(regularize.regularizer.variables):
                setattr(self, f"_regularizer_state_{i}_{j}", variable)

    def discriminator_extra_logs(self):
        """Logs of the discriminator phase besides d_loss, d_real and d_fake."""
        return (self.penalty.name,) if self.penalty is not None else ()

    # ------------------------------------------------------------------ compile
    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss="non_saturating",
        gradient_penalty=None,
        penalty_weight=None,
        label_smoothing=0.0,
        augment=None,
        feature_matching=0.0,
        historical_averaging=0.0,
        regularizers=None,
        optimizers=None,
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
            augment: DiffAugment policy applied to real and fake images whenever D
                sees them in training, e.g. "color,translation,cutout" (or a
                `kerasgan.layers.DiffAugment`); None for none.
            feature_matching: weight of the feature-matching term added to G's loss
                (Salimans et al. 2016): the squared distance between the mean
                features of real and fake batches at D's layer named "features".
            historical_averaging: weight of the penalty `||θ - θ̄||²` on both networks,
                θ̄ the running average of past parameters (Salimans et al. 2016).
            regularizers: a list of `kerasgan.Regularize` (or of regularizers,
                attached to the network of their family every step): penalties
                and regularizers of D or G, each every `interval` steps (lazy R1,
                path length, orthogonal regularization).
            optimizers: `{"g": ..., "d": ...}`, the general form of the two above.
            **kwargs: `keras.Model.compile` arguments such as `jit_compile`,
                `run_eagerly`, `steps_per_execution`.
        """
        optimizers = dict(optimizers or {})
        for key, given in (("g", g_optimizer), ("d", d_optimizer)):
            if given is not None:
                optimizers[key] = given
        optimizers = {**self.default_optimizers(), **optimizers}
        missing = [f"{k}_optimizer" for k in ("g", "d") if optimizers.get(k) is None]
        if missing:
            raise ValueError(
                f"{type(self).__name__}.compile() needs {' and '.join(missing)}: a GAN "
                "trains two networks, each with its own optimizer. Example: "
                "gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), "
                "d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))."
            )
        self._refuse_keras_losses(kwargs)
        self.adversarial_loss = losses_lib.get(loss, label_smoothing=label_smoothing)
        self.penalty = losses_lib.get_penalty(gradient_penalty, penalty_weight)
        self._configure_techniques(augment, feature_matching, historical_averaging)
        self._attach_regularizers(regularizers)
        super().compile(optimizers=optimizers, **kwargs)
        self._gan_compile_config = {
            "g_optimizer": serialize_optimizer(self.g_optimizer),
            "d_optimizer": serialize_optimizer(self.d_optimizer),
            "loss": keras.saving.serialize_keras_object(self.adversarial_loss)
            if not _is_builtin(self.adversarial_loss, losses_lib.ADVERSARIAL_LOSSES)
            else self.adversarial_loss.name,
            "gradient_penalty": _penalty_config(self.penalty),
            "penalty_weight": self.penalty.weight if self.penalty else None,
            "label_smoothing": self.adversarial_loss.label_smoothing,
            **self._techniques_config(),
            **self._keras_compile_config,
        }
        if self.regularizers:
            self._gan_compile_config["regularizers"] = [
                keras.saving.serialize_keras_object(r) for r in self.regularizers
            ]

    def _configure_techniques(self, augment, feature_matching, historical_averaging):
        """DiffAugment, feature matching and historical averaging (compile options)."""
        self.augment = augment if augment is None else self._as_diff_augment(augment)
        self.feature_matching = float(feature_matching)
        self.historical_averaging = float(historical_averaging)
        if self.feature_matching:
            self._discriminator_features = self._features_function()
        if self.historical_averaging and not hasattr(self, "_historical_averages"):
            # Non-trainable variables of the model: they thread through JAX's jitted
            # state and are saved with the weights.
            self._historical_averages = [
                keras.Variable(
                    ops.convert_to_numpy(v), trainable=False, name="historical_average"
                )
                for v in self._averaged_variables()
            ]

    @staticmethod
    def _as_diff_augment(augment):
        return augment if isinstance(augment, DiffAugment) else DiffAugment(augment)

    def _features_function(self):
        return discriminator_features(self.discriminator, "feature_matching")

    def _techniques_config(self):
        config = {}
        if self.augment is not None:
            config["augment"] = ",".join(self.augment.policy)
        if self.feature_matching:
            config["feature_matching"] = self.feature_matching
        if self.historical_averaging:
            config["historical_averaging"] = self.historical_averaging
        return config

    def _averaged_variables(self):
        return self.generator.trainable_variables + self.discriminator.trainable_variables

    def historical_averaging_penalty(self, variables):
        """`weight · Σ ||θ - θ̄||²` over `variables`, θ̄ their running averages."""
        averages = self._historical_averages_of(variables)
        distances = [ops.sum(ops.square(v - a)) for v, a in zip(variables, averages)]
        return self.historical_averaging * ops.sum(ops.stack(distances))

    def _historical_averages_of(self, variables):
        index = {id(v): i for i, v in enumerate(self._averaged_variables())}
        return [self._historical_averages[index[id(v)]] for v in variables]

    def _update_historical_averages(self, variables, optimizer):
        # θ̄ is the mean of θ_0..θ_k after k updates of this phase's optimizer.
        count = ops.cast(optimizer.iterations, "float32") + 1.0
        averages = self._historical_averages_of(variables)
        for variable, average in zip(variables, averages):
            average.assign(average + (ops.stop_gradient(variable) - average) / count)

    @property
    def g_optimizer(self):
        return self.optimizer.get("g") if self.is_compiled else None

    @property
    def d_optimizer(self):
        return self.optimizer.get("d") if self.is_compiled else None

    def regularize_phase(self, phase, loss, variables, batch):
        """Historical averaging, and the regularizers attached every step to the
        network the discriminator or generator phase trains."""
        if self.historical_averaging:
            loss = loss + self.historical_averaging_penalty(variables)
        logs = {}
        if phase.name in ("discriminator", "generator"):
            real, labels = batch
            for regularize in self.regularizers:
                if regularize.interval == 1 and regularize.network == phase.name:
                    value = self._regularization(regularize, real, labels, variables)
                    logs[regularize.name] = value
                    loss = loss + ops.cast(value, loss.dtype)
        return loss, logs

    def after_phase(self, phase, variables, optimizer):
        if self.historical_averaging:
            self._update_historical_averages(variables, optimizer)

    def sample_latents(self, batch_size):
        """Latents for training, from the model's SeedGenerator (jit-safe)."""
        # Each replica its own rows of the global batch's latents (data parallel).
        return backend.replica_rows(
            lambda n: keras.random.normal((n, self.latent_dim), seed=self.seed_generator),
            batch_size,
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
            self.discriminator_view(images, labels, training), training=training
        )

    def discriminator_view(self, images, labels, training=True):
        """D's inputs for `images`: DiffAugment-ed in training when enabled.

        Penalties call D with `training=False` and see the images unaugmented: a
        random op inside the nested input gradient is not expressible on JAX.
        """
        if training and self.augment is not None:
            images = self.augment(images, self.seed_generator)
        return self.discriminator_inputs(images, labels)

    def feature_matching_loss(self, real, fake, labels):
        """Squared distance of the mean D features of real and fake (per feature)."""
        features = self._discriminator_features
        real_features = features(self.discriminator_view(real, labels), training=True)
        fake_features = features(self.discriminator_view(fake, labels), training=True)
        real_mean = ops.stop_gradient(ops.mean(real_features, axis=0))
        return ops.mean(ops.square(real_mean - ops.mean(fake_features, axis=0)))

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
        loss = self._add_penalty(loss, logs, real, fake, labels)
        logs["d_loss"] = loss
        return loss, logs

    def _add_penalty(self, loss, logs, real, fake, labels):
        if self.penalty is None:
            return loss
        penalty = self.penalty(
            lambda x: self.discriminate(x, labels, training=False),
            real,
            fake,
            self.seed_generator,
        )
        logs[self.penalty.name] = penalty
        return loss + penalty

    def generator_loss(self, real, labels):
        """The generator phase's loss and logs for one batch of real data."""
        batch_size = ops.shape(real)[0]
        fake = self.generate_fakes(batch_size, labels)
        fake_logits = self.discriminate(fake, labels)
        loss = self.adversarial_loss.generator_loss(fake_logits)
        loss = self._add_feature_matching(loss, real, fake, labels)
        return loss, {"g_loss": loss}

    def _add_feature_matching(self, loss, real, fake, labels):
        if not self.feature_matching:
            return loss
        matching = self.feature_matching_loss(real, fake, labels)
        return loss + self.feature_matching * ops.cast(matching, loss.dtype)

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
        n = count_argument(n, "n")
        rng = np.random.default_rng(seed)
        return rng.standard_normal((int(n), self.latent_dim)).astype("float32")

    @property
    def sampling_generator(self):
        """The network `generate` samples from: the EMA generator when kept, else G."""
        return self.generator if self.ema_generator is None else self.ema_generator

    def enable_ema(self, decay=0.999, networks=("generator",)):
        """Keeps an exponential moving average of the generator, `ema_generator`.

        Updated at the end of every train step inside the (jitted) step, saved with
        the model, and used by `generate` and the callbacks. Its variables belong to
        the model, so create it before `fit()` (`GAN(..., ema_decay=...)` or the
        `GeneratorEMA` callback).

        Args:
            decay: the EMA decay in (0, 1), e.g. 0.999.
            networks: the networks to average (the generator).
        """
        super().enable_ema(decay, networks)

    def check_labels(self, labels, n):
        """Validates `generate`'s labels; unconditional models take none."""
        if labels is not None:
            raise ValueError(
                f"{type(self).__name__} is unconditional: generate() takes no labels."
            )
        return None

    def generate_from_latents(self, latents, labels=None, batch_size=256):
        """Runs `sampling_generator` (inference mode) on given latents, in batches.

        Each batch shape runs one compiled function (`kerasgan.engine.inference`),
        built at its first use and cached on the model."""
        batch_size = count_argument(batch_size, "batch_size")
        labels = self.check_labels(labels, len(latents))
        arrays = [np.asarray(latents, "float32")]
        if labels is not None:
            arrays.append(np.asarray(labels, "int32"))
        draw, _, networks = self.generation_function()
        return inference.run_batches(self, ("generate", id(networks[0])), draw, arrays,
                                     batch_size)

    def generation_inputs(self):
        """`generate_from_latents`'s inputs: `[(name, shape without batch, dtype)]`."""
        return [("latents", (self.latent_dim,), "float32")]

    def generation_function(self, ema=True):
        """The function `generate_from_latents` runs on each batch (and export saves).

        Args:
            ema: use the EMA generator when the model keeps one (`sampling_generator`);
                False: the trained generator.

        Returns:
            `(fn, inputs, networks)`: `fn(*tensors)` maps one batch of each of
            `generation_inputs()` (`inputs`) to images, reading only `networks`.
        """
        network = self.sampling_generator if ema else self.generator

        def draw(z, y=None):
            return network(self.generator_inputs(z, y), training=False)

        return draw, self.generation_inputs(), [network]

    # ------------------------------------------------------------------ config
    def _base_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "n_critic": self.n_critic,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
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
        return getattr(self, "_gan_compile_config", None) if self.is_compiled else None

    def compile_from_config(self, config):
        config = dict(config)
        config["g_optimizer"] = deserialize_optimizer(config["g_optimizer"])
        config["d_optimizer"] = deserialize_optimizer(config["d_optimizer"])
        if config.get("regularizers"):
            config["regularizers"] = [
                keras.saving.deserialize_keras_object(r) for r in config["regularizers"]
            ]
        if isinstance(config.get("loss"), dict):
            config["loss"] = keras.saving.deserialize_keras_object(config["loss"])
        if isinstance(config.get("gradient_penalty"), dict) and "module" in config[
            "gradient_penalty"
        ]:
            config["gradient_penalty"] = keras.saving.deserialize_keras_object(
                config["gradient_penalty"]
            )
        self.compile(**config)


def _is_builtin(obj, registry):
    return type(obj) is registry.get(getattr(obj, "name", None))


def _penalty_config(penalty):
    if penalty is None:
        return None
    if _is_builtin(penalty, losses_lib.PENALTIES):
        return penalty.name
    return keras.saving.serialize_keras_object(penalty)
