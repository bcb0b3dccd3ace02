"""SRGAN: super-resolution with an SRResNet generator, a content loss and a GAN loss."""

import keras
import numpy as np
from keras import ops

from kerasgan import losses
from kerasgan.engine.optimizer import serialize_optimizer
from kerasgan.engine.phase import Phase
from kerasgan.engine.stages import Stage
from kerasgan.models.srgan import content_network
from kerasgan.models.srgan.sr_discriminator import SRDiscriminator
from kerasgan.models.srgan.srresnet_generator import SRResNetGenerator
from kerasgan.models.srgan.srresnet_generator import check_scale
from kerasgan.models.translation import ImageTranslator

# The 8 flips and quarter turns: (left-right flip first, then quarter turns).
DIHEDRAL = tuple((flip, turns) for flip in (False, True) for turns in range(4))

PRETRAIN = "pretrain"
ADVERSARIAL = "adversarial"
STAGES = (PRETRAIN, ADVERSARIAL)
OPTIMIZER_KEYS = ("g", "d")


class _Unsaved:
    """Holds objects the model uses but Keras must neither track nor save: the
    content network (the caller's, possibly VGG19's 80 MB) and the optimizer of the
    stage that does not run yet. Keras saves the attributes that are layers,
    optimizers, lists or dicts; this holder is none of them."""

    def __init__(self):
        self.content_network = None
        self.optimizers = {}
        self.compile_kwargs = {}


@keras.saving.register_keras_serializable(package="kerasgan")
class SRGAN(ImageTranslator):
    """SRGAN (Ledig et al. 2017): ×`scale` super-resolution with an SRResNet generator.

    Trained on batches `(low_res, high_res)` in [-1, 1], the low-resolution images
    `data_shape[:2] / scale` a side. Two stages, as in the paper:

    - `stage="pretrain"`: SRResNet, the generator alone, trained on the pixel MSE;
      the discriminator is not in any phase (nothing of it changes) and only the
      optimizer "g" exists.
    - `stage="adversarial"` (the default): D minimises the logistic loss on
      high-res against upscaled images; G minimises
      `content_weight · content + adversarial_weight · (−log D(G(low_res)))`.

    `fit_stages(model, model.training_stages(data, pretrain_epochs, epochs))` runs
    both (resumable with `backup_dir`); `set_stage()` switches by hand.

    The content loss is the MSE between features of `content`: "pixels" (the MSE on
    pixels: "SRGAN-MSE"), "vgg54"/"vgg22" (VGG19 ImageNet features / 12.75, built
    from `keras.applications`, downloaded once) or the name of any network mapping
    images in [-1, 1] to features that the caller attaches with
    `compile(content_network=...)` or `set_content_network()`. Only the name is
    saved: a reloaded model upscales without it and asks for it before training.

    Args:
        scale: the upscaling factor, a power of two ≥ 2 that divides both sides.
        data_shape: `(height, width, channels)` of the HIGH-resolution images.
        residual_blocks: SRResNet's residual blocks (16 in the paper).
        g_filters: the generator's filters (64).
        d_filters: the discriminator's first filters (64).
        d_strided_blocks: the discriminator's stride-2 convolutions; None adapts
            the paper's 4 to the image size (`SRDiscriminator`).
        content: "pixels", "vgg54", "vgg22", "vgg19" (= "vgg54"), a name for a
            network the caller attaches, or a `keras.Model` (attached; its name is
            recorded).
        content_weight: weight of the content loss (1).
        adversarial_weight: weight of G's adversarial loss (1e-3, the paper's).
        stage: "adversarial" or "pretrain".
        g_batch_norm: batch norm in SRResNet's blocks (the paper's); False drops
            it (EDSR), see `SRResNetGenerator`.
        g_bicubic_skip: SRResNet adds its output to the bicubic upscaled input
            (VDSR's global residual; not in the paper), see `SRResNetGenerator`.
        pixel_loss: the pretrain stage's loss, "mse" (the paper's SRResNet) or
            "l1" (the mean absolute error, EDSR's; not in the paper).
        seed, ema_decay, **kwargs: `kerasgan.AdversarialModel` arguments.

    Example:

    ```python
    sr = kerasgan.models.SRGAN(scale=4, data_shape=(32, 32, 1))
    sr.compile()                      # Adam(1e-4, β1=0.9) for G and D
    data = kerasgan.data.load("fashion-mnist-sr4", batch_size=16)
    kerasgan.engine.fit_stages(sr, sr.training_stages(data, pretrain_epochs=5, epochs=5))
    big = sr.upscale(small)           # (n, 8, 8, 1) in [-1, 1] → (n, 32, 32, 1)
    ```

    Paper: https://arxiv.org/abs/1609.04802
    """

    input_names = ("low_res", "high_res")

    def __init__(self, scale=4, data_shape=(32, 32, 1), residual_blocks=16, g_filters=64,
                 d_filters=64, d_strided_blocks=None, content=content_network.PIXELS,
                 content_weight=1.0, adversarial_weight=1e-3, stage=ADVERSARIAL,
                 g_batch_norm=True, g_bicubic_skip=False, pixel_loss="mse",
                 seed=None, **kwargs):
        data_shape = tuple(int(d) for d in data_shape)
        scale = check_scale(scale)
        low_res_shape = low_res_shape_for(data_shape, scale)
        attached = content if isinstance(content, keras.Model) else None
        content = content_network.check_name(
            content.name if attached is not None else content)
        if pixel_loss not in PIXEL_LOSSES:
            raise ValueError(
                f"pixel_loss must be one of {sorted(PIXEL_LOSSES)}; got {pixel_loss!r}.")
        networks = {
            "generator": SRResNetGenerator(low_res_shape, scale, g_filters,
                                           residual_blocks, batch_norm=g_batch_norm,
                                           bicubic_skip=g_bicubic_skip),
            "discriminator": SRDiscriminator(data_shape, d_filters, d_strided_blocks),
        }
        super().__init__(networks, low_res_shape, data_shape, seed=seed, **kwargs)
        self.scale, self.data_shape, self.low_res_shape = scale, data_shape, low_res_shape
        self.residual_blocks, self.g_filters = int(residual_blocks), int(g_filters)
        self.d_filters, self.d_strided_blocks = int(d_filters), d_strided_blocks
        self.content = content
        self.content_weight = float(content_weight)
        self.adversarial_weight = float(adversarial_weight)
        self.stage = _check_stage(stage)
        self.g_batch_norm, self.g_bicubic_skip = bool(g_batch_norm), bool(g_bicubic_skip)
        self.pixel_loss = pixel_loss
        self.loss = losses.get("non_saturating")
        object.__setattr__(self, "_unsaved", _Unsaved())
        if attached is not None:
            self.set_content_network(attached)

    # ------------------------------------------------------------- networks
    def translator(self, direction=None):
        if direction is not None:
            raise ValueError("SRGAN upscales one way: call upscale(x) or translate(x).")
        return self.generator

    def upscale(self, x, batch_size=64, self_ensemble=False):
        """Upscales low-resolution images in [-1, 1] by `scale`.

        Args:
            x: NumPy images `(n, h, w, c)` or one `(h, w, c)` in [-1, 1], of any
                size (the generator is fully convolutional: trained on patches
                `data_shape[:2] / scale`, it upscales whole images).
            batch_size: images per forward pass.
            self_ensemble: average the upscaled 8 flips and quarter turns of each
                image, each turned back (Timofte et al. 2016's geometric
                self-ensemble, EDSR's "+", Lim et al. 2017): 8 times the work, a
                result that turns and flips with its input, and usually a higher
                PSNR than one pass.

        Returns:
            A float32 NumPy array `(n, h·scale, w·scale, c)` in [-1, 1].

        Example:

        ```python
        sr = kerasgan.models.SRGAN(scale=4, data_shape=(32, 32, 1))
        sr.upscale(np.zeros((2, 8, 8, 1), "float32")).shape  # (2, 32, 32, 1)
        ```
        """
        if not self_ensemble:
            return self.translate(x, batch_size=batch_size)
        x = np.asarray(x)  # its dtype unchanged: translate() checks it
        single = x.ndim == 3
        images = x[None] if single else x
        total = 0.0
        for flip, turns in DIHEDRAL:
            turned = np.rot90(images[:, :, ::-1] if flip else images, turns, axes=(1, 2))
            upscaled = self.translate(np.ascontiguousarray(turned), batch_size=batch_size)
            back = np.rot90(upscaled, -turns, axes=(1, 2))  # undo the turn, then the flip
            total = total + (back[:, :, ::-1] if flip else back)
        out = (total / len(DIHEDRAL)).astype("float32")
        return out[0] if single else out

    def shape_advice(self):
        channels = self.data_shape[-1]
        return (f"upscale() takes low-resolution images with {channels} channel"
                f"{'s' if channels > 1 else ''}, of any size (h×w → {self.scale}h×"
                f"{self.scale}w); data_shape {self.data_shape} is the high-resolution "
                "training shape.")

    # ------------------------------------------------------- content network
    def set_content_network(self, network):
        """Attaches the network the content loss compares features of.

        The network maps high-resolution images in [-1, 1] (`data_shape`) to
        features; it is not trained, not tracked and not saved with the model.

        Args:
            network: a `keras.Model`, e.g. a classifier up to its features layer.

        Raises:
            ValueError: when the model compares pixels (`content="pixels"`), or the
                network does not take `data_shape` images.
        """
        if self.content == content_network.PIXELS:
            raise ValueError(
                "This SRGAN's content loss compares pixels (content='pixels'): it uses "
                "no network. Build SRGAN(content='<a name>', ...) to train on features."
            )
        if not callable(network):
            raise TypeError(f"content_network must be a keras.Model; got {network!r}.")
        probe = np.zeros((1,) + self.data_shape, "float32")
        try:
            network(probe, training=False)
        except Exception as error:
            raise ValueError(
                f"The content network {getattr(network, 'name', network)!r} must take "
                f"high-resolution images of shape {self.data_shape}: {error}"
            ) from error
        self._unsaved.content_network = network
        self.train_function = None

    def get_content_network(self):
        """The attached content network, None for "pixels" or before one is attached."""
        return self._unsaved.content_network

    def _require_content_network(self):
        """The content network training needs, building VGG19 for "vgg54"/"vgg22"."""
        attached = self.get_content_network()
        if self.content == content_network.PIXELS or attached is not None:
            return attached
        if content_network.builds_itself(self.content):
            network = content_network.vgg19_features(self.content, self.data_shape[-1])
            self._unsaved.content_network = network
            return network
        raise ValueError(
            f"This SRGAN was trained with the content network {self.content!r}, which is "
            "not saved with the model: attach it before training, with "
            "model.compile(content_network=network) or "
            "model.set_content_network(network) (upscale() does not need it)."
        )

    def content_loss(self, generated, high_res):
        """MSE between the content network's features of two image batches.

        Args:
            generated: upscaled images.
            high_res: the real high-resolution images.

        Returns:
            A scalar: `mean((φ(generated) − φ(high_res))²)`, φ the identity for
            `content="pixels"`.
        """
        network = self._require_content_network()
        high_res = ops.cast(high_res, generated.dtype)
        if network is None:
            return ops.mean(ops.square(generated - high_res))
        fake_features = network(generated, training=False)
        real_features = ops.stop_gradient(network(high_res, training=False))
        return ops.mean(ops.square(ops.cast(fake_features - real_features, "float32")))

    # --------------------------------------------------------------- phases
    def phases(self):
        if self.stage == PRETRAIN:
            return [Phase("pretrain", self.pretrain_loss, "generator", "g",
                          logs=(self.pixel_loss,))]
        return [
            Phase("discriminator", self.discriminator_loss, "discriminator", "d",
                  logs=("d_loss",)),
            Phase("generator", self.generator_loss, "generator", "g",
                  logs=("g_loss", "content", "g_adversarial")),
        ]

    def pretrain_loss(self, low_res, high_res):
        """SRResNet's loss: the MSE (or, with `pixel_loss="l1"`, the mean absolute
        error) between upscaled and high-res pixels."""
        generated = self.generator(low_res, training=True)
        error = generated - ops.cast(high_res, generated.dtype)
        loss = PIXEL_LOSSES[self.pixel_loss](error)
        return loss, {self.pixel_loss: loss}

    def discriminator_loss(self, low_res, high_res):
        fake = ops.stop_gradient(self.generator(low_res, training=True))
        loss = self.loss.discriminator_loss(self.discriminator(high_res, training=True),
                                            self.discriminator(fake, training=True))
        return loss, {"d_loss": loss}

    def generator_loss(self, low_res, high_res):
        fake = self.generator(low_res, training=True)
        content = self.content_loss(fake, high_res)
        adversarial = self.loss.generator_loss(self.discriminator(fake, training=True))
        loss = self.content_weight * content + self.adversarial_weight * adversarial
        return loss, {"g_loss": loss, "content": content, "g_adversarial": adversarial}

    # ---------------------------------------------------------------- stages
    def set_stage(self, stage):
        """Switches between "pretrain" (G on MSE) and "adversarial" training.

        A compiled model is re-compiled for the stage: G's optimizer keeps its
        state, D's (given to `compile()` or the default) starts in the adversarial
        stage; the step count continues.
        """
        stage = _check_stage(stage)
        if stage == self.stage:
            return
        self.stage = stage
        if self.is_compiled:
            step = int(ops.convert_to_numpy(self.optimizer.iterations))
            self._compile_stage()
            self.optimizer.iterations.assign(step)

    def training_stages(self, data, pretrain_epochs, epochs, **fit_kwargs):
        """The paper's schedule for `kerasgan.engine.fit_stages`: SRResNet pre-training
        on MSE, then the adversarial stage starting from its weights.

        Args:
            data: what both stages train on (or a function of the model).
            pretrain_epochs: epochs of the MSE stage.
            epochs: epochs of the adversarial stage.
            **fit_kwargs: `fit()` arguments of both stages.

        Returns:
            `[Stage("pretrain", ...), Stage("adversarial", ...)]`.
        """
        return [
            Stage(PRETRAIN, pretrain_epochs, data, fit_kwargs, before=_enter_pretrain),
            Stage(ADVERSARIAL, epochs, data, fit_kwargs, before=_enter_adversarial),
        ]

    # --------------------------------------------------------------- compile
    @classmethod
    def for_data_shapes(cls, shapes, **kwargs):
        """From `(low_res, high_res)` shapes: the scale is their ratio."""
        low, high = shapes
        return cls(scale=high[0] // low[0], data_shape=high, **kwargs)

    def paper_optimizers(self):
        """The paper's (§3.2): Adam(1e-4, β1=0.9) for G and D."""
        return {key: keras.optimizers.Adam(1e-4, beta_1=0.9) for key in OPTIMIZER_KEYS}

    def default_optimizers(self):
        needed = self._optimizer_keys()
        return {k: v for k, v in self.paper_optimizers().items() if k in needed}

    def compile(self, optimizers=None, content_network=None, **kwargs):
        """Configures training for both stages.

        Args:
            optimizers: `{"g": ..., "d": ...}`; missing ones are the paper's Adam.
                Both are kept whatever the stage: "d" waits for the adversarial
                stage.
            content_network: the network of `content` (see `set_content_network`).
            **kwargs: `keras.Model.compile` arguments (`jit_compile`, ...).
        """
        self._refuse_keras_losses(kwargs)
        unknown = sorted(set(optimizers or {}) - set(OPTIMIZER_KEYS))
        if unknown:
            raise ValueError(
                f"SRGAN has the optimizers {list(OPTIMIZER_KEYS)}; got {unknown}."
            )
        if content_network is not None:
            self.set_content_network(content_network)
        chosen = {**self.paper_optimizers(), **(optimizers or {})}
        self._unsaved.optimizers = {k: keras.optimizers.get(v) for k, v in chosen.items()}
        self._unsaved.compile_kwargs = dict(kwargs)
        self._compile_stage()

    def _compile_stage(self):
        held = self._unsaved.optimizers
        needed = self._optimizer_keys()
        super().compile({k: held[k] for k in needed}, **self._unsaved.compile_kwargs)
        # The waiting optimizer is part of the compile configuration, so that a
        # re-compile (fit_stages, a saved model) keeps it.
        for key in OPTIMIZER_KEYS:
            if key not in needed:
                self._optimizers_config[key] = serialize_optimizer(held[key])

    def fit(self, *args, **kwargs):
        """`AdversarialModel.fit`; the adversarial stage first makes sure it has its
        content network (building VGG19 for "vgg54"/"vgg22")."""
        if self.stage == ADVERSARIAL and self.is_compiled:
            self._require_content_network()
        return super().fit(*args, **kwargs)

    def get_config(self):
        return {**self._base_config(), "scale": self.scale, "data_shape": self.data_shape,
                "residual_blocks": self.residual_blocks, "g_filters": self.g_filters,
                "d_filters": self.d_filters, "d_strided_blocks": self.d_strided_blocks,
                "content": self.content, "content_weight": self.content_weight,
                "adversarial_weight": self.adversarial_weight, "stage": self.stage,
                "g_batch_norm": self.g_batch_norm, "g_bicubic_skip": self.g_bicubic_skip,
                "pixel_loss": self.pixel_loss}


PIXEL_LOSSES = {
    "mse": lambda error: ops.mean(ops.square(error)),
    "l1": lambda error: ops.mean(ops.abs(error)),
}


def low_res_shape_for(data_shape, scale):
    """The low-resolution shape of `data_shape` (high-res) at `scale`."""
    if len(data_shape) != 3:
        raise ValueError(
            "SRGAN upscales images: data_shape must be the high-resolution (height, "
            f"width, channels); got {data_shape}."
        )
    height, width, channels = data_shape
    if height % scale or width % scale:
        raise ValueError(
            f"scale {scale} must divide the high-resolution sides of data_shape "
            f"{data_shape}: the low-res images are {height / scale:g}×{width / scale:g}. "
            f"Crop the images to sides that are multiples of {scale} (e.g. "
            f"{height - height % scale}×{width - width % scale})."
        )
    return (height // scale, width // scale, channels)


def _check_stage(stage):
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}; got {stage!r}.")
    return stage


def _enter_pretrain(model):
    model.set_stage(PRETRAIN)


def _enter_adversarial(model):
    model.set_stage(ADVERSARIAL)
