"""CycleGAN: unpaired image-to-image translation with cycle consistency."""

import keras
from keras import ops

from kerasgan.engine import schedules
from kerasgan.engine.phase import Phase
from kerasgan.layers.image_pool import ImagePool
from kerasgan.models.cycle_gan.resnet_generator import ResNetGenerator
from kerasgan.models.pix2pix.patch_discriminator import PatchDiscriminator
from kerasgan.models.translation import ImageTranslator
from kerasgan.models.translation import check_same_size

DIRECTIONS = ("a_to_b", "b_to_a")
LEARNING_RATE = 2e-4  # the paper's Adam(2e-4, β1=0.5) for G and both Ds


@keras.saving.register_keras_serializable(package="kerasgan")
class CycleGAN(ImageTranslator):
    """CycleGAN (Zhu et al. 2017): two generators that translate each other's output back.

    Trained on unpaired batches `(domain_a, domain_b)`, both in [-1, 1]: `g_ab`
    maps A to B and `g_ba` B to A (ResNet generators), `d_a` and `d_b` are
    PatchGAN discriminators with instance norm. As in the reference code
    (junyanz/pytorch-CycleGAN-and-pix2pix), the generators minimise

        mean((d_b(g_ab(a)) − 1)²) + mean((d_a(g_ba(b)) − 1)²)          (LSGAN)
        + cycle_weight · (|g_ba(g_ab(a)) − a|₁ + |g_ab(g_ba(b)) − b|₁)   (cycle)
        + identity_weight · cycle_weight · (|g_ab(b) − b|₁ + |g_ba(a) − a|₁)

    with one optimizer, then each discriminator minimises
    `0.5 · (mean((d(real) − 1)²) + mean(d(fake)²))` with its own optimizer, on
    fakes drawn from a history pool of `pool_size` generated images
    (`kerasgan.layers.ImagePool`). The identity term keeps colours when the domains
    look alike; it needs images of B to be valid inputs of `g_ab`, so it is used
    only when both domains have the same number of channels (and dropped
    otherwise, whatever `identity_weight`).

    `compile()` with no arguments uses Adam(2e-4, β1=0.5) at a constant rate;
    `compile(optimizers=CycleGAN.paper_optimizers(total_steps))` adds the paper's
    linear decay to 0 over the second half of training.

    Args:
        data_shape: `(height, width, channels)` of domain A's images; the sides
            must be multiples of 4 and at least 8 px.
        domain_b_shape: shape of domain B's images (same height and width);
            default `data_shape`.
        g_filters: filters of the generators' first layer (64 in the paper).
        d_filters: filters of the discriminators' first layer (64 in the paper).
        residual_blocks: residual blocks of each generator; None: 6 up to 128 px,
            9 above (the paper's).
        d_layers: the PatchGANs' stride-2 layers; None follows the image size (3,
            the paper's 70×70 patches, at 256 px).
        cycle_weight: λ of the cycle loss (10).
        identity_weight: weight of the identity loss relative to λ (0.5, so
            0.5 · λ = 5); 0 switches it off.
        pool_size: generated images kept per discriminator (50); 0 trains the
            discriminators on the latest fakes only.
        seed, ema_decay, **kwargs: `kerasgan.AdversarialModel` arguments; the
            seed also drives the pools' random draws.

    Example:

    ```python
    cyc = kerasgan.models.CycleGAN(data_shape=(32, 32, 1))
    cyc.compile(optimizers=kerasgan.models.CycleGAN.paper_optimizers(total_steps=2000))
    cyc.fit(kerasgan.data.load("sneaker2boot", batch_size=16), epochs=...)
    boots = cyc.translate(sneakers, direction="a_to_b")   # NumPy, in [-1, 1]
    back = cyc.translate(boots, direction="b_to_a")
    ```

    Paper: https://arxiv.org/abs/1703.10593
    """

    input_names = ("domain_a", "domain_b")
    directions = DIRECTIONS
    default_ema_networks = ("g_ab", "g_ba")
    sampling_networks = ("g_ab", "g_ba")

    def __init__(self, data_shape=(32, 32, 1), domain_b_shape=None, g_filters=64,
                 d_filters=64, residual_blocks=None, d_layers=None, cycle_weight=10.0,
                 identity_weight=0.5, pool_size=50, seed=None, **kwargs):
        data_shape = tuple(int(d) for d in data_shape)
        domain_b_shape = tuple(int(d) for d in (domain_b_shape or data_shape))
        check_same_size("CycleGAN", (data_shape, domain_b_shape),
                        ("data_shape", "domain_b_shape"), "keeps the image size")
        _check_weights(cycle_weight, identity_weight, pool_size)
        super().__init__(
            _networks(data_shape, domain_b_shape, g_filters, d_filters, residual_blocks,
                      d_layers),
            data_shape, domain_b_shape, seed=seed, **kwargs,
        )
        self.data_shape, self.domain_b_shape = data_shape, domain_b_shape
        self.g_filters, self.d_filters = int(g_filters), int(d_filters)
        self.residual_blocks, self.d_layers = residual_blocks, d_layers
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.pool_size = int(pool_size)
        # Pools of generated A images (for d_a) and B images (for d_b). As layers of
        # the model their variables are non-trainable model state: carried through
        # the jitted step on JAX, saved with the weights.
        self.fake_a_pool = _pool(pool_size, data_shape, "fake_a_pool")
        self.fake_b_pool = _pool(pool_size, domain_b_shape, "fake_b_pool")

    @property
    def uses_identity_loss(self):
        """Whether the identity term is trained: a weight and same-channel domains."""
        return self.identity_weight > 0 and self.data_shape[-1] == self.domain_b_shape[-1]

    # ---------------------------------------------------------------- optimizers
    @classmethod
    def for_data_shapes(cls, shapes, **kwargs):
        return cls(data_shape=shapes[0], domain_b_shape=shapes[1], **kwargs)

    def run_optimizers(self, total_steps):
        """The paper's schedule over the run: constant, then linear decay to 0."""
        return self.paper_optimizers(total_steps)

    def default_optimizers(self):
        """Adam(2e-4, β1=0.5) for the generators ("g") and each discriminator."""
        return {name: keras.optimizers.Adam(LEARNING_RATE, beta_1=0.5)
                for name in ("g", "d_a", "d_b")}

    @staticmethod
    def paper_optimizers(total_steps, learning_rate=LEARNING_RATE):
        """The paper's optimizers for a run of `total_steps` train steps.

        Adam(β1=0.5) whose rate holds at `learning_rate` for the first half of the
        steps and decays linearly to 0 over the second half (§7.1: 100 epochs at
        2e-4, then 100 decaying). The schedule
        (`kerasgan.engine.schedules.HoldThenLinearDecay`) is saved with the model's
        compile config. Every optimizer counts one update per train step, so
        `total_steps` is `epochs × steps per epoch`.

        Returns:
            `{"g": ..., "d_a": ..., "d_b": ...}` for `compile(optimizers=...)`.
        """
        return {
            name: keras.optimizers.Adam(
                schedules.hold_then_decay_halves(learning_rate, total_steps), beta_1=0.5
            )
            for name in ("g", "d_a", "d_b")
        }

    # -------------------------------------------------------------------- phases
    def phases(self):
        # The reference code's order: the generators first, then the discriminators
        # on the (pooled) fakes.
        return [
            Phase("generators", self.generator_loss, ("g_ab", "g_ba"), "g",
                  logs=("g_loss", "g_adversarial", "cycle_loss", "identity_loss")),
            *(Phase(d, self.discriminator_loss(d), d, d, logs=(f"{d}_loss",))
              for d in ("d_a", "d_b")),
        ]

    def generator_loss(self, a, b):
        fake_b, fake_a = self.g_ab(a, training=True), self.g_ba(b, training=True)
        adversarial = (_least_squares_generator(self.d_b(fake_b, training=True))
                       + _least_squares_generator(self.d_a(fake_a, training=True)))
        cycle = self.cycle_loss(a, b, fake_a, fake_b)
        identity = self.identity_loss(a, b)
        loss = (adversarial + self.cycle_weight * cycle
                + self.identity_weight * self.cycle_weight * identity)
        return loss, {"g_loss": loss, "g_adversarial": adversarial,
                      "cycle_loss": cycle, "identity_loss": identity}

    def cycle_loss(self, a, b, fake_a, fake_b):
        """`|g_ba(g_ab(a)) − a|₁ + |g_ab(g_ba(b)) − b|₁` (means over pixels)."""
        return (_l1(self.g_ba(fake_b, training=True), a)
                + _l1(self.g_ab(fake_a, training=True), b))

    def identity_loss(self, a, b):
        """`|g_ab(b) − b|₁ + |g_ba(a) − a|₁`, or 0 when it is not used."""
        if not self.uses_identity_loss:
            return ops.zeros((), "float32")
        return _l1(self.g_ab(b, training=True), b) + _l1(self.g_ba(a, training=True), a)

    def discriminator_loss(self, critic):
        """The loss of `d_a` or `d_b`: real images of its domain against pooled fakes."""
        domain = critic[-1]

        def loss_fn(a, b):
            real, source = (a, b) if domain == "a" else (b, a)
            # Fakes of the generators just updated; the reference code reuses those
            # of the generator phase, one update older. Regenerating keeps phases
            # independent: a phase's tensors cannot outlive its gradient on JAX.
            fake = ops.stop_gradient(self._generator_into(domain)(source, training=True))
            fake = self._from_pool(domain, fake)
            network = self.network(critic)
            loss = _least_squares_discriminator(
                network(real, training=True), network(fake, training=True)
            )
            return loss, {f"{critic}_loss": loss}

        return loss_fn

    def _generator_into(self, domain):
        return self.g_ba if domain == "a" else self.g_ab

    def _from_pool(self, domain, fake):
        # The pool's update happens here, inside the phase's loss function: on JAX
        # the engine returns the non-trainable values a loss function assigns (batch
        # statistics, RNG states, these pools) from the gradient computation and
        # writes them into the step's state; on TF and torch they are plain assigns.
        pool = self.fake_a_pool if domain == "a" else self.fake_b_pool
        if pool is None:
            return fake
        return pool.query(fake, self.seed_generator)

    # ----------------------------------------------------------------- translate
    def translator(self, direction="a_to_b"):
        if direction == "a_to_b":
            return self.g_ab
        if direction == "b_to_a":
            return self.g_ba
        raise ValueError(
            f"CycleGAN translates in the directions {DIRECTIONS}; got "
            f"direction={direction!r}."
        )

    def translate(self, x, direction="a_to_b", batch_size=64):
        """Translates images of one domain into the other.

        Args:
            x: images in [-1, 1], `(n, h, w, c)` or one `(h, w, c)`, of domain A for
                `"a_to_b"` and of domain B for `"b_to_a"`.
            direction: `"a_to_b"` (`g_ab`) or `"b_to_a"` (`g_ba`).
            batch_size: images per forward pass.

        Returns:
            A float32 NumPy array of the translations, in [-1, 1].
        """
        return super().translate(x, direction=direction, batch_size=batch_size)

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "domain_b_shape": self.domain_b_shape, "g_filters": self.g_filters,
                "d_filters": self.d_filters, "residual_blocks": self.residual_blocks,
                "d_layers": self.d_layers, "cycle_weight": self.cycle_weight,
                "identity_weight": self.identity_weight, "pool_size": self.pool_size}


def _networks(shape_a, shape_b, g_filters, d_filters, residual_blocks, d_layers):
    def generator(source, target, name):
        return ResNetGenerator(source, target[-1], g_filters, residual_blocks, name=name)

    def discriminator(shape, name):
        return PatchDiscriminator(shape, None, d_filters, d_layers, norm="instance",
                                  name=name)

    return {"g_ab": generator(shape_a, shape_b, "g_ab"),
            "g_ba": generator(shape_b, shape_a, "g_ba"),
            "d_a": discriminator(shape_a, "d_a"),
            "d_b": discriminator(shape_b, "d_b")}


def _pool(pool_size, image_shape, name):
    return ImagePool(pool_size, image_shape, name=name) if pool_size else None


def _l1(x, y):
    return ops.mean(ops.abs(ops.cast(x, "float32") - ops.cast(y, "float32")))


def _least_squares_generator(logits):
    # The reference code's MSE against 1, without LSGAN's ½ on the generator side.
    return ops.mean(ops.square(ops.cast(logits, "float32") - 1.0))


def _least_squares_discriminator(real_logits, fake_logits):
    # "We divide the objective by 2 while optimizing D" (§7.1).
    real = ops.mean(ops.square(ops.cast(real_logits, "float32") - 1.0))
    fake = ops.mean(ops.square(ops.cast(fake_logits, "float32")))
    return 0.5 * (real + fake)


def _check_weights(cycle_weight, identity_weight, pool_size):
    if float(cycle_weight) < 0 or float(identity_weight) < 0:
        raise ValueError(
            "cycle_weight and identity_weight must be ≥ 0; got "
            f"{cycle_weight!r} and {identity_weight!r}."
        )
    if int(pool_size) != pool_size or pool_size < 0:
        raise ValueError(
            f"pool_size must be an integer ≥ 0 (0: no pool); got {pool_size!r}."
        )
