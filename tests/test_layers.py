"""kerasgan.layers on the current backend: spectral norm, self-attention, minibatch
stddev and DiffAugment."""

import keras
import numpy as np
import pytest

from conftest import to_numpy
from kerasgan import backend
from kerasgan.layers import ConditionalBatchNormalization
from kerasgan.layers import DiffAugment
from kerasgan.layers import MinibatchStdDev
from kerasgan.layers import SelfAttention2D
from kerasgan.layers import SpectralNormalization
from kerasgan.layers import SyncBatchNormalization


def _sigma_max(kernel):
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


def _numpy_power_iteration(kernel, u):
    """The reference computation: one power-iteration step, then W/σ."""
    w = kernel.reshape(-1, kernel.shape[-1]).astype("float64")
    u = u / np.linalg.norm(u)
    v = u @ w.T
    v /= np.linalg.norm(v)
    u = v @ w
    u /= np.linalg.norm(u)
    v = u @ w.T
    v /= np.linalg.norm(v)
    return kernel / (v @ w @ u.T).item(), u


@pytest.mark.parametrize(
    "layer, input_shape",
    [
        (keras.layers.Dense(6), (3, 5)),
        (keras.layers.Conv2D(4, 3, padding="same"), (2, 8, 8, 3)),
        (keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same"), (2, 4, 4, 5)),
    ],
)
def test_spectral_norm_matches_the_numpy_reference(layer, input_shape):
    wrapped = SpectralNormalization(layer)
    x = np.random.default_rng(0).normal(size=input_shape).astype("float32")
    wrapped(x)
    kernel, u = to_numpy([layer.kernel, wrapped.u])
    expected_kernel, expected_u = _numpy_power_iteration(kernel, u)
    # training=True runs one power-iteration step and stores u; W itself is untouched.
    normalized = keras.ops.convert_to_numpy(wrapped.normalized_kernel(training=True))
    np.testing.assert_allclose(normalized, expected_kernel, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(to_numpy([wrapped.u])[0], expected_u, rtol=1e-4, atol=1e-6)
    np.testing.assert_array_equal(to_numpy([layer.kernel])[0], kernel)
    # The layer's output is the wrapped layer's computation with W/σ.
    layer_copy = layer.__class__.from_config(layer.get_config())
    layer_copy.build(input_shape)
    layer_copy.set_weights(
        [normalized] + ([to_numpy([layer.bias])[0]] if layer.use_bias else [])
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(wrapped(x, training=False)),
        keras.ops.convert_to_numpy(layer_copy(x)),
        rtol=1e-4,
        atol=1e-5,
    )


def test_spectral_norm_power_iteration_converges_to_sigma_max():
    wrapped = SpectralNormalization(keras.layers.Conv2D(8, 3))
    wrapped.build((None, 8, 8, 4))
    for _ in range(30):
        normalized = wrapped.normalized_kernel(training=True)
    normalized = keras.ops.convert_to_numpy(normalized)
    assert abs(_sigma_max(normalized) - 1.0) < 1e-3
    # Inference does not advance u.
    u = to_numpy([wrapped.u])[0]
    wrapped.normalized_kernel(training=False)
    np.testing.assert_array_equal(to_numpy([wrapped.u])[0], u)


def test_spectral_norm_rejects_other_layers_and_round_trips_its_config():
    with pytest.raises(ValueError, match="wraps Dense"):
        SpectralNormalization(keras.layers.BatchNormalization())
    wrapped = SpectralNormalization(keras.layers.Dense(3), power_iterations=2)
    clone = SpectralNormalization.from_config(wrapped.get_config())
    assert clone.power_iterations == 2 and isinstance(clone.layer, keras.layers.Dense)


def test_self_attention_shape_and_gradients():
    layer = SelfAttention2D(spectral_norm=True)
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 16)).astype("float32")
    assert tuple(layer(x).shape) == (2, 6, 6, 16)
    assert float(layer.gamma) == 0.0  # starts as the identity
    layer.gamma.assign(0.5)
    gradient = keras.ops.convert_to_numpy(
        backend.input_gradient(
            lambda t: keras.ops.square(layer(t)), keras.ops.convert_to_tensor(x)
        )
    )
    assert np.isfinite(gradient).all()
    identity_gradient = 2 * x  # the gradient if the attention path contributed nothing
    assert np.abs(gradient - identity_gradient).max() > 1e-3

    # One fit step moves γ (its gradient is nonzero) and the projections.
    inputs = keras.Input((6, 6, 16))
    model = keras.Model(inputs, SelfAttention2D(spectral_norm=False)(inputs))
    model.compile(keras.optimizers.SGD(0.1), "mse")
    attention = model.layers[-1]
    attention.gamma.assign(0.5)
    before = to_numpy(attention.trainable_variables)
    model.fit(x, np.zeros_like(x), batch_size=2, epochs=1, verbose=0)
    after = to_numpy(attention.trainable_variables)
    assert all(not np.allclose(a, b) for a, b in zip(before, after))


def test_minibatch_stddev_appends_the_group_stddev():
    x = np.random.default_rng(0).normal(size=(8, 3, 3, 2)).astype("float32")
    y = keras.ops.convert_to_numpy(MinibatchStdDev(group_size=4)(x))
    assert y.shape == (8, 3, 3, 3)
    np.testing.assert_allclose(y[..., :2], x)
    groups = x.reshape(4, 2, 3, 3, 2)  # member i is in group i % 2
    expected = np.sqrt(groups.var(axis=0) + 1e-8).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(y[:, 0, 0, 2], np.tile(expected, 4), rtol=1e-5)
    assert tuple(MinibatchStdDev()(np.ones((4, 5), "float32")).shape) == (4, 6)


def test_conditional_batch_norm_scales_and_shifts_per_class():
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(6, 4, 4, 3)).astype("float32")
    labels = np.array([0, 1, 2, 0, 1, 2], "int32")
    layer = ConditionalBatchNormalization(num_classes=3)
    layer.build([x.shape, labels.shape])
    gamma = rng.uniform(0.5, 2.0, size=(3, 3)).astype("float32")
    beta = rng.normal(size=(3, 3)).astype("float32")
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    y = keras.ops.convert_to_numpy(layer([x, labels], training=True))
    # Closed form: batch statistics over batch and positions, then the label's γ, β.
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    normalized = (x - mean) / np.sqrt(var + layer.epsilon)
    expected = normalized * gamma[labels][:, None, None] + beta[labels][:, None, None]
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    # Inference uses the moving statistics, which training moved towards the batch's.
    moving_mean = keras.ops.convert_to_numpy(layer.normalize.moving_mean)
    np.testing.assert_allclose(moving_mean, 0.01 * mean, rtol=1e-4)
    clone = ConditionalBatchNormalization.from_config(layer.get_config())
    assert (clone.num_classes, clone.epsilon) == (3, layer.epsilon)
    with pytest.raises(ValueError, match="num_classes must be at least 2"):
        ConditionalBatchNormalization(num_classes=1)


def test_diff_augment_translation_and_cutout():
    images = np.ones((4, 16, 16, 1), "float32")
    seed = keras.random.SeedGenerator(0)
    translated = keras.ops.convert_to_numpy(DiffAugment("translation")(images, seed))
    # Shifts of at most 2 px fill with zeros: the centre survives, at least one row or
    # column of some image is zero, values stay 0 or 1.
    assert np.isin(translated, [0.0, 1.0]).all()
    assert (translated[:, 2:-2, 2:-2] == 1).all()
    assert (translated == 0).any()
    cut = keras.ops.convert_to_numpy(DiffAugment("cutout")(images, seed))
    zero_share = (cut == 0).mean(axis=(1, 2, 3))
    assert ((zero_share > 0.05) & (zero_share <= 0.25)).all()


def test_diff_augment_is_seeded_differentiable_and_validates_policy():
    x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 3)).astype("float32")
    augment = DiffAugment("color,translation,cutout")
    first = keras.ops.convert_to_numpy(augment(x, keras.random.SeedGenerator(3)))
    again = keras.ops.convert_to_numpy(augment(x, keras.random.SeedGenerator(3)))
    np.testing.assert_allclose(first, again)
    assert not np.allclose(first, x)
    gradient = backend.input_gradient(
        lambda t: augment(t, keras.random.SeedGenerator(3)),
        keras.ops.convert_to_tensor(x),
    )
    assert np.abs(keras.ops.convert_to_numpy(gradient)).sum() > 0
    with pytest.raises(ValueError, match="policy"):
        DiffAugment("colour")
    assert DiffAugment(**augment.get_config()).policy == augment.policy


class _AugmentedRegressor(keras.layers.Layer):
    """DiffAugment inside a jitted fit, randomness from a SeedGenerator attribute."""

    def __init__(self):
        super().__init__()
        self.seed_generator = keras.random.SeedGenerator(0)
        self.augment = DiffAugment()
        self.dense = keras.layers.Dense(1)

    def call(self, x, training=False):
        if training:
            x = self.augment(x, self.seed_generator)
        return self.dense(keras.ops.mean(x, axis=(1, 2)))


def test_diff_augment_runs_in_a_jitted_fit():
    inputs = keras.Input((8, 8, 3))
    layer = _AugmentedRegressor()
    model = keras.Model(inputs, layer(inputs))
    # torch runs eagerly (jit_compile there means torch.compile: minutes on 2 CPUs).
    model.compile("sgd", "mse", jit_compile=keras.backend.backend() != "torch")
    state = to_numpy([layer.seed_generator.state])[0]
    x = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 3)).astype("float32")
    history = model.fit(x, np.zeros((8, 1)), batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert not np.array_equal(to_numpy([layer.seed_generator.state])[0], state)


def test_sync_batch_norm_on_one_device_is_batch_norm():
    """One device: the same outputs and moving statistics as Keras's layer (the
    cross-device equality, gradients included, is tests/test_distributed.py's)."""
    x = np.random.default_rng(0).normal(2.0, 3.0, (6, 4, 4, 3)).astype("float32")
    plain, synced = keras.layers.BatchNormalization(), SyncBatchNormalization()
    for layer in (plain, synced):
        layer.build(x.shape)
    synced.set_weights(plain.get_weights())

    def output(layer):
        return to_numpy(keras.ops.stop_gradient(layer(x, training=True)))

    np.testing.assert_allclose(output(synced), output(plain), atol=1e-6)
    for a, b in zip(synced.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert np.abs(plain.get_weights()[2]).max() > 0.01  # the moving mean moved


def test_sync_batch_norm_config_round_trips_and_refuses_synchronized():
    layer = SyncBatchNormalization(momentum=0.9, epsilon=1e-5)
    clone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(clone) is SyncBatchNormalization
    assert clone.get_config() == layer.get_config()
    assert "synchronized" not in layer.get_config()
    with pytest.raises(ValueError, match="always synchronizes"):
        SyncBatchNormalization(synchronized=True)
