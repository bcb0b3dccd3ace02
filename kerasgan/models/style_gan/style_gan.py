"""StyleGAN2: style-based generator, residual discriminator, lazy R1 and path-length
regularization, style mixing, truncation, EMA generator."""

import keras
import numpy as np
from keras import ops

from kerasgan import losses
from kerasgan.engine import inference
from kerasgan.engine.gan import GAN
from kerasgan.engine.gan import count_argument
from kerasgan.engine.regularize import Regularize
from kerasgan.layers.minibatch_stddev import check_group_batches
from kerasgan.models.style_gan.style_gan_discriminator import StyleGANDiscriminator
from kerasgan.models.style_gan.style_gan_generator import StyleGANGenerator
from kerasgan.models.style_gan.style_gan_generator import check_image_size

LEARNING_RATE = 0.0025
BETAS = (0.0, 0.99)


def lazy_adam(interval, learning_rate=LEARNING_RATE, betas=BETAS):
    """Adam corrected for lazy regularization every `interval` steps.

    A network regularized every k steps takes k+1 updates per k steps, so the
    reference code scales the learning rate by `c = k/(k+1)` and raises the betas to
    the power c (Karras et al. 2020, Appendix B; stylegan2-ada-pytorch,
    training/training_loop.py).
    """
    c = interval / (interval + 1.0) if interval > 1 else 1.0
    return keras.optimizers.Adam(learning_rate * c, beta_1=betas[0] ** c,
                                 beta_2=betas[1] ** c, epsilon=1e-8)


@keras.saving.register_keras_serializable(package="kerasgan")
class StyleGAN(GAN):
    """StyleGAN2 (Karras et al. 2020), CPU-sized, on every Keras backend.

    Generator: `StyleGANGenerator` (mapping network, 4×4 constant, modulated and
    demodulated convolutions, noise with learned strength, skip architecture).
    Discriminator: `StyleGANDiscriminator` (residual, minibatch stddev). Losses
    as in the paper: the non-saturating logistic loss, R1 on real images with
    weight γ every `r1_interval` steps and path-length regularization every
    `pl_interval` steps, both lazy (own phases, loss × interval; see
    `kerasgan.Regularize`); style mixing regularization (with probability
    `style_mixing` the fakes of a training batch take w from a second z after a
    random crossover); an EMA generator (`ema_decay`) that `generate` samples
    from; the truncation trick around the tracked mean `w_avg`, which the
    generator phase updates.

    The path-length term is taken with respect to w at the generator's constant
    noise (a random draw inside the nested gradient is not expressible on JAX) and
    does not reach the mapping network (it is computed at fixed w); the reference
    code uses random noise and differentiates through the mapping too.

    Args:
        latent_dim: size of z (and of w unless `w_dim` is given).
        data_shape: `(size, size, channels)`, size a power of two ≥ 4 (32×32 for
            Fashion-MNIST padded).
        w_dim: size of w.
        mapping_layers: layers of the mapping network (8 in the paper).
        g_filters, d_filters: channels at the output/input resolution, doubling
            per halving up to `max_filters`.
        max_filters: the cap on channels.
        g_architecture: the generator's "skip" (toRGB per resolution, the
            paper's configuration F) or "resnet" (residual blocks, one toRGB).
        g_normalization: how the generator's convolutions apply the styles:
            "demodulation" (StyleGAN2) or "adain" (the first StyleGAN's adaptive
            instance normalization; `kerasgan.layers.AdaINConv2D`).
        style_mixing: probability of style mixing per training batch (0.9).
        r1_gamma: γ of the R1 penalty, `γ/2·E||∇D(x)||²` (0.01: stylegan2-ada's
            CIFAR-10 setting; the paper's FFHQ 1024² uses 10).
        r1_interval: steps between R1 phases (16).
        pl_weight: weight of the path-length term (2); 0 disables it.
        pl_interval: steps between path-length phases (4).
        mbstd_group_size: D's minibatch-stddev group (4); batches must be a
            multiple of it.
        seed: seed of the training RNG.
        ema_decay: decay of the EMA generator (0.999); None for none.
        **kwargs: `kerasgan.GAN` arguments (`name`, `dtype`).

    Example:

    ```python
    sg = kerasgan.models.StyleGAN(data_shape=(32, 32, 1), latent_dim=128)
    sg.compile()   # Adam(0.0025, betas (0, 0.99)), lazy-regularization corrected
    sg.fit(images, batch_size=32, epochs=1)
    img = sg.generate(16, seed=0, truncation_psi=0.7)
    mix = sg.style_mix(seed_a=1, seed_b=2, crossover=2)  # coarse of a, fine of b
    ```

    Paper: https://arxiv.org/abs/1912.04958
    """

    # Formats kerasgan.export refuses, and why (measured: TFLite's interpreter fails).
    export_limits = {
        "tflite": "its FIR resampling pads with an op TFLite's builtin interpreter lacks "
                  "(FlexPad, which needs the Flex delegate); export onnx or savedmodel."}

    def __init__(self, latent_dim=128, data_shape=(32, 32, 1), w_dim=None, mapping_layers=8,
                 g_filters=32, d_filters=32, max_filters=256, style_mixing=0.9,
                 r1_gamma=0.01, r1_interval=16, pl_weight=2.0, pl_interval=4,
                 mbstd_group_size=4, n_critic=1, seed=None, ema_decay=0.999,
                 g_architecture="skip", g_normalization="demodulation", **kwargs):
        data_shape = check_image_size(data_shape)
        if not 0.0 <= float(style_mixing) <= 1.0:
            raise ValueError(f"style_mixing is a probability in [0, 1]; got {style_mixing}.")
        for name, value in (("r1_gamma", r1_gamma), ("pl_weight", pl_weight)):
            if not float(value) >= 0.0:
                raise ValueError(f"{name} must be ≥ 0 (0 disables it); got {value}.")
        count_argument(r1_interval, "r1_interval")
        count_argument(pl_interval, "pl_interval")
        generator = StyleGANGenerator(latent_dim, data_shape, w_dim, mapping_layers,
                                      filters=g_filters, max_filters=max_filters,
                                      architecture=g_architecture,
                                      normalization=g_normalization)
        discriminator = StyleGANDiscriminator(data_shape, d_filters, max_filters,
                                              mbstd_group_size)
        super().__init__(generator, discriminator, latent_dim, n_critic=n_critic, seed=seed,
                         ema_decay=ema_decay, **kwargs)
        self.w_dim, self.mapping_layers = generator.w_dim, int(mapping_layers)
        self.g_filters, self.d_filters = int(g_filters), int(d_filters)
        self.max_filters, self.style_mixing = int(max_filters), float(style_mixing)
        self.r1_gamma, self.r1_interval = float(r1_gamma), int(r1_interval)
        self.pl_weight, self.pl_interval = float(pl_weight), int(pl_interval)
        self.mbstd_group_size = int(mbstd_group_size)
        self.g_architecture = generator.architecture
        self.g_normalization = generator.normalization

    @property
    def num_ws(self):
        """The number of style inputs of the synthesis network (`2·log2(size) - 2`)."""
        return self.generator.num_ws

    # ------------------------------------------------------------------ compile
    def default_optimizers(self):
        return {"g": lazy_adam(self.pl_interval if self.pl_weight else 1),
                "d": lazy_adam(self.r1_interval if self.r1_gamma else 1)}

    def default_regularizers(self):
        """Lazy R1 (γ, every `r1_interval`) and path length (every `pl_interval`)."""
        terms = []
        if self.r1_gamma:
            terms.append(Regularize(losses.R1Penalty(self.r1_gamma), "discriminator",
                                    self.r1_interval))
        if self.pl_weight:
            terms.append(Regularize(losses.PathLengthPenalty(self.pl_weight), "generator",
                                    self.pl_interval))
        return terms

    def compile(self, g_optimizer=None, d_optimizer=None, loss="non_saturating",
                regularizers=None, **kwargs):
        """`GAN.compile` with the paper's defaults: the non-saturating logistic loss,
        lazy R1 and path-length regularization (`default_regularizers()`; pass
        `regularizers=[]` for none) and `default_optimizers()`. Other arguments
        (`augment="color,translation,cutout"` for DiffAugment, ...) as `GAN.compile`."""
        if regularizers is None:
            regularizers = self.default_regularizers()
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=loss,
                        regularizers=regularizers, **kwargs)

    # --------------------------------------------------------------- training
    def training_ws(self, batch_size):
        """ws for a training batch, with style mixing: with probability
        `style_mixing`, the style inputs from a random crossover in [1, num_ws) on
        take the w of a second latent (one crossover per batch, as the reference)."""
        ws = self.generator.broadcast(self.generator.mapping(self.sample_latents(batch_size),
                                                             training=True))
        if not self.style_mixing:
            return ws
        other = self.generator.broadcast(
            self.generator.mapping(self.sample_latents(batch_size), training=True))
        cutoff = keras.random.randint((1,), 1, self.num_ws, seed=self.seed_generator)
        mixing = keras.random.uniform((1,), seed=self.seed_generator) < self.style_mixing
        cutoff = ops.where(mixing, cutoff, self.num_ws)
        later = ops.arange(self.num_ws)[None, :, None] >= ops.reshape(cutoff, (1, 1, 1))
        return ops.where(later, other, ws)

    def generate_fakes(self, batch_size, labels, training=True):
        if not training:
            return super().generate_fakes(batch_size, labels, training)
        return self.generator.synthesis(self.training_ws(batch_size), training=True)

    def generator_loss(self, real, labels):
        """The non-saturating loss on style-mixed fakes; updates `w_avg`."""
        ws = self.training_ws(ops.shape(real)[0])
        self.generator.track_w_avg(ws[:, 0])
        fake = self.generator.synthesis(ws, training=True)
        loss = self.adversarial_loss.generator_loss(self.discriminate(fake, labels))
        loss = self._add_feature_matching(loss, real, fake, labels)
        return loss, {"g_loss": loss}

    def regularized_synthesis(self, batch_size, labels):
        """The path-length term is taken with respect to style-mixed ws (the synthesis
        network's input), not z, as the reference."""
        return (lambda w: self.generator.synthesis(w, training=False),
                self.training_ws(batch_size))

    def fit(self, x=None, y=None, batch_size=None, *args, **kwargs):
        """`GAN.fit`, refusing array batches the discriminator's minibatch standard
        deviation cannot split into groups of `mbstd_group_size` before training (a
        dataset's batches are checked by the layer at the first step)."""
        check_group_batches(x, batch_size, self.mbstd_group_size, "StyleGAN")
        return super().fit(x, y, batch_size, *args, **kwargs)

    # --------------------------------------------------------------- sampling
    def generate(self, n, seed=None, labels=None, batch_size=256, truncation_psi=1.0,
                 truncation_cutoff=None):
        """`n` images from `seed`, truncated toward `w_avg` with ψ = `truncation_psi`.

        Uses the EMA generator when kept, its constant noise (deterministic: the same
        weights and seed give the same images on every backend) and no style mixing.

        Args:
            n, seed, labels, batch_size: as `kerasgan.GAN.generate` (no labels).
            truncation_psi: ψ; 1 is no truncation, 0 gives the mean image.
            truncation_cutoff: truncate only the first this many style inputs
                (None: all).

        Returns:
            A float32 NumPy array `(n,) + data_shape`.
        """
        latents = self.latents_for(n, seed)
        return self.generate_from_latents(latents, labels, batch_size, truncation_psi,
                                          truncation_cutoff)

    def generate_from_latents(self, latents, labels=None, batch_size=256, truncation_psi=1.0,
                              truncation_cutoff=None):
        """Images of given latents z (NumPy), truncated as in `generate`."""
        batch_size = count_argument(batch_size, "batch_size")
        self.check_labels(labels, len(latents))
        self._check_cutoff(truncation_cutoff)
        psi = float(truncation_psi)
        draw, _, networks = self.generation_function(True, psi, truncation_cutoff)
        key = ("generate", id(networks[0]), psi, truncation_cutoff)
        return inference.run_batches(self, key, draw, [np.asarray(latents, "float32")],
                                     batch_size)

    def generation_function(self, ema=True, truncation_psi=1.0, truncation_cutoff=None):
        """`GAN.generation_function`, with `generate`'s truncation options."""
        self._check_cutoff(truncation_cutoff)
        network = self.sampling_generator if ema else self.generator
        psi = float(truncation_psi)

        def draw(z):
            ws = network.truncate(network.broadcast(network.mapping(z)), psi,
                                  truncation_cutoff)
            return network.synthesis(ws, training=False)

        return draw, self.generation_inputs(), [network]

    def _check_cutoff(self, cutoff):
        if cutoff is not None and (isinstance(cutoff, bool) or int(cutoff) != cutoff
                                   or not 0 <= cutoff <= self.num_ws):
            raise ValueError(f"truncation_cutoff must be None or an int in [0, "
                             f"{self.num_ws}] (the style inputs); got {cutoff!r}.")

    def style_mix(self, seed_a, seed_b, crossover, truncation_psi=1.0):
        """Images with the coarse styles of `seed_a` and the fine styles of `seed_b`.

        The style inputs before `crossover` (the low resolutions: 2 covers 4×4 and
        the first 8×8 convolution) take the w of `generate(1, seed=seed_a)`'s
        latent, the others that of `seed_b`.

        Args:
            seed_a, seed_b: seeds (ints), or two equal-length lists of seeds.
            crossover: an int in `[0, num_ws]`.
            truncation_psi: ψ applied to both w.

        Returns:
            A float32 NumPy array `(len(seeds),) + data_shape`.
        """
        seeds_a, seeds_b = np.atleast_1d(seed_a), np.atleast_1d(seed_b)
        if len(seeds_a) != len(seeds_b):
            raise ValueError(f"style_mix needs as many seeds for a as for b; got "
                             f"{len(seeds_a)} and {len(seeds_b)}.")
        if isinstance(crossover, bool) or int(crossover) != crossover or not (
                0 <= crossover <= self.num_ws):
            raise ValueError(f"crossover must be an int in [0, {self.num_ws}] (the style "
                             f"inputs of this generator); got {crossover!r}.")
        network = self.sampling_generator

        def ws_of(seeds):
            z = np.concatenate([self.latents_for(1, int(s)) for s in seeds])
            ws = network.broadcast(network.mapping(ops.convert_to_tensor(z)))
            return network.truncate(ws, float(truncation_psi))

        ws_a, ws_b = ws_of(seeds_a), ws_of(seeds_b)
        ws = ops.concatenate([ws_a[:, :int(crossover)], ws_b[:, int(crossover):]], axis=1)
        return self.synthesize(ws)

    def synthesize(self, ws, batch_size=256):
        """The sampling generator's images of ws `(n, num_ws, w_dim)`, constant noise."""
        batch_size = count_argument(batch_size, "batch_size")
        network = self.sampling_generator
        return inference.run_batches(
            self, ("synthesize", id(network)),
            lambda w: network.synthesis(w, training=False),
            [ops.convert_to_numpy(ws)], batch_size)

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {**self._base_config(), "latent_dim": self.latent_dim,
                "data_shape": self.data_shape, "w_dim": self.w_dim,
                "mapping_layers": self.mapping_layers, "g_filters": self.g_filters,
                "d_filters": self.d_filters, "max_filters": self.max_filters,
                "style_mixing": self.style_mixing, "r1_gamma": self.r1_gamma,
                "r1_interval": self.r1_interval, "pl_weight": self.pl_weight,
                "pl_interval": self.pl_interval, "mbstd_group_size": self.mbstd_group_size,
                "g_architecture": self.g_architecture,
                "g_normalization": self.g_normalization}
