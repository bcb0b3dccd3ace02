"""BigGAN: truncation, hierarchical latents, conditional batch norm, orthogonal
regularization and its defaults; the standard contract runs too
(tests/test_variant_contract.py)."""

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from kerasgan.models.big_gan import big_gan_presets
from kerasgan.models.big_gan.big_gan import truncated_normal

TINY = {**big_gan_presets.TINY, "seed": 5}


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def test_truncated_latents_lie_within_the_threshold_and_are_reproducible():
    model = kerasgan.models.BigGAN(**TINY)
    truncated = model.latents_for(500, seed=1, truncation=0.5)
    assert truncated.shape == (500, 9) and truncated.dtype == np.float32
    assert np.abs(truncated).max() <= 0.5
    np.testing.assert_array_equal(truncated, model.latents_for(500, seed=1, truncation=0.5))
    # Resampling keeps the values that were already inside the threshold.
    plain = model.latents_for(500, seed=1)
    inside = np.abs(plain) <= 0.5
    np.testing.assert_array_equal(truncated[inside], plain[inside])
    # Truncation narrows the samples' spread; without it the latents are N(0, 1).
    assert truncated.std() < 0.35 < 0.9 < plain.std()


def test_generate_with_truncation_uses_the_truncated_latents():
    model = kerasgan.models.BigGAN(**TINY)
    labels = np.array([0, 1, 2, 3])
    images = model.generate(4, seed=2, labels=labels, truncation=1.0)
    latents = model.latents_for(4, seed=2, truncation=1.0)
    np.testing.assert_allclose(
        images, model.generate_from_latents(latents, labels=labels), atol=1e-6
    )
    assert not np.allclose(images, model.generate(4, seed=2, labels=labels))


@pytest.mark.parametrize("threshold", [0.0, -1.0, "half"])
def test_a_bad_truncation_is_refused(threshold):
    with pytest.raises((ValueError, TypeError), match="truncation|not supported"):
        truncated_normal(np.random.default_rng(0), (2, 3), threshold)


def test_each_block_gets_its_own_chunk_of_the_latent_vector():
    generator = kerasgan.models.BigGANGenerator(
        latent_dim=9, data_shape=(16, 16, 1), num_classes=4, filters=4, shared_dim=4
    )
    latents = np.random.default_rng(0).standard_normal((2, 9)).astype("float32")
    labels = np.array([0, 3])
    base = _numpy(generator([latents, labels], training=False))
    for chunk in range(3):  # the seed map's, then one per block
        moved = latents.copy()
        moved[:, 3 * chunk:3 * chunk + 3] += 1.0
        assert not np.allclose(_numpy(generator([moved, labels], training=False)), base)
    # The seed layer sees only the first chunk; each conditional batch norm sees the
    # shared class embedding joined to its chunk.
    kernels = {v.path: tuple(v.shape) for v in generator.trainable_variables}
    seed_kernel = [s for p, s in kernels.items() if "seed" in p and p.endswith("kernel")]
    assert seed_kernel == [(3, 4 * 4 * 4)]
    gains = [s for p, s in kernels.items() if "gain" in p and p.endswith("kernel")]
    assert gains and all(shape[0] == 4 + 3 for shape in gains)


def test_a_latent_dim_that_does_not_split_into_chunks_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="3 equal chunks.*multiple of 3, e.g. 9 or 12"):
        kerasgan.models.BigGAN(**{**TINY, "latent_dim": 10})


def test_linear_conditional_batch_norm_matches_its_closed_form():
    layer = kerasgan.layers.LinearConditionalBatchNormalization(spectral_norm=False,
                                                                epsilon=1e-3)
    rng = np.random.default_rng(0)
    features = rng.standard_normal((6, 3, 3, 5)).astype("float32")
    condition = rng.standard_normal((6, 7)).astype("float32")
    output = _numpy(layer([features, condition], training=True))
    mean = features.mean(axis=(0, 1, 2))
    variance = features.var(axis=(0, 1, 2))
    normalized = (features - mean) / np.sqrt(variance + 1e-3)
    gain = condition @ _numpy(layer.gain.kernel)
    bias = condition @ _numpy(layer.bias.kernel)
    expected = normalized * (1.0 + gain[:, None, None, :]) + bias[:, None, None, :]
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-4)


def _off_diagonal_gram(kernel):
    w = np.reshape(kernel, (-1, kernel.shape[-1]))
    gram = w.T @ w
    return np.sum((gram * (1.0 - np.eye(gram.shape[0]))) ** 2)


def test_default_compile_is_the_papers_setup_with_orthogonal_regularization_of_g():
    model = kerasgan.models.BigGAN(**TINY)
    model.compile()
    assert model.adversarial_loss.name == "hinge" and model.n_critic == 2
    g, d = model.optimizer.get("g"), model.optimizer.get("d")
    assert (float(g.learning_rate), float(d.learning_rate)) == pytest.approx((5e-5, 2e-4))
    assert (g.beta_1, g.beta_2, d.beta_1, d.beta_2) == (0.0, 0.999, 0.0, 0.999)
    # The logged term is 1e-4 · Σ ||WᵀW ⊙ (1 - I)||² over G's kernels, its class
    # embedding left out (learning rates 0 keep the weights where they were measured).
    model.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0))
    variables = model.generator.regularized_variables
    kept = {v.path for v in variables}
    names = [v.path for v in model.generator.trainable_variables if v.path not in kept]
    assert len(names) == 1 and "shared_embedding" in names[0]
    expected = 1e-4 * sum(_off_diagonal_gram(_numpy(v)) for v in variables if len(v.shape) >= 2)
    images = random_images(8, (16, 16, 1))
    history = model.fit(images, np.arange(8) % 4, batch_size=8, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["g_orthogonal"][0], expected, rtol=1e-4)


def test_generate_needs_labels_in_range():
    model = kerasgan.models.BigGAN(**TINY)
    with pytest.raises(ValueError, match="pass labels="):
        model.generate(2, seed=0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 4\)"):
        model.generate(2, seed=0, labels=[0, 4])
