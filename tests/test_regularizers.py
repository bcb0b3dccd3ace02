"""Penalties and regularizers: closed forms, finite differences, serialization."""

import json

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from kerasgan import losses

# ------------------------------------------------------------- user classes
# A user's own loss and penalty, registered under their package: they must survive
# model.save + keras.saving.load_model with safe_mode on.


@keras.saving.register_keras_serializable(package="my_gans")
class MarginHinge(losses.AdversarialLoss):
    """Hinge loss with a configurable margin."""

    name = "margin_hinge"

    def __init__(self, margin=1.0, label_smoothing=0.0):
        super().__init__(label_smoothing)
        self.margin = float(margin)

    def discriminator_loss(self, real_logits, fake_logits):
        real = ops.relu(self.margin - ops.cast(real_logits, "float32"))
        fake = ops.relu(self.margin + ops.cast(fake_logits, "float32"))
        return ops.mean(real) + ops.mean(fake)

    def generator_loss(self, fake_logits):
        return -ops.mean(ops.cast(fake_logits, "float32"))

    def get_config(self):
        return {**super().get_config(), "margin": self.margin}


@keras.saving.register_keras_serializable(package="my_gans")
class FakeR1(losses.DiscriminatorPenalty):
    """R1 on generated data, with its own exponent."""

    name = "fake_r1"
    default_weight = 1.0

    def __init__(self, weight=None, power=2.0):
        super().__init__(weight)
        self.power = float(power)

    def __call__(self, critic, real, fake, seed_generator):
        gradient = kerasgan.backend.input_gradient(critic, fake)
        flat = ops.reshape(gradient, (ops.shape(gradient)[0], -1))
        norms = ops.sqrt(ops.sum(ops.square(flat), axis=1) + 1e-12)
        return 0.5 * self.weight * ops.mean(norms**self.power)

    def get_config(self):
        return {**super().get_config(), "power": self.power}


# ------------------------------------------------------------ serialization
INSTANCES = [
    losses.Minimax(label_smoothing=0.1),
    losses.NonSaturating(label_smoothing=0.2),
    losses.LeastSquares(label_smoothing=0.05),
    losses.Hinge(),
    losses.Wasserstein(),
    losses.GradientPenalty(weight=3.0),
    losses.R1Penalty(weight=0.5),
    losses.PathLengthPenalty(weight=1.5, decay=0.02, batch_shrink=4),
    losses.ModeSeeking(weight=0.5, epsilon=1e-4),
    losses.OrthogonalRegularization(weight=2e-4),
    MarginHinge(margin=0.5, label_smoothing=0.0),
    FakeR1(weight=0.3, power=1.0),
]


@pytest.mark.parametrize("obj", INSTANCES, ids=lambda o: type(o).__name__)
def test_serialization_round_trip_through_json(obj):
    config = keras.saving.serialize_keras_object(obj)
    restored = keras.saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert type(restored) is type(obj)
    assert restored.get_config() == obj.get_config()
    assert restored.name == obj.name
    # get_config holds the constructor arguments and nothing else.
    assert type(obj)(**obj.get_config()).get_config() == obj.get_config()


@pytest.mark.parametrize(
    "cls",
    [
        losses.Minimax,
        losses.NonSaturating,
        losses.LeastSquares,
        losses.Hinge,
        losses.Wasserstein,
        losses.GradientPenalty,
        losses.R1Penalty,
        losses.PathLengthPenalty,
        losses.ModeSeeking,
        losses.OrthogonalRegularization,
    ],
)
def test_builtins_are_registered_under_kerasgan(cls):
    assert keras.saving.get_registered_name(cls) == f"kerasgan>{cls.__name__}"
    assert keras.saving.get_registered_object(f"kerasgan>{cls.__name__}") is cls


def test_loss_get_accepts_names_dicts_instances_and_keras_configs():
    assert isinstance(losses.get("hinge"), losses.Hinge)
    smoothed = losses.get({"name": "non_saturating", "label_smoothing": 0.1})
    assert isinstance(smoothed, losses.NonSaturating)
    assert smoothed.label_smoothing == 0.1
    assert losses.get("least_squares", label_smoothing=0.2).label_smoothing == 0.2
    custom = MarginHinge(margin=0.5)
    assert losses.get(custom) is custom
    restored = losses.get(keras.saving.serialize_keras_object(custom))
    assert type(restored) is MarginHinge and restored.margin == 0.5
    with pytest.raises(ValueError, match="hinge.*least_squares"):
        losses.get("nonsaturating")


def test_get_penalty_accepts_todays_forms_and_refuses_other_families():
    assert losses.get_penalty(None) is None
    penalty = losses.get_penalty("wgan_gp")
    assert isinstance(penalty, losses.GradientPenalty) and penalty.weight == 10.0
    assert losses.get_penalty("r1", 0.1).weight == 0.1
    from_dict = losses.get_penalty({"name": "r1", "weight": 2.0})
    assert isinstance(from_dict, losses.R1Penalty) and from_dict.weight == 2.0
    custom = FakeR1(0.3)
    assert losses.get_penalty(custom, 5.0) is custom
    restored = losses.get_penalty(keras.saving.serialize_keras_object(custom))
    assert type(restored) is FakeR1 and restored.get_config() == custom.get_config()
    with pytest.raises(ValueError, match="not a discriminator penalty"):
        losses.get_penalty(losses.PathLengthPenalty())
    with pytest.raises(ValueError, match="r1, wgan_gp"):
        losses.get_penalty("path_length")
    with pytest.raises(ValueError, match="must be a finite number >= 0"):
        losses.get_penalty("r1", -1.0)


def test_get_regularizer_knows_every_family():
    assert set(losses.REGULARIZERS) == {
        "wgan_gp", "r1", "path_length", "mode_seeking", "orthogonal"
    }
    assert isinstance(losses.get_regularizer("mode_seeking"), losses.GeneratorRegularizer)
    path_length = losses.get_regularizer({"name": "path_length", "decay": 0.05})
    assert path_length.get_config() == {"weight": 2.0, "decay": 0.05, "batch_shrink": 2}
    assert losses.get_regularizer("orthogonal", 1e-3).weight == 1e-3
    assert isinstance(losses.get_regularizer("r1"), losses.DiscriminatorPenalty)
    assert isinstance(path_length, losses.GeneratorRegularizer)
    assert isinstance(losses.get_regularizer("orthogonal"), losses.WeightRegularizer)
    # The log names the phases use.
    names = [losses.get_regularizer(n).name for n in ("wgan_gp", "r1", "path_length")]
    assert names == ["wgan_gp", "r1", "path_length"]


def test_path_length_config_is_checked():
    with pytest.raises(ValueError, match="decay"):
        losses.PathLengthPenalty(decay=0.0)
    with pytest.raises(ValueError, match="batch_shrink"):
        losses.PathLengthPenalty(batch_shrink=0)


def test_custom_loss_and_penalty_survive_save_and_load_model(tmp_path):
    gan = kerasgan.models.DCGAN(
        latent_dim=8, data_shape=(28, 28, 1), g_filters=4, d_filters=4, seed=3
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
        loss=MarginHinge(margin=0.5),
        gradient_penalty=FakeR1(weight=0.3, power=1.0),
    )
    history = gan.fit(random_images(8), batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["fake_r1"][0])
    path = tmp_path / "m.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded.adversarial_loss) is MarginHinge
    assert loaded.adversarial_loss.get_config() == {"label_smoothing": 0.0, "margin": 0.5}
    assert type(loaded.penalty) is FakeR1
    assert loaded.penalty.get_config() == {"weight": 0.3, "power": 1.0}
    # The loaded model trains on with them.
    history = loaded.fit(random_images(8, seed=1), batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["fake_r1"][0])


# ------------------------------------------------------ running in a step
def _gan(generator, data_dim, g_learning_rate):
    discriminator = keras.Sequential([keras.Input((data_dim,)), keras.layers.Dense(1)])
    model = kerasgan.GAN(generator, discriminator, latent_dim=data_dim, seed=0)
    model.compile(
        g_optimizer=keras.optimizers.SGD(g_learning_rate), d_optimizer="sgd"
    )
    return model


def _fit_phase(model, loss_fn, log, data, epochs):
    """Trains G on `loss_fn(batch) -> value` in a phase of its own, one step an epoch."""

    def phase_loss(batch, labels):
        value = loss_fn(batch)
        return value, {log: value}

    model.phases = lambda: [
        kerasgan.Phase(
            "regularizer",
            phase_loss,
            model.generator.trainable_variables,
            model.g_optimizer,
            logs=(log,),
        )
    ]
    model._trackers = {log: keras.metrics.Mean(name=log)}
    history = model.fit(
        data, batch_size=len(data), epochs=epochs, verbose=0, shuffle=False
    )
    return history.history[log]


def _numeric_gradient(function, x, eps=1e-6):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        gradient[index] = (function(plus) - function(minus)) / (2 * eps)
    return gradient


# ------------------------------------------------------ orthogonal regularization
def numpy_orthogonal(kernels, weight):
    total = 0.0
    for kernel in kernels:
        w = np.asarray(kernel, "float64").reshape(-1, kernel.shape[-1])
        gram = w.T @ w
        total += np.sum((gram * (1 - np.eye(gram.shape[0]))) ** 2)
    return weight * total


def test_orthogonal_regularization_matches_numpy_on_random_kernels():
    rng = np.random.default_rng(0)
    kernels = [
        rng.normal(size=(5, 4)).astype("float32"),  # Dense
        rng.normal(size=(3, 3, 2, 6)).astype("float32"),  # Conv2D
        rng.normal(size=(7,)).astype("float32"),  # a bias: skipped
    ]
    value = losses.OrthogonalRegularization(0.01)(
        [keras.Variable(k) for k in kernels]
    )
    expected = numpy_orthogonal(kernels[:2], 0.01)
    np.testing.assert_allclose(ops.convert_to_numpy(value), expected, rtol=1e-5)
    # Orthogonal columns cost nothing, whatever their norms.
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    scaled = (q * np.array([1, 2, 3, 4, 5, 6])).astype("float32")
    zero = losses.OrthogonalRegularization(1.0)([scaled])
    assert abs(float(ops.convert_to_numpy(zero))) < 1e-4
    assert float(ops.convert_to_numpy(losses.OrthogonalRegularization()([]))) == 0.0


def test_orthogonal_regularization_gradient_matches_finite_differences():
    generator = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(3)]
    )
    learning_rate, weight = 0.05, 0.5
    model = _gan(generator, 3, learning_rate)
    regularizer = losses.OrthogonalRegularization(weight)
    before = [np.array(v, "float64") for v in generator.get_weights()]
    kernels = [before[0], before[2]]
    data = random_images(4, shape=(3,))
    logged = _fit_phase(
        model,
        lambda batch: regularizer(model.generator.trainable_variables),
        "orthogonal",
        data,
        epochs=1,
    )
    np.testing.assert_allclose(logged[0], numpy_orthogonal(kernels, weight), rtol=1e-5)
    after = generator.get_weights()
    for index, kernel in ((0, kernels[0]), (2, kernels[1])):
        others = [k for k in kernels if k is not kernel]

        def cost(k, others=others):
            return numpy_orthogonal([k] + others, weight)

        expected_step = -learning_rate * _numeric_gradient(cost, kernel)
        np.testing.assert_allclose(
            after[index] - kernel, expected_step, rtol=1e-3, atol=1e-6
        )
    # Biases take no part.
    np.testing.assert_allclose(after[1], before[1])
    np.testing.assert_allclose(after[3], before[3])


# ------------------------------------------------------------ path length
def _linear_generator(in_dim, out_dim, seed=0):
    generator = keras.Sequential(
        [keras.Input((in_dim,)), keras.layers.Dense(out_dim, use_bias=False)]
    )
    kernel = np.random.default_rng(seed).normal(size=(in_dim, out_dim))
    generator.set_weights([kernel.astype("float32")])
    return generator, kernel


def numpy_path_lengths(kernel, noise):
    # G(w) = w·A, so d sum(G(w)·y)/dw = y·Aᵀ.
    gradient = np.asarray(noise, "float64") @ np.asarray(kernel, "float64").T
    squared = np.sum(gradient**2, axis=-1)
    squared = squared.reshape(len(squared), -1).mean(axis=1)
    return np.sqrt(squared + 1e-12)


def test_path_lengths_of_a_linear_generator_are_in_closed_form():
    generator, kernel = _linear_generator(3, 5)
    rng = np.random.default_rng(1)
    latents = rng.normal(size=(4, 3)).astype("float32")
    noise = rng.normal(size=(4, 5)).astype("float32")
    lengths = losses.PathLengthPenalty.path_lengths(
        lambda w: generator(w, training=False), ops.convert_to_tensor(latents), noise
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(lengths), numpy_path_lengths(kernel, noise), rtol=1e-5
    )


def test_path_lengths_of_per_layer_latents_average_over_layers():
    # Latents (batch, n, dim) as StyleGAN's w+: the Dense acts on the last axis.
    generator = keras.Sequential(
        [keras.Input((2, 3)), keras.layers.Dense(5, use_bias=False)]
    )
    kernel = np.random.default_rng(2).normal(size=(3, 5)).astype("float32")
    generator.set_weights([kernel])
    rng = np.random.default_rng(3)
    latents = rng.normal(size=(4, 2, 3)).astype("float32")
    noise = rng.normal(size=(4, 2, 5)).astype("float32")
    lengths = losses.PathLengthPenalty.path_lengths(
        lambda w: generator(w, training=False), ops.convert_to_tensor(latents), noise
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(lengths), numpy_path_lengths(kernel, noise), rtol=1e-5
    )


def test_path_lengths_of_a_nonlinear_generator_match_finite_differences():
    generator = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(6, activation="tanh"),
            keras.layers.Reshape((1, 2, 3)),
        ]
    )
    rng = np.random.default_rng(4)
    latents = rng.normal(size=(2, 3)).astype("float32")
    noise = rng.normal(size=(2, 1, 2, 3)).astype("float32")
    lengths = losses.PathLengthPenalty.path_lengths(
        lambda w: generator(w, training=False), ops.convert_to_tensor(latents), noise
    )

    def projected(w):
        images = ops.convert_to_numpy(generator(w[None].astype("float32")))
        return float(np.sum(images.astype("float64") * noise[i : i + 1]))

    expected = []
    for i in range(len(latents)):
        gradient = _numeric_gradient(projected, latents[i].astype("float64"), eps=1e-3)
        expected.append(np.linalg.norm(gradient))
    np.testing.assert_allclose(ops.convert_to_numpy(lengths), expected, rtol=2e-3)


def test_path_length_noise_is_scaled_by_the_image_size():
    shape = (2, 8, 4, 3)
    noise = losses.PathLengthPenalty().noise(shape, keras.random.SeedGenerator(5))
    normal = keras.random.normal(shape, seed=keras.random.SeedGenerator(5))
    np.testing.assert_allclose(
        ops.convert_to_numpy(noise) * np.sqrt(8 * 4),
        ops.convert_to_numpy(normal),
        rtol=1e-6,
    )
    flat = losses.PathLengthPenalty().noise((2, 5), keras.random.SeedGenerator(5))
    assert ops.convert_to_numpy(flat).shape == (2, 5)


def test_path_length_penalty_value_and_running_mean_outside_a_step():
    generator = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(8, use_bias=False),
            keras.layers.Reshape((2, 2, 2)),
        ]
    )
    kernel = generator.get_weights()[0]
    penalty = losses.PathLengthPenalty(weight=2.0, decay=0.1, batch_shrink=2)
    with pytest.raises(RuntimeError, match="build"):
        penalty(generator, np.zeros((2, 3), "float32"), keras.random.SeedGenerator(0))
    penalty.build()
    assert penalty.variables == [penalty.running_mean]
    assert not penalty.running_mean.trainable
    latents = np.random.default_rng(5).normal(size=(6, 3)).astype("float32")
    seed = keras.random.SeedGenerator(9)
    replay = keras.random.SeedGenerator(9)
    mean = 0.0
    for _ in range(2):
        value = penalty(lambda w: generator(w, training=False), latents, seed)
        # The first 6 // 2 latents; the noise the same seed draws.
        noise = ops.convert_to_numpy(penalty.noise((3, 2, 2, 2), replay))
        lengths = numpy_path_lengths(kernel, noise.reshape(3, 8))
        mean = mean + 0.1 * (lengths.mean() - mean)
        expected = 2.0 * np.mean((lengths - mean) ** 2)
        np.testing.assert_allclose(ops.convert_to_numpy(value), expected, rtol=1e-4)
        np.testing.assert_allclose(
            ops.convert_to_numpy(penalty.running_mean), mean, rtol=1e-5
        )


class _FixedNoise(losses.PathLengthPenalty):
    """The path-length penalty with given noise, to follow it through training."""

    def __init__(self, noise, **kwargs):
        super().__init__(**kwargs)
        self.fixed_noise = noise

    def noise(self, shape, seed_generator):
        return ops.convert_to_tensor(self.fixed_noise)


def numpy_path_length_penalty(kernel, noise, previous_mean, weight, decay):
    lengths = numpy_path_lengths(kernel, noise)
    mean = previous_mean + decay * (lengths.mean() - previous_mean)
    return weight * np.mean((lengths - mean) ** 2), mean


def test_path_length_penalty_trains_and_keeps_its_running_mean_in_a_step():
    """The engine's recipe: build(), the variables tracked by the model, a phase."""
    generator, kernel = _linear_generator(3, 3, seed=6)
    learning_rate, weight, decay = 0.1, 2.0, 0.3
    model = _gan(generator, 3, learning_rate)
    noise = np.random.default_rng(7).normal(size=(2, 3)).astype("float32")
    penalty = _FixedNoise(noise, weight=weight, decay=decay, batch_shrink=2)
    penalty.build()
    # Tracked by the model: threaded through JAX's jitted state, saved with it.
    model._regularizer_variables = penalty.variables
    assert any(v is penalty.running_mean for v in model.non_trainable_variables)
    latents = random_images(4, shape=(3,), seed=8)
    logged = _fit_phase(
        model,
        lambda batch: penalty(
            lambda w: model.generator(w, training=False), batch, model.seed_generator
        ),
        "path_length",
        latents,
        epochs=2,
    )
    # NumPy replay of the two steps: the value, the running mean, SGD on A.
    expected_kernel, mean = kernel.astype("float64"), 0.0
    for step in range(2):

        def cost(a, mean=mean):
            return numpy_path_length_penalty(a, noise, mean, weight, decay)[0]

        value, new_mean = numpy_path_length_penalty(
            expected_kernel, noise, mean, weight, decay
        )
        np.testing.assert_allclose(logged[step], value, rtol=1e-4)
        expected_kernel = expected_kernel - learning_rate * _numeric_gradient(
            cost, expected_kernel
        )
        mean = new_mean
    np.testing.assert_allclose(
        ops.convert_to_numpy(penalty.running_mean), mean, rtol=1e-5
    )
    np.testing.assert_allclose(
        generator.get_weights()[0], expected_kernel, rtol=1e-4, atol=1e-6
    )


# ------------------------------------------------------------ mode seeking
def test_mode_seeking_ratio_of_a_linear_generator_is_in_closed_form():
    generator, kernel = _linear_generator(3, 5)
    rng = np.random.default_rng(5)
    first, second = (rng.normal(size=(4, 3)).astype("float32") for _ in range(2))
    ratio = losses.ModeSeeking.ratio(
        lambda z: generator(z, training=False),
        ops.convert_to_tensor(first), ops.convert_to_tensor(second),
    )
    difference = (first.astype("float64") - second) @ kernel
    expected = np.mean(np.abs(difference)) / np.mean(np.abs(first.astype("float64") - second))
    np.testing.assert_allclose(float(ops.convert_to_numpy(ratio)), expected, rtol=1e-5)


def test_mode_seeking_of_a_generator_that_ignores_its_latents_is_weight_over_epsilon():
    # One image whatever the latent: the collapse the term punishes, at its maximum.
    generator = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(5, kernel_initializer="zeros",
                                               bias_initializer="ones")]
    )
    term = losses.ModeSeeking(weight=2.0, epsilon=1e-3)(
        lambda z: generator(z, training=False),
        np.ones((4, 3), "float32"),
        keras.random.SeedGenerator(0),
    )
    assert float(ops.convert_to_numpy(term)) == pytest.approx(2.0 / 1e-3)


def test_mode_seeking_falls_as_the_generator_spreads_its_latents():
    # G(z) = s·z·A: the ratio grows with s, so the term falls.
    _, kernel = _linear_generator(3, 5)
    rng = np.random.default_rng(6)
    latents = rng.normal(size=(8, 3)).astype("float32")
    terms = []
    for scale in (0.5, 1.0, 2.0):
        seed = keras.random.SeedGenerator(1)  # the same z2 for each scale
        terms.append(float(ops.convert_to_numpy(losses.ModeSeeking()(
            lambda z: ops.matmul(z, scale * kernel.astype("float32")), latents, seed
        ))))
    assert terms[0] > terms[1] > terms[2] > 0
    np.testing.assert_allclose(terms[0] / terms[2], 4.0, rtol=1e-3)


def test_mode_seeking_config_is_checked():
    with pytest.raises(ValueError, match="epsilon"):
        losses.ModeSeeking(epsilon=0.0)
    with pytest.raises(ValueError, match=r"shape \(batch, dim\)"):
        losses.ModeSeeking()(lambda z: z, np.zeros((2, 3, 4), "float32"),
                             keras.random.SeedGenerator(0))
