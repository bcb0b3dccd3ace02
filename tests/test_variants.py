"""The GAN variants and training techniques on the current backend.

Most tests train on 2-D toy data with tiny MLPs (fast on every backend); the image
paths (convolutions, self-attention, DiffAugment, multi-scale D) use 16×16 images
and 4 filters.
"""

import keras
import numpy as np
import pytest

import kerasgan
from conftest import random_images, to_numpy
from kerasgan.layers import SpectralNormalization
from kerasgan.models import networks
from kerasgan.models import registry

TOY = dict(latent_dim=8, data_shape=(2,), hidden_units=(16, 16), seed=3)
IMAGES = dict(latent_dim=8, data_shape=(16, 16, 1), g_filters=4, d_filters=4, seed=3)
BATCH = 16

VARIANTS = {
    "LSGAN": {},
    "WGAN": {},
    "WGANGP": {},
    "SNGAN": {},
    "ConditionalGAN": {"num_classes": 8},
    "ConditionalGAN-projection": {"num_classes": 8, "conditioning": "projection"},
    "ACGAN": {"num_classes": 8},
    "ACGAN-twin": {"num_classes": 8, "twin_classifier": True},
}


# Further arguments of the config round trip: BigGAN is conditional and splits its
# latents into 3 chunks at 16×16.
ROUND_TRIP = {"BigGAN": {"num_classes": 8, "latent_dim": 9}}


def _variant(name, **config):
    return getattr(kerasgan.models, name.split("-")[0])(**{**VARIANTS[name], **config})


def _ring8(n, seed=0):
    return kerasgan.data.ring8().sample_with_modes(n, seed=seed)


def _fit(gan, x, y=None, steps=3):
    # WGAN and WGAN-GP draw a fresh real batch per critic step: a step eats several.
    n = steps * BATCH * gan.batches_per_step()
    gan.fit(
        x[:n],
        None if y is None else y[:n],
        batch_size=BATCH,
        epochs=1,
        verbose=0,
        shuffle=False,
    )


def _changed(before, after):
    return [not np.allclose(a, b) for a, b in zip(before, after)]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_a_variant_step_updates_both_networks(name):
    gan = _variant(name, **TOY, n_critic=2)  # 5 critic steps only slow JAX's compile
    # The step's mechanics, not the defaults (tested below): WGAN's RMSprop(5e-5)
    # through a clipped critic moves some generator weights by less than float noise.
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3)
    )
    g_before = to_numpy(gan.generator.trainable_variables)
    d_before = to_numpy(gan.discriminator.trainable_variables)
    x, y = _ring8(3 * BATCH * gan.batches_per_step())
    _fit(gan, x, y if "num_classes" in VARIANTS[name] else None)
    assert all(_changed(g_before, to_numpy(gan.generator.trainable_variables)))
    d_variables = gan.discriminator.trainable_variables
    d_changed = dict(
        zip([v.path for v in d_variables], _changed(d_before, to_numpy(d_variables)))
    )
    if name == "WGAN":  # clipping pins most weights at ±c
        assert any(d_changed.values())
    else:
        # Every kernel and label embedding moves. (The output bias of a Wasserstein or
        # hinge critic can have an exactly zero gradient: it cancels between real
        # and fake.)
        weights = [p for p in d_changed if p.endswith(("kernel", "embeddings"))]
        assert weights and all(d_changed[p] for p in weights), d_changed
    assert int(gan.d_optimizer.iterations) == 3 * gan.n_critic
    assert int(gan.g_optimizer.iterations) == 3


def test_variants_declare_the_papers_defaults():
    wgan, wgan_gp = kerasgan.models.WGAN(**TOY), kerasgan.models.WGANGP(**TOY)
    for gan in (wgan, wgan_gp):
        gan.compile()
    assert wgan.n_critic == 5 and wgan.adversarial_loss.name == "wasserstein"
    assert isinstance(wgan.g_optimizer, keras.optimizers.RMSprop)
    assert np.isclose(float(wgan.d_optimizer.learning_rate), 5e-5)
    assert wgan_gp.penalty.name == "wgan_gp" and wgan_gp.n_critic == 5
    assert np.isclose(wgan_gp.d_optimizer.beta_2, 0.9)
    sagan = kerasgan.models.SAGAN
    optimizers = sagan.default_optimizers(None)
    g_optimizer, d_optimizer = optimizers["g"], optimizers["d"]
    assert sagan.default_loss == "hinge"
    assert np.isclose(float(g_optimizer.learning_rate), 1e-4)
    assert np.isclose(float(d_optimizer.learning_rate), 4e-4)
    assert kerasgan.models.LSGAN(**TOY).default_loss == "least_squares"


def test_wgan_critic_weights_stay_clipped():
    gan = kerasgan.models.WGAN(clip_value=0.01, n_critic=2, **TOY)
    # A large learning rate would carry weights far past c without the clipping.
    gan.compile(d_optimizer=keras.optimizers.RMSprop(0.05))
    x, _ = _ring8(3 * BATCH * gan.batches_per_step())  # a fresh batch per critic step
    _fit(gan, x)
    weights = np.concatenate([w.ravel() for w in to_numpy(gan.discriminator.weights)])
    assert np.abs(weights).max() <= 0.01 + 1e-7
    assert np.isclose(np.abs(weights), 0.01).mean() > 0.5  # clipping did act


def test_wgan_critic_batch_norm_learns_its_statistics_and_stays_clipped():
    # The WGAN paper's DCGAN critic: batch norm after every convolution but the first.
    gan = kerasgan.models.WGAN(critic_batch_norm=True, n_critic=2, **IMAGES)
    norms = [
        layer for layer in gan.discriminator._flatten_layers()
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(norms) == 1  # 16 px: two strided convolutions
    gan.compile(d_optimizer=keras.optimizers.RMSprop(0.05))
    _fit(gan, random_images(3 * BATCH * gan.batches_per_step(), (16, 16, 1), seed=1))
    # The moving statistics are non-trainable state: on JAX they only change if the
    # jitted step hands them back.
    assert np.abs(keras.ops.convert_to_numpy(norms[0].moving_mean)).max() > 0
    trainable = np.concatenate(
        [w.ravel() for w in to_numpy(gan.discriminator.trainable_weights)]
    )
    assert np.abs(trainable).max() <= 0.01 + 1e-7  # gamma and beta are clipped too
    config = gan.get_config()
    assert config["critic_batch_norm"] is True
    rebuilt = kerasgan.models.WGAN.from_config(config)
    assert rebuilt.discriminator.get_config()["batch_norm"] is True
    assert kerasgan.models.WGAN(**IMAGES).discriminator.get_config()["batch_norm"] is False


def test_critic_batch_norm_on_non_image_data_is_refused():
    with pytest.raises(ValueError, match="batch_norm in the discriminator is for images"):
        kerasgan.models.WGAN(critic_batch_norm=True, **TOY)


def _spectral_norm_layers(model):
    return [
        layer
        for layer in model._flatten_layers()
        if isinstance(layer, SpectralNormalization)
    ]


def test_sngan_discriminator_has_sigma_max_one_after_training():
    gan = kerasgan.models.SNGAN(**TOY)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-2), d_optimizer=keras.optimizers.Adam(1e-2)
    )
    x, _ = _ring8(40 * BATCH)
    _fit(gan, x, steps=40)
    wrapped = _spectral_norm_layers(gan.discriminator)
    assert len(wrapped) == 3
    for layer in wrapped:
        kernel = keras.ops.convert_to_numpy(layer.normalized_kernel(training=False))
        sigma = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
        assert abs(sigma - 1.0) < 0.05, (layer.name, sigma)
        # W itself is raw and trained, not normalized in place.
        raw = to_numpy([layer.layer.kernel])[0]
        assert (
            abs(np.linalg.svd(raw.reshape(-1, raw.shape[-1]), compute_uv=False)[0] - 1)
            > 0.05
        )


@pytest.mark.parametrize(
    "name", ["ConditionalGAN", "ConditionalGAN-projection", "ACGAN", "ACGAN-twin"])
def test_conditional_model_generates_the_requested_class(name):
    # A toy conditional task with an objective answer: ring8 with the mode index as
    # the label; samples for label k must land nearest to centre k.
    mixture = kerasgan.data.ring8()
    x, y = mixture.sample_with_modes(128 * 200, seed=0)
    gan = _variant(name, latent_dim=8, data_shape=(2,), hidden_units=(64, 64), seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(3e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(3e-3, beta_1=0.5),
    )
    gan.fit(x, y, batch_size=128, epochs=1, verbose=0)
    labels = np.arange(400) % 8
    samples = gan.generate(400, labels=labels, seed=1)
    distances = np.linalg.norm(samples[:, None] - mixture.centers[None], axis=-1)
    accuracy = (distances.argmin(axis=1) == labels).mean()
    assert accuracy > 0.9, accuracy


def _cross_entropy(logits, labels):
    logits = logits - logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(labels)), labels].mean()


@pytest.mark.parametrize("twin", [False, True])
def test_acgan_class_losses_match_their_closed_form(twin):
    # ACGAN: D's classifier learns real and fake images, G lowers its fakes' loss.
    # TAC-GAN: the classifier learns real images only, a twin head the fakes; G
    # lowers the classifier's loss on its fakes minus the twin's.
    gan = _variant("ACGAN-twin" if twin else "ACGAN", **TOY, class_weight=0.7)
    gan.compile()
    x, y = _ring8(BATCH)
    y = y.astype("int32")
    fake = np.random.default_rng(1).normal(size=x.shape).astype("float32")
    gan.generate_fakes = lambda batch_size, labels, training=True: keras.ops.convert_to_tensor(fake)
    logits_real, classes_real = to_numpy(gan.discriminator(x, training=False))
    logits_fake, classes_fake = to_numpy(gan.discriminator(fake, training=False))
    assert classes_real.shape == (BATCH, 16 if twin else 8)
    n = 8
    softplus = lambda v: np.logaddexp(0, v)  # noqa: E731
    adversarial_d = softplus(-logits_real).mean() + softplus(logits_fake).mean()
    fake_term = classes_fake[:, n:] if twin else classes_fake[:, :n]
    expected_d = adversarial_d + 0.7 * (
        _cross_entropy(classes_real[:, :n], y) + _cross_entropy(fake_term, y))
    g_class = _cross_entropy(classes_fake[:, :n], y)
    if twin:
        g_class -= _cross_entropy(classes_fake[:, n:], y)
    expected_g = softplus(-logits_fake).mean() + 0.7 * g_class
    d_loss = gan.discriminator_loss(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y))[0]
    g_loss = gan.generator_loss(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y))[0]
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(d_loss)), expected_d, rtol=1e-5)
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(g_loss)), expected_g, rtol=1e-5)
    rebuilt = kerasgan.models.ACGAN.from_config(gan.get_config())
    assert rebuilt.twin_classifier is twin
    assert rebuilt.discriminator.output[1].shape[-1] == (16 if twin else 8)


def test_conditional_generate_validates_labels():
    gan = kerasgan.models.ConditionalGAN(num_classes=3, **TOY)
    assert gan.generate(3, labels=[0, 1, 2], seed=0).shape == (3, 2)
    with pytest.raises(ValueError, match="labels="):
        gan.generate(3, seed=0)
    with pytest.raises(ValueError, match="shape"):
        gan.generate(3, labels=[0, 1], seed=0)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        gan.generate(2, labels=[0, 3], seed=0)
    with pytest.raises(ValueError, match="integers"):
        gan.generate(2, labels=[0.5, 1.0], seed=0)
    gan.compile()
    with pytest.raises(ValueError, match="fit\\(x, y\\)"):
        _fit(gan, _ring8(3 * BATCH)[0])


# XLA needs ~1 min to compile this step on JAX on 2 shared CPUs (eager JAX is slower
# still): slow there; the layers are covered on JAX by test_layers.py (including
# DiffAugment in a jitted fit).
@(pytest.mark.slow if keras.backend.backend() == "jax" else lambda test: test)
def test_sagan_with_diff_augment_and_minibatch_stddev_trains_attention():
    gan = kerasgan.models.SAGAN(minibatch_stddev=True, **IMAGES)
    gan.compile(augment="color,translation,cutout")
    gammas = [
        v for v in gan.trainable_variables if "attention" in v.path and "gamma" in v.path
    ]
    assert len(gammas) == 2  # one attention block in G, one in D
    # Every kernel and both attention gammas move.
    watched = [v for v in gan.trainable_variables if v.path.endswith(("kernel", "gamma"))]
    before = to_numpy(watched)
    _fit(gan, random_images(2 * BATCH, (16, 16, 1)), steps=2)
    assert all(_changed(before, to_numpy(watched)))
    assert gan.generate(2, seed=0).shape == (2, 16, 16, 1)


def test_feature_matching_loss_is_zero_for_identical_batches():
    gan = kerasgan.models.LSGAN(**TOY)
    gan.compile(feature_matching=1.0)
    x, _ = _ring8(BATCH)
    same = float(gan.feature_matching_loss(x, x, None))
    different = float(gan.feature_matching_loss(x, x + 1.0, None))
    assert same == 0.0 and different > 1e-4
    _fit(gan, _ring8(3 * BATCH)[0])  # and it trains
    assert gan.get_compile_config()["feature_matching"] == 1.0


def test_historical_averaging_keeps_the_mean_of_past_weights():
    gan = kerasgan.models.LSGAN(**TOY)
    gan.compile(historical_averaging=0.5)
    d_start = to_numpy(gan.discriminator.trainable_variables)
    _fit(gan, _ring8(BATCH)[0], steps=1)
    d_now = to_numpy(gan.discriminator.trainable_variables)
    averages = to_numpy(
        gan._historical_averages_of(gan.discriminator.trainable_variables)
    )
    for start, now, average in zip(d_start, d_now, averages):
        np.testing.assert_allclose(average, (start + now) / 2, rtol=1e-5, atol=1e-7)
    assert all(_changed(d_start, d_now))


def test_multiscale_discriminator_averages_scales():
    discriminator = networks.build_multiscale_discriminator(
        lambda shape, name: networks.build_discriminator(shape, filters=4, name=name),
        (32, 32, 1),
        scales=2,
    )
    images = random_images(4, (32, 32, 1))
    per_scale = [discriminator.get_layer(f"discriminator_scale{i}") for i in range(2)]
    half = keras.layers.AveragePooling2D(2)(images)
    expected = (per_scale[0](images) + per_scale[1](half)) / 2
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(discriminator(images)),
        keras.ops.convert_to_numpy(expected),
        rtol=1e-5,
        atol=1e-6,
    )


def test_conditional_batch_norm_generator_learns_per_class_scales():
    gan = kerasgan.models.ConditionalGAN(
        num_classes=3, generator_norm="conditional_batch", **IMAGES
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-2), d_optimizer=keras.optimizers.Adam(1e-2)
    )
    norms = [
        layer
        for layer in gan.generator.layers
        if isinstance(layer, kerasgan.layers.ConditionalBatchNormalization)
    ]
    assert norms and not any(
        isinstance(layer, keras.layers.BatchNormalization)
        for layer in gan.generator.layers
    )
    gammas = to_numpy([layer.gamma for layer in norms])
    labels = np.array([0, 1] * BATCH, "int32")  # class 2 never appears
    _fit(gan, random_images(2 * BATCH, (16, 16, 1)), labels, steps=2)
    for before, layer in zip(gammas, norms):
        after = keras.ops.convert_to_numpy(layer.gamma)
        assert not np.allclose(before[:2], after[:2])  # the classes seen moved
        np.testing.assert_array_equal(before[2], after[2])  # the unseen one did not
    assert gan.get_config()["generator_norm"] == "conditional_batch"
    with pytest.raises(ValueError, match="norm must be one of"):
        kerasgan.models.ConditionalGAN(generator_norm="layer", **IMAGES)
    with pytest.raises(ValueError, match="needs num_classes"):
        networks.build_generator(8, (16, 16, 1), filters=4, norm="conditional_batch")


@pytest.mark.parametrize(
    "name",
    [*(v.cls.__name__ for v in registry.variants(registry.GENERATE)), "ConditionalGAN-projection"],
)
def test_variant_config_round_trips(name):
    variant = registry.get(registry.name_of(name.split("-")[0]))
    config = IMAGES if variant.data_ranks == registry.IMAGES else TOY
    gan = variant.cls(**{**config, **VARIANTS.get(name, {}), **ROUND_TRIP.get(name, {})})
    clone = type(gan).from_config(gan.get_config())
    assert clone.get_config() == gan.get_config()
    assert [v.shape for v in clone.weights] == [v.shape for v in gan.weights]
