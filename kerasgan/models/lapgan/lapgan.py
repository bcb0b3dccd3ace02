"""LAPGAN: a Laplacian pyramid of conditional GANs, one per level (Denton et al. 2015)."""

import keras
import numpy as np
from keras import ops

from kerasgan import losses
from kerasgan.engine import inference
from kerasgan.engine.data_spec import DataSpec
from kerasgan.engine.gan import count_argument
from kerasgan.engine.model import AdversarialModel
from kerasgan.engine.optimizer import deserialize_optimizer
from kerasgan.engine.optimizer import serialize_optimizer
from kerasgan.engine.phase import Phase
from kerasgan.engine.protocols import LatentToData
from kerasgan.engine.stages import Stage
from kerasgan.engine.stages import fit_stages
from kerasgan.models.lapgan import pyramid
from kerasgan.models.lapgan.laplacian_discriminator import LaplacianDiscriminator
from kerasgan.models.lapgan.laplacian_generator import LaplacianGenerator
from kerasgan.models.networks import MLPDiscriminator
from kerasgan.models.networks import MLPGenerator


@keras.saving.register_keras_serializable(package="kerasgan")
class LAPGAN(AdversarialModel, LatentToData):
    """LAPGAN (Denton et al. 2015): a Laplacian pyramid of GANs, generated coarse to fine.

    Level 0 (the coarsest, `data_shape / 2**(levels-1)`) is an ordinary GAN with
    fully connected networks (`generator_0`, `discriminator_0`; the paper's
    coarsest CIFAR-10 level is fully connected too). Each finer level `k` is a
    conditional GAN over the band-pass residual `h_k = I_k - u(I_{k-1})` of the
    Laplacian pyramid (`kerasgan.models.lapgan.pyramid`): `generator_k`
    (`LaplacianGenerator`) draws `h_k` from a noise plane and the upsampled coarser
    image `u(I_{k-1})`; `discriminator_k` (`LaplacianDiscriminator`) judges
    `(h_k, u(I_{k-1}))` pairs. In training every level is conditioned on the REAL
    coarser image of the batch, so the levels train independently: `fit()` trains
    all of them at once (each level its own two phases and two optimizers, `d_k`
    and `g_k`), `fit_stages()` one after the other. Sampling runs the cascade:
    `I_0 = G_0(z_0)`, `I_k = u(I_{k-1}) + G_k(z_k, u(I_{k-1}))`.

    Pyramid operators: d(·) = 2×2 average pooling (blur and decimate), u(·) =
    bilinear ×2 upsampling; decomposition followed by reconstruction gives the
    image back exactly (to float32 rounding), by construction of the residuals.

    Args:
        data_shape: `(height, width, channels)`; both sides divisible by
            `2**(levels-1)`.
        levels: pyramid levels (3: 8 → 16 → 32 px for 32×32 images).
        latent_dim: noise size of the coarsest generator (100, the paper's).
        coarse_g_units: hidden widths of the coarsest (fully connected) generator.
        coarse_d_units: hidden widths of the coarsest discriminator.
        g_filters: channels of the finer generators' hidden convolutions.
        d_filters: first filters of the finer discriminators.
        g_layers: convolutions of each finer generator.
        noise_channels: channels of the noise plane of each finer level.
        norm: `"batch"` or `"none"` in the finer generators.
        dropout: dropout of the finer discriminators.
        n_critic: discriminator steps per generator step, at every level.
        seed, ema_decay, **kwargs: `kerasgan.AdversarialModel` arguments; with
            `ema_decay`, every generator is averaged (`ema_generator_<k>`) and
            sampling uses the averages.

    Example:

    ```python
    lap = kerasgan.models.LAPGAN(data_shape=(32, 32, 1), levels=3)   # 8 → 16 → 32
    lap.compile()                         # the authors' SGD for every network
    ds = kerasgan.data.load("fashion-mnist", batch_size=64, image_size=32)
    lap.fit(ds, epochs=1)                 # every level at once
    lap.fit_stages(ds, epochs_per_level=1)   # or level by level
    images = lap.generate(16, seed=0)     # (16, 32, 32, 1) in [-1, 1]
    coarse, h1, h2 = lap.generate(4, seed=0, return_pyramid=True)
    ```

    Paper: https://arxiv.org/abs/1506.05751
    """

    sampling_networks = ("generator_*",)  # one per pyramid level

    def __init__(self, data_shape=(32, 32, 1), levels=3, latent_dim=100,
                 coarse_g_units=(512, 512), coarse_d_units=(256, 256), g_filters=64,
                 d_filters=64, g_layers=3, noise_channels=1, norm="batch", dropout=0.5,
                 n_critic=1, seed=None, ema_decay=None, ema_networks=None, **kwargs):
        shapes = pyramid.check_levels(data_shape, levels)
        count_argument(latent_dim, "latent_dim")
        n_critic = count_argument(n_critic, "n_critic")
        networks = {}
        for k, shape in enumerate(shapes):
            networks[f"generator_{k}"], networks[f"discriminator_{k}"] = _level_networks(
                k, shape, latent_dim, coarse_g_units, coarse_d_units, g_filters,
                d_filters, g_layers, noise_channels, norm, dropout)
        generators = tuple(f"generator_{k}" for k in range(len(shapes)))
        super().__init__(networks, seed=seed, ema_decay=ema_decay,
                         ema_networks=ema_networks or generators, **kwargs)
        self.data_shape, self.levels = tuple(shapes[-1]), len(shapes)
        self.level_shapes = [tuple(s) for s in shapes]
        self.latent_dim, self.noise_channels = int(latent_dim), int(noise_channels)
        self.coarse_g_units = tuple(int(u) for u in coarse_g_units)
        self.coarse_d_units = tuple(int(u) for u in coarse_d_units)
        self.g_filters, self.d_filters, self.g_layers = int(g_filters), int(d_filters), int(g_layers)
        self.norm, self.dropout = norm, float(dropout)
        self.n_critic = n_critic
        self.adversarial_loss = losses.get("non_saturating")
        self.train_levels = tuple(range(self.levels))
        object.__setattr__(self, "_held_optimizers", {})
        object.__setattr__(self, "_keras_compile_kwargs", {})

    # ------------------------------------------------------------ declarations
    def data_spec(self):
        """`(images, labels)`; labels, if the data has them, are ignored."""
        return (DataSpec("images", self.data_shape),
                DataSpec("labels", (), kind="label", required=False))

    def phases(self):
        """For every trained level, coarsest first: its discriminator, then its generator."""
        phases = []
        for k in self.train_levels:
            phases += [
                Phase(f"discriminator_{k}", self._discriminator_loss(k),
                      f"discriminator_{k}", f"d_{k}", repeats=self.n_critic,
                      logs=(f"d_loss_{k}",)),
                Phase(f"generator_{k}", self._generator_loss(k), f"generator_{k}",
                      f"g_{k}", logs=(f"g_loss_{k}",)),
            ]
        return phases

    def optimizer_names(self):
        """Every level's optimizer names: `["d_0", "g_0", "d_1", "g_1", ...]`."""
        return [f"{kind}_{k}" for k in range(self.levels) for kind in ("d", "g")]

    def paper_optimizers(self):
        """The authors' (facebookarchive/eyescream, CIFAR-10 scripts): SGD with
        learning rate 0.01 for every network. Their code also raises the momentum
        from 0 by 0.0008 per epoch up to 0.7 and divides the learning rate by
        1.000004 per epoch; both are left out (a few epochs change neither)."""
        return {key: keras.optimizers.SGD(0.01) for key in self.optimizer_names()}

    def default_optimizers(self):
        needed = self._optimizer_keys()
        return {k: v for k, v in self.paper_optimizers().items() if k in needed}

    # ------------------------------------------------------------------ compile
    def compile(self, g_optimizer=None, d_optimizer=None, loss="non_saturating",
                optimizers=None, gradient_penalty=None, **kwargs):
        """Configures training of every level.

        Args:
            g_optimizer: an optimizer (instance, name or config) for every level's
                generator: each level gets its own copy.
            d_optimizer: the same for the discriminators.
            loss: the adversarial loss of every level (`kerasgan.losses` name or
                object); the paper's is `"non_saturating"`.
            optimizers: `{"g_1": ..., "d_0": ...}`: optimizers of single levels,
                over `g_optimizer`/`d_optimizer`; the rest are `paper_optimizers()`.
            gradient_penalty: must be None (no level has one); accepted so that
                `kerasgan.training` can pass the GAN arguments it passes every model.
            **kwargs: `keras.Model.compile` arguments (`jit_compile`, ...).
        """
        self._refuse_keras_losses(kwargs)
        if gradient_penalty is not None:
            raise ValueError(
                "LAPGAN's levels train without a gradient penalty (the paper's); "
                f"got gradient_penalty={gradient_penalty!r}."
            )
        unknown = sorted(set(optimizers or {}) - set(self.optimizer_names()))
        if unknown:
            raise ValueError(
                f"This LAPGAN ({self.levels} levels) has the optimizers "
                f"{self.optimizer_names()}; got {unknown}."
            )
        chosen = self.paper_optimizers()
        for key in chosen:
            shared = g_optimizer if key.startswith("g_") else d_optimizer
            if shared is not None:
                chosen[key] = _copy(shared)
        chosen.update(optimizers or {})
        self.adversarial_loss = losses.get(loss)
        self._held_optimizers.clear()
        self._held_optimizers.update({k: keras.optimizers.get(v) for k, v in chosen.items()})
        object.__setattr__(self, "_keras_compile_kwargs", dict(kwargs))
        self._compile_levels()

    def _compile_levels(self):
        needed = self._optimizer_keys()
        held = self._held_optimizers
        super().compile({k: held[k] for k in needed}, **self._keras_compile_kwargs)
        # The waiting levels' optimizers stay in the compile configuration, so that
        # a re-compile (fit_stages, a saved model) keeps them.
        for key in self.optimizer_names():
            if key not in needed:
                self._optimizers_config[key] = serialize_optimizer(held[key])

    def get_compile_config(self):
        config = super().get_compile_config()
        if config is not None:
            config["loss"] = keras.saving.serialize_keras_object(self.adversarial_loss)
        return config

    def compile_from_config(self, config):
        config = dict(config)
        if isinstance(config.get("loss"), dict):
            config["loss"] = keras.saving.deserialize_keras_object(config["loss"])
        if "optimizers" in config:
            config["optimizers"] = {k: deserialize_optimizer(v)
                                    for k, v in config["optimizers"].items()}
        self.compile(**config)

    def set_train_levels(self, levels=None):
        """Chooses the levels `fit()` trains (None: all); re-compiles if compiled.

        The optimizers of the other levels wait with their state; the step count
        continues.
        """
        levels = tuple(range(self.levels)) if levels is None else tuple(levels)
        bad = [k for k in levels if k not in range(self.levels)]
        if bad or not levels or len(set(levels)) != len(levels):
            raise ValueError(
                f"levels must be distinct indices in 0..{self.levels - 1} (0 the "
                f"coarsest); got {levels!r}."
            )
        if levels == self.train_levels:
            return
        self.train_levels = tuple(sorted(levels))
        if self.is_compiled:
            step = int(ops.convert_to_numpy(self.optimizer.iterations))
            self._compile_levels()
            self.optimizer.iterations.assign(step)

    # ------------------------------------------------------------------ training
    def real_level(self, images, k):
        """`(real, condition)` of level `k` for real `images`: the coarsest image and
        None at level 0; else the residual `h_k` and `u(I_{k-1})`."""
        image = ops.convert_to_tensor(images, "float32")
        for _ in range(self.levels - 1 - k):
            image = pyramid.downsample(image)
        if k == 0:
            return image, None
        condition = pyramid.upsample(pyramid.downsample(image))
        return image - condition, condition

    def _level_noise(self, k, batch_size):
        if k == 0:
            return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        height, width, _ = self.level_shapes[k]
        return keras.random.normal((batch_size, height, width, self.noise_channels),
                                   seed=self.seed_generator)

    def _draw(self, k, noise, condition, training, averaged=False):
        network = self._sampling_network(k) if averaged else self.network(f"generator_{k}")
        inputs = noise if k == 0 else [noise, condition]
        return network(inputs, training=training)

    def _judge(self, k, sample, condition):
        network = self.network(f"discriminator_{k}")
        return network(sample if k == 0 else [sample, condition], training=True)

    def _discriminator_loss(self, k):
        def loss_fn(images, labels=None):
            real, condition = self.real_level(images, k)
            noise = self._level_noise(k, ops.shape(images)[0])
            fake = ops.stop_gradient(self._draw(k, noise, condition, training=True))
            loss = self.adversarial_loss.discriminator_loss(
                self._judge(k, real, condition), self._judge(k, fake, condition))
            return loss, {f"d_loss_{k}": loss}

        return loss_fn

    def _generator_loss(self, k):
        def loss_fn(images, labels=None):
            _, condition = self.real_level(images, k)
            noise = self._level_noise(k, ops.shape(images)[0])
            fake = self._draw(k, noise, condition, training=True)
            loss = self.adversarial_loss.generator_loss(self._judge(k, fake, condition))
            return loss, {f"g_loss_{k}": loss}

        return loss_fn

    def training_stages(self, data, epochs_per_level, **fit_kwargs):
        """Level-by-level stages for `kerasgan.engine.fit_stages`, coarsest first.

        Args:
            data: what every stage trains on (or a function of the model).
            epochs_per_level: an int, or one int per level.
            **fit_kwargs: `fit()` arguments of every stage.

        Returns:
            `[Stage("level_0_8x8", ...), Stage("level_1_16x16", ...), ...]`; each
            stage's hook makes `fit()` train that level alone.
        """
        epochs = epochs_per_level
        if isinstance(epochs, (int, np.integer)) and not isinstance(epochs, bool):
            epochs = [int(epochs)] * self.levels
        epochs = list(epochs)
        if len(epochs) != self.levels:
            raise ValueError(
                f"epochs_per_level must be an int or {self.levels} ints (one per "
                f"level, coarsest first); got {epochs_per_level!r}."
            )
        return [
            Stage(f"level_{k}_{h}x{w}", epochs[k], data, fit_kwargs,
                  before=lambda model, k=k: model.set_train_levels((k,)))
            for k, (h, w, _) in enumerate(self.level_shapes)
        ]

    def fit_stages(self, data, epochs_per_level, backup_dir=None, callbacks=None,
                   **fit_kwargs):
        """Trains the levels one after the other, coarsest first (resumable).

        Each level trains alone for its epochs, conditioned on real coarser images,
        so a finished level keeps its weights while the next trains. Runs
        `kerasgan.engine.fit_stages` over `training_stages(...)`: with
        `backup_dir`, a killed run continues where it stopped. Afterwards `fit()`
        trains every level again.

        Args:
            data: the training data (as for `fit()`).
            epochs_per_level: an int, or one int per level (coarsest first).
            backup_dir: folder that makes the run resumable; None: not resumable.
            callbacks: callbacks of every stage.
            **fit_kwargs: `fit()` arguments (`batch_size`, `steps_per_epoch`, ...).

        Returns:
            `{stage name: keras.callbacks.History}`.
        """
        if not self.is_compiled:
            raise RuntimeError("LAPGAN is not compiled: call compile() before fit_stages().")
        stages = self.training_stages(data, epochs_per_level)
        histories = fit_stages(self, stages, backup_dir=backup_dir, callbacks=callbacks,
                               **fit_kwargs)
        self.set_train_levels(None)
        return histories

    # --------------------------------------------------------------- sampling
    @property
    def noise_size(self):
        """Length of one flat latent of `latents_for`: `latent_dim` for level 0, then
        every finer level's noise plane, flattened."""
        return self.latent_dim + sum(
            h * w * self.noise_channels for h, w, _ in self.level_shapes[1:])

    def latents_for(self, n, seed=None):
        """The NumPy latents `generate(n, seed)` uses: `(n, noise_size)` standard
        normal values, every level's noise joined (the same on every backend)."""
        n = count_argument(n, "n")
        rng = np.random.default_rng(seed)
        return rng.standard_normal((n, self.noise_size)).astype("float32")

    def check_labels(self, labels, n):
        if labels is not None:
            raise ValueError("LAPGAN is unconditional: generate() takes no labels.")
        return None

    def _sampling_network(self, k):
        averaged = getattr(self, f"ema_generator_{k}", None)
        return averaged if averaged is not None else self.network(f"generator_{k}")

    def _split_latents(self, latents):
        parts = [latents[:, : self.latent_dim]]
        start = self.latent_dim
        for height, width, _ in self.level_shapes[1:]:
            size = height * width * self.noise_channels
            parts.append(ops.reshape(latents[:, start : start + size],
                                     (-1, height, width, self.noise_channels)))
            start += size
        return parts

    def sample_pyramid(self, latents, training=False):
        """The generated pyramid `[I_0, h_1, ..., h_{L-1}]` of flat latents (tensors)."""
        noises = self._split_latents(ops.convert_to_tensor(latents, "float32"))
        image = self._draw(0, noises[0], None, training, averaged=True)
        generated = [image]
        for k in range(1, self.levels):
            condition = pyramid.upsample(image)
            residual = self._draw(k, noises[k], condition, training, averaged=True)
            generated.append(residual)
            image = condition + residual
        return generated

    def call(self, latents, training=False):
        """The images of flat latents: the reconstructed pyramid, clipped to [-1, 1]."""
        return ops.clip(pyramid.reconstruct(self.sample_pyramid(latents, training)), -1, 1)

    def generate(self, n, seed=None, labels=None, batch_size=256, return_pyramid=False):
        """Samples `n` images: a coarse image, then each level's generated residual.

        Args:
            n: number of samples.
            seed: seed of the NumPy latents (the same samples on every backend).
            labels: must be None (LAPGAN is unconditional).
            batch_size: samples per generator call.
            return_pyramid: return the pyramid instead of the images.

        Returns:
            float32 NumPy images `(n,) + data_shape` in [-1, 1] (the reconstruction
            clipped to the data range), or with `return_pyramid` the list
            `[I_0, h_1, ..., h_{L-1}]`, coarsest first, whose
            `pyramid.reconstruct` is the unclipped images.
        """
        return self.generate_from_latents(self.latents_for(n, seed), labels, batch_size,
                                          return_pyramid)

    def generate_from_latents(self, latents, labels=None, batch_size=256,
                              return_pyramid=False):
        """`generate` on given flat latents `(n, noise_size)`."""
        batch_size = count_argument(batch_size, "batch_size")
        self.check_labels(labels, len(latents))
        latents = np.asarray(latents, "float32")
        if latents.ndim != 2 or latents.shape[1] != self.noise_size:
            raise ValueError(
                f"LAPGAN latents have shape (n, {self.noise_size}) (latent_dim "
                f"{self.latent_dim} plus every finer level's noise plane); got "
                f"{latents.shape}. Draw them with latents_for(n, seed)."
            )
        def draw(z):
            levels = self.sample_pyramid(z)
            return [ops.clip(pyramid.reconstruct(levels), -1.0, 1.0)] + list(levels)

        key = ("generate", self.ema_network_names)  # the EMA generators, once enabled
        image, *levels = inference.run_batches(self, key, draw, [latents], batch_size)
        return levels if return_pyramid else image

    def generation_inputs(self):
        """`generate_from_latents`'s input: flat latents `(noise_size,)`."""
        return [("latents", (self.noise_size,), "float32")]

    def generation_function(self, ema=True):
        """Flat latents → the clipped images `generate_from_latents` returns, and the
        generators it reads (their EMA copies when kept; `ema=False` is refused then:
        sampling always averages)."""
        if not ema and self.ema_network_names:
            raise ValueError("LAPGAN samples from its EMA generators when it keeps them; "
                             "ema=False is not available for this model.")

        def draw(z):
            return ops.clip(pyramid.reconstruct(self.sample_pyramid(z)), -1.0, 1.0)

        networks = [self._sampling_network(k) for k in range(self.levels)]
        return draw, self.generation_inputs(), networks

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape, "levels": self.levels,
                "latent_dim": self.latent_dim, "coarse_g_units": self.coarse_g_units,
                "coarse_d_units": self.coarse_d_units, "g_filters": self.g_filters,
                "d_filters": self.d_filters, "g_layers": self.g_layers,
                "noise_channels": self.noise_channels, "norm": self.norm,
                "dropout": self.dropout, "n_critic": self.n_critic}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _level_networks(k, shape, latent_dim, coarse_g_units, coarse_d_units, g_filters,
                    d_filters, g_layers, noise_channels, norm, dropout):
    """`(generator, discriminator)` of level `k` (0: fully connected, unconditional)."""
    if k == 0:
        return (MLPGenerator(latent_dim, shape, coarse_g_units, output_activation="tanh",
                             name="generator_0"),
                MLPDiscriminator(shape, coarse_d_units, name="discriminator_0"))
    return (LaplacianGenerator(shape, g_filters, g_layers, noise_channels, norm,
                               name=f"generator_{k}"),
            LaplacianDiscriminator(shape, d_filters, dropout=dropout,
                                   name=f"discriminator_{k}"))


def _copy(optimizer):
    """A fresh optimizer with `optimizer`'s settings (each level needs its own state)."""
    optimizer = keras.optimizers.get(optimizer)
    return deserialize_optimizer(serialize_optimizer(optimizer))
