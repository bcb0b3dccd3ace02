"""ProGAN: progressive growing of G and D with fade-in, equalized learning rate,
pixel norm, minibatch stddev, WGAN-GP with the drift term."""

import functools

import keras
import numpy as np
from keras import ops

from kerasgan import backend
from kerasgan import losses
from kerasgan.engine.gan import GAN
from kerasgan.engine.gan import count_argument
from kerasgan.engine.stages import Stage
from kerasgan.engine.stages import fit_stages
from kerasgan.layers.minibatch_stddev import check_group_batches
from kerasgan.models.pro_gan.pro_gan_discriminator import ProGANDiscriminator
from kerasgan.models.pro_gan.pro_gan_generator import ProGANGenerator
from kerasgan.models.pro_gan.pro_gan_generator import downscale
from kerasgan.models.pro_gan.pro_gan_generator import fade
from kerasgan.models.pro_gan.pro_gan_generator import stage_side
from kerasgan.models.pro_gan.pro_gan_generator import upscale

LEARNING_RATE = 1e-3
BETAS = (0.0, 0.99)
DRIFT = 0.001
#: The reference's `lod_transition_kimg` (600k images per fade-in).
FADE_IMAGES = 600_000


def paper_adam():
    """Adam(1e-3, β = (0, 0.99), ε = 1e-8), the paper's Section 5 setting."""
    return keras.optimizers.Adam(LEARNING_RATE, beta_1=BETAS[0], beta_2=BETAS[1],
                                 epsilon=1e-8)


@keras.saving.register_keras_serializable(package="kerasgan")
class ProGAN(GAN):
    """Progressive GAN (Karras et al. 2018), CPU-sized, on every Keras backend.

    The networks (`ProGANGenerator`, `ProGANDiscriminator`) hold every
    resolution's layers from the start; the model trains one *stage* at a time:
    stage 0 is 4×4, stage k is `4·2^k` px, the last the images' side. The stage is
    a Python int fixed for a `fit()` call (each stage has its own traced step); the
    fade-in α is a non-trainable variable of the model that the step itself moves,
    `α = min(1, stage_images / fade_images)` after each step (`stage_images`, also
    a variable, counts the real images of the stage), so it is jit-safe on JAX and
    saved with the weights. While α < 1 the new block is blended with the
    up-sampled output of the previous one in G (and the down-sampled input in D),
    and the real images, which `fit()` takes at the full resolution, are
    down-sampled (box filter) to the stage and blended the same way: `(1 - α)·
    upscale(downscale(x)) + α·x`, as the reference's `process_reals`.

    `fit_progressive(data, stage_epochs)` runs the paper's schedule, 4×4, then per
    resolution a fade-in and a stabilization of `stage_epochs` epochs each, with
    fresh Adam state at every new resolution (the reference's
    `reset_opt_for_new_lod`), resumable with `backup_dir`. A plain `fit()` trains
    the current stage (continuing its fade-in). The stage, `fade_images` and the
    variables α and `stage_images` are the model's config and weights: a model
    saved mid-stage (`.keras` or weights) continues at the same stage and α.

    Losses as in the paper: WGAN-GP (λ = 10) with the drift term
    `ε·E[D(x)²]`, ε = 0.001 (`kerasgan.losses.WassersteinDrift`), one critic step
    per generator step, Adam(1e-3, β = (0, 0.99)) for both, and an EMA generator
    (the reference's `G_smoothing` 0.999) that `generate` samples from.

    `generate` returns images at the current stage (with its α), up-sampled
    (nearest) to `data_shape`, so that every image has the data's shape;
    `generate_at_stage` returns them at the stage's own resolution.

    Args:
        latent_dim: size of z (512 in the paper).
        data_shape: `(size, size, channels)`, size a power of two ≥ 8 (32×32 for
            Fashion-MNIST padded).
        g_filters, d_filters: channels at the full resolution, doubling per
            halving up to `max_filters`.
        max_filters: the cap on channels (512 in the paper).
        mbstd_group_size: D's minibatch-stddev group (4); batches must be a
            multiple of it.
        fade_images: real images over which α goes from 0 to 1 in a stage's
            fade-in (600k in the reference; `fit_progressive` sets it from the
            data and `stage_epochs`).
        stage: the stage to start at (0 = 4×4); a saved model records its own.
        n_critic: discriminator steps per generator step (1).
        seed: seed of the training RNG.
        ema_decay: decay of the EMA generator (0.999); None for none.
        **kwargs: `kerasgan.GAN` arguments (`name`, `dtype`).

    Example:

    ```python
    pg = kerasgan.models.ProGAN(data_shape=(32, 32, 1), latent_dim=128)
    pg.compile()  # Adam(1e-3, β=(0, 0.99)), WGAN-GP λ=10 + drift ε=0.001
    pg.fit_progressive(images, stage_epochs=2, batch_size=16,
                       backup_dir="runs/progan")  # 4×4 → 8×8 → 16×16 → 32×32
    pg.fit(images, batch_size=16)  # more of the current (last) stage
    samples = pg.generate(16, seed=0)
    ```

    Paper: https://arxiv.org/abs/1710.10196
    """

    def __init__(self, latent_dim=128, data_shape=(32, 32, 1), g_filters=32, d_filters=32,
                 max_filters=256, mbstd_group_size=4, fade_images=FADE_IMAGES, stage=0,
                 n_critic=1, seed=None, ema_decay=0.999, **kwargs):
        generator = ProGANGenerator(latent_dim, data_shape, g_filters, max_filters)
        discriminator = ProGANDiscriminator(data_shape, d_filters, max_filters,
                                            mbstd_group_size)
        super().__init__(generator, discriminator, latent_dim, n_critic=n_critic, seed=seed,
                         ema_decay=ema_decay, **kwargs)
        self.g_filters, self.d_filters = int(g_filters), int(d_filters)
        self.max_filters, self.mbstd_group_size = int(max_filters), int(mbstd_group_size)
        self.num_stages = generator.num_stages
        self.fade_images = count_argument(fade_images, "fade_images")
        # The schedule's state: non-trainable variables of the model, so they thread
        # through JAX's jitted state and are saved with the weights.
        self.stage_variable = self.add_weight(shape=(), dtype="int32", trainable=False,
                                              initializer="zeros", name="stage")
        self.alpha = self.add_weight(shape=(), trainable=False, initializer="zeros",
                                     name="alpha")
        self.stage_images = self.add_weight(shape=(), trainable=False, initializer="zeros",
                                            name="stage_images")
        self._stage = 0
        self.set_stage(stage)

    # ------------------------------------------------------------------- stages
    @property
    def stage(self):
        """The current stage (0 = 4×4), a Python int."""
        return self._stage

    @property
    def stage_resolution(self):
        """The side of the images the current stage trains on."""
        return stage_side(self._stage)

    def _check_stage(self, stage):
        if isinstance(stage, bool) or int(stage) != stage or not 0 <= stage < self.num_stages:
            raise ValueError(
                f"stage must be an int in [0, {self.num_stages - 1}] (4×4 to "
                f"{self.data_shape[0]}×{self.data_shape[0]} for data_shape "
                f"{self.data_shape}); got {stage!r}.")
        return int(stage)

    def set_stage(self, stage, alpha=None):
        """Moves to `stage` at the start of its fade-in (α = 0, or `alpha`; stage 0
        has no fade-in: α = 1). The next `fit()` traces its step again."""
        stage = self._check_stage(stage)
        if alpha is None:
            alpha = 1.0 if stage == 0 else 0.0
        if not 0.0 <= float(alpha) <= 1.0:
            raise ValueError(f"alpha must be in [0, 1]; got {alpha}.")
        self.stage_variable.assign(stage)
        self.alpha.assign(float(alpha))
        self.stage_images.assign(float(alpha) * self.fade_images if stage else 0.0)
        self._stage_changed(stage)

    def _stage_changed(self, stage):
        if stage != self._stage:
            self._stage = stage
            # The stage is a Python value of the traced step.
            self.train_function = None
            self.test_function = None
            self.predict_function = None

    def _sync_stage(self):
        """The Python stage from the saved variable (after loading weights)."""
        self._stage_changed(int(ops.convert_to_numpy(self.stage_variable)))

    def load_own_variables(self, store):
        super().load_own_variables(store)
        self._sync_stage()

    def _fade_alpha(self):
        """α for this stage's step; None at stage 0 (nothing to fade)."""
        return None if self._stage == 0 else self.alpha

    # --------------------------------------------------------------- training
    def default_optimizers(self):
        return {"g": paper_adam(), "d": paper_adam()}

    def compile(self, g_optimizer=None, d_optimizer=None, loss=None,
                gradient_penalty="wgan_gp", penalty_weight=None, **kwargs):
        """`GAN.compile` with the paper's defaults: the Wasserstein loss with the
        drift term ε = 0.001 (`WassersteinDrift`), the WGAN-GP penalty (λ = 10),
        `default_optimizers()`. Other arguments as `GAN.compile`."""
        loss = losses.WassersteinDrift(DRIFT) if loss is None else loss
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=loss,
                        gradient_penalty=gradient_penalty, penalty_weight=penalty_weight,
                        **kwargs)

    def unpack(self, data):
        """The batch with its images at the stage's resolution, faded as in the
        paper; records the batch size for the α update."""
        images, *rest = super().unpack(data)
        object.__setattr__(self, "_step_images", ops.shape(images)[0])
        return (self.real_at_stage(images),) + tuple(rest)

    def real_at_stage(self, images):
        """Full-resolution images → the current stage's: down-sampled (box filter),
        and during the fade-in `(1 - α)·upscale(downscale(x)) + α·x`."""
        images = downscale(images, self.data_shape[0] // self.stage_resolution)
        alpha = self._fade_alpha()
        if alpha is None:
            return images
        return fade(upscale(downscale(images)), images, alpha)

    def after_step(self):
        """Advances the fade-in: `stage_images += batch`, `α = min(1, stage_images /
        fade_images)`; then the EMA update."""
        seen = self.stage_images + ops.cast(self._step_images, "float32")
        self.stage_images.assign(seen)
        if self._stage > 0:
            self.alpha.assign(ops.minimum(1.0, seen / float(self.fade_images)))
        super().after_step()

    def generate_fakes(self, batch_size, labels, training=True):
        latents = self.sample_latents(batch_size)
        return self.generator.synthesize(latents, self._stage, self._fade_alpha(), training)

    def discriminate(self, images, labels, training=True):
        images = self.discriminator_view(images, labels, training)
        return self.discriminator.score(images, self._stage, self._fade_alpha(), training)

    def fit(self, x=None, y=None, batch_size=None, *args, **kwargs):
        """`GAN.fit` at the current stage (images at the full `data_shape`),
        refusing array batches the minibatch stddev cannot split into groups."""
        self._sync_stage()
        check_group_batches(x, batch_size, self.mbstd_group_size, "ProGAN")
        return super().fit(x, y, batch_size, *args, **kwargs)

    def fit_progressive(self, data, stage_epochs, backup_dir=None, callbacks=None,
                        **fit_kwargs):
        """Trains 4×4 → 8×8 → ... → `data_shape` (`kerasgan.engine.fit_stages`).

        `stage_epochs` epochs at 4×4, then for each larger resolution
        `stage_epochs` epochs of fade-in (α from 0 to 1, exactly: `fade_images`
        becomes the images of `stage_epochs` epochs) and `stage_epochs` epochs of
        stabilization (α = 1). Each fade-in starts with fresh Adam state (same
        settings). With `backup_dir` a killed run started again with the same
        call continues in the same stage, epoch and α.

        Args:
            data: full-resolution images (an array, or batches such as a finite
                `tf.data.Dataset`; with an endless one give `steps_per_epoch`).
            stage_epochs: epochs of every stage phase, a positive int.
            backup_dir, callbacks, **fit_kwargs: as `kerasgan.engine.fit_stages`
                (`batch_size`, `steps_per_epoch`, `verbose`, ...).

        Returns:
            `{stage name: History}` ("4x4", "8x8_fade", "8x8", ...).
        """
        stage_epochs = count_argument(stage_epochs, "stage_epochs")
        if not self.is_compiled:
            raise RuntimeError("ProGAN is not compiled: call pg.compile() (the paper's "
                               "defaults) before fit_progressive().")
        check_group_batches(data, fit_kwargs.get("batch_size"), self.mbstd_group_size,
                            "ProGAN")
        per_epoch = images_per_epoch(data, fit_kwargs.get("batch_size"),
                                     fit_kwargs.get("steps_per_epoch"))
        self.fade_images = stage_epochs * per_epoch
        stages = self.progressive_stages(data, stage_epochs, fit_kwargs.get("steps_per_epoch"))
        return fit_stages(self, stages, backup_dir=backup_dir, callbacks=callbacks,
                          **fit_kwargs)

    def fit_stages(self, data, epochs=None, backup_dir=None, callbacks=None, **fit_kwargs):
        """`fit_progressive` with `epochs` in all, split evenly over the
        `2·num_stages - 1` stage phases (what `kerasgan.training` calls)."""
        phases = 2 * self.num_stages - 1
        epochs = count_argument(epochs, "epochs")
        if epochs % phases:
            raise ValueError(
                f"ProGAN at {self.data_shape[0]}×{self.data_shape[0]} trains {phases} "
                f"stage phases (4×4, then a fade-in and a stabilization per larger "
                f"resolution) of equal length: epochs must be a multiple of {phases}; "
                f"got {epochs}.")
        return self.fit_progressive(data, epochs // phases, backup_dir, callbacks,
                                    **fit_kwargs)

    def progressive_stages(self, data, stage_epochs, steps_per_epoch=None):
        """The paper's schedule as `kerasgan.engine.Stage`s.

        With `steps_per_epoch` and a pipeline (an object with `skip`, such as an
        endless `tf.data.Dataset`), stage phase i reads the pipeline from batch
        `i · stage_epochs · steps_per_epoch` on: every `fit()` starts a new
        iterator, and the phases would otherwise all see the same first batches.
        """
        def data_of(phase):
            if steps_per_epoch is None or not hasattr(data, "skip"):
                return data
            return data.skip(phase * stage_epochs * steps_per_epoch)

        stages = [Stage("4x4", stage_epochs, data_of(0), before=_enter_first_stage)]
        for stage in range(1, self.num_stages):
            side = stage_side(stage)
            stages.append(Stage(f"{side}x{side}_fade", stage_epochs, data_of(2 * stage - 1),
                                before=functools.partial(_enter_fade, stage=stage)))
            stages.append(Stage(f"{side}x{side}", stage_epochs, data_of(2 * stage)))
        return stages

    # --------------------------------------------------------------- sampling
    def call(self, latents, training=False):
        """Latents → images of the current stage, up-sampled to `data_shape`."""
        images = self.generator.synthesize(latents, self._stage, self._fade_alpha(), training)
        return upscale(images, self.data_shape[0] // self.stage_resolution)

    def generate_at_stage(self, n, seed=None, batch_size=256, stage=None):
        """`n` images at a stage's own resolution (`stage_side(stage)` px).

        Args:
            n, seed, batch_size: as `generate`.
            stage: the stage (default: the current one, with its α); another
                stage is drawn without fade (α = 1).

        Returns:
            A float32 NumPy array `(n, side, side, channels)`.
        """
        self._sync_stage()
        batch_size = count_argument(batch_size, "batch_size")
        stage = self._stage if stage is None else self._check_stage(stage)
        alpha = self._fade_alpha() if stage == self._stage else None
        latents = self.latents_for(n, seed)
        network = self.sampling_generator
        outputs = []
        with backend.no_grad():
            for start in range(0, len(latents), batch_size):
                z = ops.convert_to_tensor(latents[start:start + batch_size])
                images = network.synthesize(z, stage, alpha)
                outputs.append(ops.convert_to_numpy(ops.cast(images, "float32")))
        return np.concatenate(outputs, axis=0)

    def generate_from_latents(self, latents, labels=None, batch_size=256):
        """The current stage's images of `latents`, up-sampled (nearest) to
        `data_shape`."""
        self._sync_stage()
        batch_size = count_argument(batch_size, "batch_size")
        self.check_labels(labels, len(latents))
        network, alpha = self.sampling_generator, self._fade_alpha()
        factor = self.data_shape[0] // self.stage_resolution
        outputs = []
        with backend.no_grad():
            for start in range(0, len(latents), batch_size):
                z = ops.convert_to_tensor(latents[start:start + batch_size])
                images = upscale(network.synthesize(z, self._stage, alpha), factor)
                outputs.append(ops.convert_to_numpy(ops.cast(images, "float32")))
        return np.concatenate(outputs, axis=0)

    # ------------------------------------------------------------------ config
    def get_config(self):
        self._sync_stage()
        return {**self._base_config(), "latent_dim": self.latent_dim,
                "data_shape": self.data_shape, "g_filters": self.g_filters,
                "d_filters": self.d_filters, "max_filters": self.max_filters,
                "mbstd_group_size": self.mbstd_group_size,
                "fade_images": self.fade_images, "stage": self._stage}


def _enter_first_stage(model):
    if model.stage != 0:
        model.set_stage(0)


def _enter_fade(model, stage):
    """A fade-in stage's hook: the new stage at α = 0, and fresh optimizers of the
    same settings (the reference resets Adam at every new resolution)."""
    model.set_stage(stage)
    model.compile_from_config(model.get_compile_config())
    model.train_function = None


def images_per_epoch(data, batch_size=None, steps_per_epoch=None):
    """The real images one epoch of `fit(data, ...)` shows.

    Arrays: their length, or `steps_per_epoch × batch_size`. Batches (a
    `tf.data.Dataset`, a list of batches): `steps_per_epoch ×` the first batch's
    size, or the sum over one pass of a finite pipeline.
    """
    if isinstance(data, (tuple, list)) and data and hasattr(data[0], "shape"):
        data = data[0]
    if hasattr(data, "shape"):
        total = len(data)
        return min(total, steps_per_epoch * (batch_size or 32)) if steps_per_epoch else total
    cardinality = getattr(data, "cardinality", None)
    if steps_per_epoch is None and cardinality is not None and int(cardinality()) < 0:
        raise ValueError(
            "fit_progressive() needs the images per epoch to time the fade-in: this "
            "pipeline is endless (or of unknown length); give steps_per_epoch=.")
    sizes = []
    for batch in data:
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        sizes.append(int(np.shape(images)[0]))
        if steps_per_epoch is not None:
            return steps_per_epoch * sizes[0]
    if not sizes:
        raise ValueError("fit_progressive() got no data: the pipeline is empty.")
    return sum(sizes)
