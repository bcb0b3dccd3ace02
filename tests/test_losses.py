"""Losses against their closed forms, penalties against finite differences."""

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from kerasgan import losses

REAL = np.array([[2.0], [-1.0], [0.5], [0.0]], dtype="float32")
FAKE = np.array([[-3.0], [1.5], [0.2], [-0.5]], dtype="float32")


def softplus(x):
    return np.log1p(np.exp(x))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


CLOSED_FORMS = {
    # name: (discriminator loss, generator loss) from the papers' definitions.
    "minimax": (
        -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE))),
        np.mean(np.log(1 - sigmoid(FAKE))),
    ),
    "non_saturating": (
        -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE))),
        -np.mean(np.log(sigmoid(FAKE))),
    ),
    "least_squares": (
        0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE**2),
        0.5 * np.mean((FAKE - 1) ** 2),
    ),
    "hinge": (
        np.mean(np.maximum(0, 1 - REAL)) + np.mean(np.maximum(0, 1 + FAKE)),
        -np.mean(FAKE),
    ),
    "wasserstein": (np.mean(FAKE) - np.mean(REAL), -np.mean(FAKE)),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_loss_pair_matches_closed_form(name):
    loss = losses.get(name)
    d_expected, g_expected = CLOSED_FORMS[name]
    d_value = ops.convert_to_numpy(loss.discriminator_loss(REAL, FAKE))
    g_value = ops.convert_to_numpy(loss.generator_loss(FAKE))
    np.testing.assert_allclose(d_value, d_expected, rtol=1e-5)
    np.testing.assert_allclose(g_value, g_expected, rtol=1e-5)


def test_one_sided_label_smoothing_changes_only_the_real_target():
    smoothing = 0.1
    loss = losses.get("non_saturating", label_smoothing=smoothing)
    p_real = sigmoid(REAL)
    expected = -np.mean(
        (1 - smoothing) * np.log(p_real) + smoothing * np.log(1 - p_real)
    ) - np.mean(np.log(1 - sigmoid(FAKE)))
    value = ops.convert_to_numpy(loss.discriminator_loss(REAL, FAKE))
    np.testing.assert_allclose(value, expected, rtol=1e-5)
    unsmoothed = ops.convert_to_numpy(losses.get("non_saturating").generator_loss(FAKE))
    np.testing.assert_allclose(
        ops.convert_to_numpy(loss.generator_loss(FAKE)), unsmoothed
    )


def test_least_squares_smoothing_moves_real_target():
    loss = losses.get("least_squares", label_smoothing=0.2)
    expected = 0.5 * np.mean((REAL - 0.8) ** 2) + 0.5 * np.mean(FAKE**2)
    value = ops.convert_to_numpy(loss.discriminator_loss(REAL, FAKE))
    np.testing.assert_allclose(value, expected, rtol=1e-5)


def test_unknown_loss_lists_the_known_ones():
    with pytest.raises(ValueError, match="hinge.*least_squares"):
        losses.get("nonsaturating")


def test_smoothing_is_refused_where_there_is_no_target():
    with pytest.raises(ValueError, match="no targets"):
        losses.get("wasserstein", label_smoothing=0.1)


# ------------------------------------------------------------------ penalties
def _critic():
    """A small nonlinear critic with fixed weights (tanh keeps second derivatives)."""
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(5, activation="tanh", kernel_initializer="glorot_normal")(
        inputs
    )
    outputs = keras.layers.Dense(1)(hidden)
    return keras.Model(inputs, outputs)


def _numeric_input_gradient(critic, x, eps=1e-3):
    x = x.astype("float64")
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        f_plus = ops.convert_to_numpy(critic(plus.astype("float32"))).astype("float64")
        f_minus = ops.convert_to_numpy(critic(minus.astype("float32"))).astype("float64")
        gradient[index] = (f_plus.sum() - f_minus.sum()) / (2 * eps)
    return gradient


def _penalty_in_a_step(penalty, critic, real, fake):
    """Evaluates a penalty the way the engine does: inside a value_and_grad phase."""
    model = kerasgan.GAN(
        generator=keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)]),
        discriminator=critic,
        latent_dim=2,
        seed=0,
    )
    model.compile(**{"g_optimizer": "sgd", "d_optimizer": "sgd"})
    captured = {}

    def phase_loss(real_batch, labels):
        value = penalty(
            lambda x: critic(x, training=False), real_batch, fake, model.seed_generator
        )
        return value, {"penalty": value}

    model.phases = lambda: [
        kerasgan.Phase(
            "penalty",
            phase_loss,
            critic.trainable_variables,
            model.d_optimizer,
            logs=("penalty",),
        )
    ]
    history = model.fit(real, batch_size=len(real), epochs=1, verbose=0, shuffle=False)
    captured["value"] = history.history["penalty"][0]
    return captured["value"]


def test_r1_penalty_matches_finite_differences():
    critic = _critic()
    real = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    weights_before = [np.array(w) for w in critic.get_weights()]
    expected = (
        0.5 * 10.0 * np.mean(np.sum(_numeric_input_gradient(critic, real) ** 2, axis=1))
    )
    value = _penalty_in_a_step(losses.R1Penalty(10.0), critic, real, real)
    np.testing.assert_allclose(value, expected, rtol=2e-3)
    # The penalty's gradient reached the critic's weights (second-order path works).
    assert any(
        not np.allclose(a, b) for a, b in zip(weights_before, critic.get_weights())
    )


def test_gradient_penalty_matches_finite_differences_with_alpha_per_example():
    critic = _critic()
    rng = np.random.default_rng(1)
    real = rng.normal(size=(4, 3)).astype("float32")
    fake = rng.normal(size=(4, 3)).astype("float32")
    # With real == fake the interpolation is independent of alpha, so the value is
    # determined; the per-example draw is checked separately below.
    norms = np.linalg.norm(_numeric_input_gradient(critic, real), axis=1)
    expected = 10.0 * np.mean((norms - 1) ** 2)
    value = _penalty_in_a_step(losses.GradientPenalty(10.0), critic, real, real)
    np.testing.assert_allclose(value, expected, rtol=2e-3)
    assert np.isfinite(
        _penalty_in_a_step(losses.GradientPenalty(10.0), critic, real, fake)
    )


def test_gradient_penalty_draws_alpha_per_example(monkeypatch):
    captured = {}

    def spy_input_gradient(fn, x):
        captured["x"] = x
        return ops.zeros_like(x)

    monkeypatch.setattr(kerasgan.backend, "input_gradient", spy_input_gradient)
    real = np.zeros((6, 2, 2, 1), "float32")
    fake = np.ones((6, 2, 2, 1), "float32")
    losses.GradientPenalty()(None, real, fake, keras.random.SeedGenerator(0))
    interpolated = ops.convert_to_numpy(captured["x"]).reshape(6, -1)
    # One alpha per example: constant within an example, different across examples.
    assert np.allclose(interpolated, interpolated[:, :1])
    assert len(np.unique(np.round(interpolated[:, 0], 6))) == 6
    assert np.all((interpolated >= 0) & (interpolated <= 1))
