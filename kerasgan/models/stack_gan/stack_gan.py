"""StackGAN: text-to-image synthesis in two stages (Zhang et al. 2017)."""

import keras
import numpy as np
from keras import ops

from kerasgan import losses
from kerasgan.data import captions as captions_lib
from kerasgan.engine.data_spec import DataSpec
from kerasgan.engine import inference
from kerasgan.engine.gan import count_argument
from kerasgan.engine.model import AdversarialModel
from kerasgan.engine.phase import Phase
from kerasgan.engine.protocols import LatentToData
from kerasgan.engine.stages import Stage
from kerasgan.engine.stages import fit_stages
from kerasgan.models import image_blocks
from kerasgan.models.stack_gan.caption_encoder import CaptionEncoder
from kerasgan.models.stack_gan.caption_encoder import pretrain_caption_encoder
from kerasgan.models.stack_gan.conditioning_augmentation import ConditioningAugmentation
from kerasgan.models.stack_gan.conditioning_augmentation import kl_divergence
from kerasgan.models.stack_gan.conditioning_augmentation import reparameterize
from kerasgan.models.stack_gan.conditioning_augmentation import split_statistics
from kerasgan.models.stack_gan.stage_i_generator import StageIGenerator
from kerasgan.models.stack_gan.stage_ii_generator import StageIIGenerator
from kerasgan.models.stack_gan.text_image_discriminator import TextImageDiscriminator

STAGES = (1, 2)


def matching_aware_loss(loss, real_logits, fake_logits, mismatched_logits):
    """The matching-aware discriminator loss (Reed et al. 2016, StackGAN's §3.2).

    (real image, its text) counts as real; (fake image, text) and (real image,
    mismatched text) both count as fake, each with half the weight:
    `½ [L_D(real, fake) + L_D(real, mismatched)]`. With the logistic loss this is
    `E softplus(−s_r) + ½ (E softplus(s_f) + E softplus(s_w))`, the reference code's
    `d_loss = real + (fake + wrong) / 2`.

    Args:
        loss: a `kerasgan.losses.AdversarialLoss`.
        real_logits, fake_logits, mismatched_logits: D's logits of the three pairs.

    Returns:
        A scalar.
    """
    return 0.5 * (loss.discriminator_loss(real_logits, fake_logits)
                  + loss.discriminator_loss(real_logits, mismatched_logits))


def downsample(images, factor):
    """Mean of each `factor × factor` block: the real images stage I is judged on."""
    height, width, channels = images.shape[1:]
    blocks = ops.reshape(images, (-1, height // factor, factor, width // factor, factor, channels))
    return ops.mean(blocks, axis=(2, 4))


@keras.saving.register_keras_serializable(package="kerasgan")
class StackGAN(AdversarialModel, LatentToData):
    """StackGAN (Zhang et al. 2017): text → a low-resolution image → a refined one.

    Networks: `text_encoder` (caption token ids → embedding; frozen: no phase
    trains it), per stage `k` a conditioning augmentation `conditioning_k`, a
    generator `generator_k` and a matching-aware discriminator `discriminator_k`.
    Stage I draws `data_shape / 2` images (16×16 for 32×32) from noise z and
    `c₁ = μ₁(e) + σ₁(e) ⊙ ε`; stage II takes stage I's image and
    `c₂ = μ₂(e) + σ₂(e) ⊙ ε'` and draws the full-resolution image. G's loss is
    the adversarial loss plus `kl_weight · KL(N(μ, σ²) ‖ N(0, I))`; D's the
    matching-aware loss (`matching_aware_loss`: mismatched pairs are fake; the
    mismatched text of an example is the next example's in the batch). Stage I's
    D sees the real images averaged down 2×.

    `stage` selects what `fit()` trains: stage 1 trains `conditioning_1`,
    `generator_1` (optimizer "g") and `discriminator_1` ("d"); stage 2 trains
    the stage-II networks with stage I frozen (called in inference mode, no
    gradient). `fit_stages()` runs both in order, StackGAN's schedule.

    Batches are `(images, tokens)`: images in [-1, 1], int32 caption token ids
    `(batch, MAX_TOKENS)` of `kerasgan.data.captions` (the `fashion-mnist-captions`
    dataset yields them).

    Args:
        data_shape: `(height, width, channels)`; square, sides 8 × a power of two.
        text_encoder: a Keras model or layer mapping int token ids
            `(batch, MAX_TOKENS)` to embeddings `(batch, dim)`, or None for a
            `CaptionEncoder`, pre-trained on the captions when `fit_stages` starts
            (`pretrain_caption_encoder`, `text_pretrain_epochs` epochs). A given
            encoder is used as it is (train it beforehand).
        latent_dim: size of the noise z (100 in the paper).
        condition_dim: size of c and of D's compressed text (128 in the paper).
        g_filters, d_filters: widths of the generators and discriminators.
        residual_blocks: residual blocks of the stage-II generator.
        kl_weight: λ of the KL term (1 in the paper).
        loss: the adversarial loss (the paper's logistic: "non_saturating").
        stage: 1 or 2, the stage `fit()` trains and `generate()` draws from.
        text_pretrain_epochs: epochs of the built-in encoder's pre-training
            (0: none).
        seed, ema_decay, ema_networks, **kwargs: `AdversarialModel` arguments.

    Example:

    ```python
    stack = kerasgan.models.StackGAN(data_shape=(32, 32, 1))
    stack.fit_stages(kerasgan.data.load("fashion-mnist-captions", batch_size=64),
                     epochs_per_stage=5)
    images = stack.generate_from_text(["a large white sneaker"] * 4, seed=0)
    low, high = stack.generate_from_text(["a small dark bag"], seed=0, return_stages=True)
    ```

    Paper: https://arxiv.org/abs/1612.03242
    """

    default_ema_networks = ("generator_1", "generator_2")
    sampling_networks = ("text_encoder", "conditioning_*", "generator_*")

    def __init__(self, data_shape=(32, 32, 1), text_encoder=None, latent_dim=32,
                 condition_dim=16, g_filters=32, d_filters=32, residual_blocks=2,
                 kl_weight=1.0, loss="non_saturating", stage=1, text_pretrain_epochs=30,
                 seed=None, **kwargs):
        data_shape = _check_data_shape(data_shape)
        text_encoder = _text_encoder(text_encoder)
        embedding_dim = _embedding_dim(text_encoder)
        half = (data_shape[0] // 2, data_shape[1] // 2, data_shape[2])
        condition_dim = count_argument(condition_dim, "condition_dim")
        networks = {
            "text_encoder": text_encoder,
            "conditioning_1": ConditioningAugmentation(embedding_dim, condition_dim,
                                                       name="conditioning_1"),
            "generator_1": StageIGenerator(half, count_argument(latent_dim, "latent_dim"),
                                           condition_dim, g_filters),
            "discriminator_1": TextImageDiscriminator(half, embedding_dim, condition_dim,
                                                      d_filters, name="discriminator_1"),
            "conditioning_2": ConditioningAugmentation(embedding_dim, condition_dim,
                                                       name="conditioning_2"),
            "generator_2": StageIIGenerator(data_shape, condition_dim, g_filters,
                                            residual_blocks),
            "discriminator_2": TextImageDiscriminator(data_shape, embedding_dim,
                                                      condition_dim, d_filters,
                                                      name="discriminator_2"),
        }
        self.stage = _check_stage(stage)
        super().__init__(networks, seed=seed, **kwargs)
        self.data_shape, self.latent_dim, self.condition_dim = data_shape, int(latent_dim), condition_dim
        self.g_filters, self.d_filters = int(g_filters), int(d_filters)
        self.residual_blocks, self.kl_weight = int(residual_blocks), float(kl_weight)
        self.text_pretrain_epochs = image_blocks.block_count(text_pretrain_epochs,
                                                             "text_pretrain_epochs")
        self.adversarial_loss = losses.get(loss)

    # ------------------------------------------------------------ declarations
    def data_spec(self):
        return (DataSpec("images", self.data_shape),
                DataSpec("captions", (captions_lib.MAX_TOKENS,), kind="tokens",
                         num_classes=len(captions_lib.VOCABULARY)))

    def default_optimizers(self):
        """The paper's (§4): Adam(2e-4, β1=0.5) for G and D, in both stages."""
        return {"g": keras.optimizers.Adam(2e-4, beta_1=0.5),
                "d": keras.optimizers.Adam(2e-4, beta_1=0.5)}

    def phases(self):
        k = self.stage
        return [
            Phase(f"discriminator_{k}", self.discriminator_loss, f"discriminator_{k}", "d",
                  logs=("d_loss", "d_real", "d_fake", "d_mismatched")),
            Phase(f"generator_{k}", self.generator_loss, (f"conditioning_{k}", f"generator_{k}"),
                  "g", logs=("g_loss", "g_adversarial", "kl")),
        ]

    def compile(self, g_optimizer=None, d_optimizer=None, optimizers=None, **kwargs):
        """Configures training: `g_optimizer` for the current stage's conditioning
        augmentation and generator, `d_optimizer` for its discriminator (defaults:
        the paper's Adam); `kwargs` are `keras.Model.compile` arguments."""
        optimizers = dict(optimizers or {})
        for key, given in (("g", g_optimizer), ("d", d_optimizer)):
            if given is not None:
                optimizers[key] = given
        super().compile(optimizers=optimizers, **kwargs)

    def set_stage(self, stage):
        """Switches what `fit()` trains and `generate()` draws from (1 or 2).

        Re-compile afterwards (`fit_stages` does): the optimizers follow the
        networks a stage trains.
        """
        self.stage = _check_stage(stage)
        self.train_function = None

    # ------------------------------------------------------------------ losses
    def embed(self, tokens, training=False):
        """Text embeddings of token ids (the frozen encoder: no gradient)."""
        return ops.stop_gradient(self.text_encoder(tokens, training=training))

    def condition(self, stage, embedding, noise=None, training=True):
        """`(c, μ, log σ²)` of a stage; ε from the model's RNG unless `noise` is given."""
        conditioning = self.network(f"conditioning_{stage}")
        mu, logvar = split_statistics(conditioning(embedding, training=training))
        if noise is None:
            noise = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return reparameterize(mu, logvar, noise), mu, logvar

    def fakes(self, embedding):
        """`(images, μ, log σ²)` of the stage being trained, for one batch of texts."""
        batch_size = ops.shape(embedding)[0]
        c, mu, logvar = self.condition(self.stage, embedding)
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        if self.stage == 1:
            return self.generator_1([z, c], training=True), mu, logvar
        c1 = self.condition(1, embedding, training=False)[0]
        low_res = ops.stop_gradient(self.generator_1([z, c1], training=False))
        return self.generator_2([low_res, c], training=True), mu, logvar

    def real_view(self, images):
        """The real images the current stage's D judges (halved for stage I)."""
        return downsample(images, 2) if self.stage == 1 else images

    def discriminator_loss(self, images, tokens):
        embedding = self.embed(tokens)
        fake = ops.stop_gradient(self.fakes(embedding)[0])
        real = self.real_view(images)
        critic = self.network(f"discriminator_{self.stage}")
        real_logits = critic([real, embedding], training=True)
        fake_logits = critic([fake, embedding], training=True)
        mismatched = critic([real, ops.roll(embedding, 1, axis=0)], training=True)
        loss = matching_aware_loss(self.adversarial_loss, real_logits, fake_logits, mismatched)
        score = self.adversarial_loss.score
        return loss, {"d_loss": loss, "d_real": ops.mean(score(real_logits)),
                      "d_fake": ops.mean(score(fake_logits)),
                      "d_mismatched": ops.mean(score(mismatched))}

    def generator_loss(self, images, tokens):
        embedding = self.embed(tokens)
        fake, mu, logvar = self.fakes(embedding)
        critic = self.network(f"discriminator_{self.stage}")
        adversarial = self.adversarial_loss.generator_loss(critic([fake, embedding], training=True))
        kl = kl_divergence(mu, logvar)
        loss = adversarial + self.kl_weight * kl
        return loss, {"g_loss": loss, "g_adversarial": adversarial, "kl": kl}

    # ----------------------------------------------------------------- stages
    def fit_stages(self, data, epochs=None, epochs_per_stage=None, backup_dir=None,
                   callbacks=None, **fit_kwargs):
        """Trains stage I, then stage II with stage I frozen (`kerasgan.engine.fit_stages`).

        Before stage I the built-in caption encoder is pre-trained (see
        `text_pretrain_epochs`); before stage II the model switches stage and is
        re-compiled with fresh optimizers of the same settings. Stage I's weights are
        kept: stage II calls its generator in inference mode and trains nothing of it.

        Args:
            data: batches `(images, tokens)` (e.g. `kerasgan.data.load(
                "fashion-mnist-captions")`), or a function of the model returning them.
            epochs: epochs of the whole schedule, split between the stages (stage I
                gets the larger half).
            epochs_per_stage: instead of `epochs`: an int for each stage, or a pair.
            backup_dir, callbacks, **fit_kwargs: as for `kerasgan.engine.fit_stages`.

        Returns:
            `{"stage_1": History, "stage_2": History}`.
        """
        first, second = _stage_epochs(epochs, epochs_per_stage)
        compile_first = None if self.is_compiled else {}
        stages = [Stage("stage_1", first, data, before=_begin_stage_one, compile=compile_first),
                  Stage("stage_2", second, data, before=_begin_stage_two)]
        return fit_stages(self, stages, backup_dir=backup_dir, callbacks=callbacks, **fit_kwargs)

    def pretrain_text_encoder(self, epochs=None, verbose=0):
        """Pre-trains the built-in `CaptionEncoder` (`pretrain_caption_encoder`).

        Returns:
            Each head's accuracy, or None when the encoder is not the built-in one
            or `epochs` (default `text_pretrain_epochs`) is 0.
        """
        epochs = self.text_pretrain_epochs if epochs is None else epochs
        if not isinstance(self.text_encoder, CaptionEncoder) or not epochs:
            return None
        return pretrain_caption_encoder(self.text_encoder, epochs=epochs,
                                        seed=self.seed or 0, verbose=verbose)

    # --------------------------------------------------------------- sampling
    def latents_for(self, n, seed=None):
        """The NumPy noise of `n` samples: `[z, ε₁, ε₂]`, `(n, latent_dim + 2·condition_dim)`."""
        n = count_argument(n, "n")
        width = self.latent_dim + 2 * self.condition_dim
        return np.random.default_rng(seed).standard_normal((n, width)).astype("float32")

    def check_labels(self, labels, n):
        """Classes for drawn captions: None, or `n` ints in [0, 10)."""
        if labels is None:
            return None
        labels = np.asarray(labels)
        classes = len(captions_lib.CLASS_NAMES)
        if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer) or (
                labels.size and (labels.min() < 0 or labels.max() >= classes)):
            raise ValueError(
                f"labels are the classes of the drawn captions: {n} integers in "
                f"[0, {classes}) ({', '.join(captions_lib.CLASS_NAMES)}); got "
                f"{labels.dtype} of shape {labels.shape}."
            )
        return labels

    def generate(self, n, seed=None, labels=None, captions=None, batch_size=256):
        """`n` images of the current stage, for captions drawn from the templates.

        Without `captions`, the captions come from `kerasgan.data.captions.
        random_captions` (classes `labels` or uniform; size, tone, contrast and
        template uniform), seeded by `seed`; pass the test captions for images
        that follow the data's captions (`scripts/stackgan_table.py` does).

        Returns:
            float32 NumPy `(n,) + image shape`, in [-1, 1].
        """
        n = count_argument(n, "n")
        if captions is None:
            labels = self.check_labels(labels, n)
            captions = captions_lib.random_captions(n, None if seed is None else [seed, 1], labels)
        elif len(captions) != n:
            raise ValueError(f"generate({n}) got {len(captions)} captions; give {n}.")
        return self.generate_from_text(captions, seed=seed, batch_size=batch_size)

    def generate_from_text(self, captions, seed=None, stage=None, return_stages=False,
                           batch_size=256):
        """Images for captions: one per caption, noise from `seed`.

        Args:
            captions: a string or a list of strings in the caption vocabulary
                (`kerasgan.data.captions.VOCABULARY`), or int token ids
                `(n, MAX_TOKENS)`.
            seed: seed of the noise z, ε₁, ε₂ (NumPy: the same on every backend).
            stage: 1 (stage-I images, `data_shape / 2`) or 2; default the model's.
            return_stages: return `[stage-I images, stage-II images]` (up to `stage`).
            batch_size: images per forward pass.

        Returns:
            float32 NumPy images in [-1, 1], or a list of them with `return_stages`.
        """
        tokens = _tokens(captions)
        stage = _check_stage(self.stage if stage is None else stage)
        outputs = self._draw(tokens, self.latents_for(len(tokens), seed), stage, batch_size)
        return outputs if return_stages else outputs[-1]

    def generate_from_latents(self, latents, labels=None, captions=None, batch_size=256):
        """Images for given noise (`latents_for`), for fixed captions drawn with seed 0."""
        latents = np.asarray(latents, "float32")
        if captions is None:
            labels = self.check_labels(labels, len(latents))
            captions = captions_lib.random_captions(len(latents), 0, labels)
        return self._draw(_tokens(captions), latents, self.stage,
                          count_argument(batch_size, "batch_size"))[-1]

    def _sampler(self, name):
        average = getattr(self, f"ema_{name}", None)
        return self.network(name) if average is None else average

    def _draw(self, tokens, noise, stage, batch_size):
        if len(noise) != len(tokens):
            raise ValueError(f"{len(tokens)} captions but noise for {len(noise)} samples.")
        batch_size = count_argument(batch_size, "batch_size")

        def draw(tokens, noise):
            return self._stages(tokens, noise, stage, self._sampler)

        key = ("draw", stage, self.ema_network_names)
        return inference.run_batches(self, key, draw,
                                     [tokens, np.asarray(noise, "float32")], batch_size)

    def _stages(self, tokens, noise, stage, network):
        """The images of stages 1..`stage` for token ids and `latents_for` noise,
        reading each network through `network(name)`."""
        z = noise[:, :self.latent_dim]
        eps_1 = noise[:, self.latent_dim:self.latent_dim + self.condition_dim]
        eps_2 = noise[:, self.latent_dim + self.condition_dim:]
        embedding = self.embed(tokens)
        c1 = self.condition(1, embedding, eps_1, training=False)[0]
        images = [network("generator_1")([z, c1], training=False)]
        if stage == 2:
            c2 = self.condition(2, embedding, eps_2, training=False)[0]
            images.append(network("generator_2")([images[0], c2], training=False))
        return images

    def generation_inputs(self):
        """The exported function's inputs: `latents_for` noise, then caption token ids."""
        return [("latents", (self.latent_dim + 2 * self.condition_dim,), "float32"),
                ("captions", (captions_lib.MAX_TOKENS,), "int32")]

    def generation_function(self, ema=True):
        """`(fn, inputs, networks)` of the current stage, as `GAN.generation_function`:
        `fn(noise, tokens)` gives what `generate_from_latents(noise, captions=tokens)`
        does (what `kerasgan.export` saves)."""
        network = self._sampler if ema else self.network

        def draw(noise, tokens):
            return self._stages(tokens, noise, self.stage, network)[-1]

        stages = range(1, self.stage + 1)
        networks = [self.text_encoder,
                    *(self.network(f"conditioning_{k}") for k in stages),
                    *(network(f"generator_{k}") for k in stages)]
        return draw, self.generation_inputs(), networks

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "text_encoder": keras.saving.serialize_keras_object(self.text_encoder),
                "latent_dim": self.latent_dim, "condition_dim": self.condition_dim,
                "g_filters": self.g_filters, "d_filters": self.d_filters,
                "residual_blocks": self.residual_blocks, "kl_weight": self.kl_weight,
                "loss": keras.saving.serialize_keras_object(self.adversarial_loss),
                "stage": self.stage, "text_pretrain_epochs": self.text_pretrain_epochs}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("text_encoder", "loss"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def _begin_stage_one(model):
    model.set_stage(1)
    model.pretrain_text_encoder()


def _begin_stage_two(model):
    model.set_stage(2)


def _check_stage(stage):
    if stage not in STAGES or isinstance(stage, bool):
        raise ValueError(f"stage must be 1 or 2; got {stage!r}.")
    return int(stage)


def _check_data_shape(data_shape):
    shape = image_blocks.image_shape(data_shape, "data_shape")
    side = shape[0]
    if shape[0] != shape[1] or side < 8 or side % 8 or not image_blocks.is_power_of_two(side // 8):
        raise ValueError(
            f"StackGAN draws square images of side 8 × a power of two (16, 32, 64, ...): "
            f"stage I at half the side, its discriminators down to 4×4; got data_shape "
            f"{shape}. Resize the data (kerasgan.data.load(..., image_size=32))."
        )
    return shape


def _text_encoder(encoder):
    if encoder is None:
        return CaptionEncoder()
    if isinstance(encoder, dict):
        encoder = keras.saving.deserialize_keras_object(encoder)
    if not isinstance(encoder, keras.layers.Layer):
        raise TypeError(
            "text_encoder must be a Keras model or layer mapping int token ids "
            f"(batch, {captions_lib.MAX_TOKENS}) to embeddings (batch, dim), or None "
            f"for the built-in CaptionEncoder; got {type(encoder).__name__}."
        )
    if not isinstance(encoder, keras.Model):
        tokens = keras.Input((captions_lib.MAX_TOKENS,), dtype="int32", name="tokens")
        encoder = keras.Model(tokens, encoder(tokens), name="text_encoder")
    return encoder


def _embedding_dim(encoder):
    try:
        embedding = encoder(np.zeros((2, captions_lib.MAX_TOKENS), "int32"))
    except Exception as error:
        raise ValueError(
            f"text_encoder must take int token ids of shape (batch, "
            f"{captions_lib.MAX_TOKENS}); calling it on them failed: {error}"
        ) from error
    if len(embedding.shape) != 2:
        raise ValueError(
            "text_encoder must map token ids (batch, tokens) to embeddings (batch, dim); "
            f"it gave shape {tuple(embedding.shape)}. End it with a pooling or Flatten "
            "layer."
        )
    return int(embedding.shape[-1])


def _tokens(captions):
    """Token ids of captions given as strings or already as ids."""
    if isinstance(captions, np.ndarray) and np.issubdtype(captions.dtype, np.integer):
        if captions.ndim != 2 or captions.shape[1] != captions_lib.MAX_TOKENS:
            raise ValueError(f"Token ids must have shape (n, {captions_lib.MAX_TOKENS}); "
                             f"got {captions.shape}.")
        return captions.astype("int32")
    return captions_lib.tokenize(captions)


def _stage_epochs(epochs, epochs_per_stage):
    if (epochs is None) == (epochs_per_stage is None):
        raise ValueError("fit_stages() takes epochs= (the whole schedule, split between "
                         "the stages) or epochs_per_stage= (an int or a pair), not both.")
    if epochs is not None:
        total = count_argument(epochs, "epochs")
        if total < 2:
            raise ValueError(f"epochs covers both stages: at least 2; got {epochs}.")
        return total - total // 2, total // 2
    if isinstance(epochs_per_stage, (tuple, list)):
        if len(epochs_per_stage) != 2:
            raise ValueError(f"epochs_per_stage needs one count per stage (2); got {epochs_per_stage}.")
        return tuple(count_argument(e, "epochs_per_stage") for e in epochs_per_stage)
    each = count_argument(epochs_per_stage, "epochs_per_stage")
    return each, each
