"""The adversarial autoencoder: priors, phases, statistics, the supervised and the
semi-supervised variants, bad input. The standard contract (each phase's networks,
optimizer counts, config and preset round trips, weights across backends) runs on
the registered AdversarialAutoencoder in tests/test_variant_contract.py; the
semi-supervised class, which is not registered, gets the same checks here."""

import subprocess
import sys

import keras
import numpy as np
import pytest

import kerasgan
from conftest import other_backends, subprocess_env, to_numpy
from kerasgan.models.adversarial_autoencoder import SemiSupervisedAAE
from kerasgan.models.adversarial_autoencoder import priors

AAE = kerasgan.models.AdversarialAutoencoder
SMALL = dict(data_shape=(8, 8, 1), hidden_units=(16,), d_hidden_units=(16,), seed=3)
SS_SMALL = dict(SMALL, num_classes=3, latent_dim=2, batch_norm=True)


def _images(n, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 8, 8, 1)).astype("float32")


def _in_step_samples(prior, n, latent_dim, components=None):
    generator = keras.random.SeedGenerator(0)
    labels = None if components is None else keras.ops.convert_to_tensor(components)
    return keras.ops.convert_to_numpy(prior.sample_tensor(n, latent_dim, generator, labels))


# ------------------------------------------------------------------- priors
def test_gaussian_prior_has_its_mean_and_std_in_and_out_of_the_step():
    prior = priors.GaussianPrior(std=2.0)
    for codes in (prior.sample(20000, 3, seed=0), _in_step_samples(prior, 20000, 3)):
        np.testing.assert_allclose(codes.mean(axis=0), 0.0, atol=0.06)
        np.testing.assert_allclose(codes.std(axis=0), 2.0, rtol=0.03)


def test_mixture_components_sit_at_their_means_and_labels_choose_them():
    prior = priors.GaussianMixturePrior()
    labels = np.arange(4000) % 10
    for codes in (prior.sample(4000, 4, seed=1, components=labels),
                  _in_step_samples(prior, 4000, 4, labels.astype("int32"))):
        for pair in (codes[:, :2], codes[:, 2:]):  # each pair of coordinates
            means = np.stack([pair[labels == k].mean(axis=0) for k in range(10)])
            np.testing.assert_allclose(means, prior.means(), atol=0.1)
            nearest = np.argmin(((pair[:, None] - prior.means()[None]) ** 2).sum(-1), axis=1)
            assert np.mean(nearest == labels) > 0.97
    # Without labels every component is drawn, in about equal shares.
    pair = prior.sample(5000, 2, seed=2)
    nearest = np.argmin(((pair[:, None] - prior.means()[None]) ** 2).sum(-1), axis=1)
    assert np.bincount(nearest, minlength=10).min() > 400


def test_swiss_roll_labels_choose_consecutive_segments():
    prior = priors.SwissRollPrior(components=5, scale=3.0)
    labels = np.arange(1000) % 5
    for codes in (prior.sample(1000, 2, seed=0, components=labels),
                  _in_step_samples(prior, 1000, 2, labels.astype("int32"))):
        t = (np.linalg.norm(codes, axis=1) / 3.0) ** 2  # radius = scale·√t
        assert np.all(t >= labels / 5 - 1e-5) and np.all(t <= (labels + 1) / 5 + 1e-5)
        angle = np.arctan2(codes[:, 1], codes[:, 0])
        np.testing.assert_allclose(np.cos(angle), np.cos(4 * np.pi * np.sqrt(t)), atol=1e-3)


def test_a_seed_gives_the_same_codes_every_time():
    prior = priors.get("mixture")
    np.testing.assert_array_equal(prior.sample(8, 2, seed=5), prior.sample(8, 2, seed=5))
    assert not np.allclose(prior.sample(8, 2, seed=5), prior.sample(8, 2, seed=6))


# ---------------------------------------------------------------- bad input
def test_bad_arguments_are_refused_saying_what_to_do():
    with pytest.raises(ValueError, match="Unknown prior 'laplace'.*'gaussian', 'mixture'"):
        AAE(prior="laplace", **SMALL)
    with pytest.raises(ValueError, match="latent_dim must be even"):
        AAE(prior="swiss_roll", latent_dim=3, **SMALL)
    with pytest.raises(ValueError, match="'gaussian' prior has none"):
        AAE(prior="gaussian", num_classes=10, **SMALL)
    with pytest.raises(ValueError, match="num_classes=4, but the mixture prior has 10"):
        AAE(prior="mixture", latent_dim=2, num_classes=4, **SMALL)
    model = AAE(prior="mixture", latent_dim=2, **SMALL)
    with pytest.raises(ValueError, match=r"labels must be 2 integers in \[0, 10\)"):
        model.generate(2, labels=[0, 10])
    with pytest.raises(ValueError, match="no components"):
        AAE(latent_dim=2, **SMALL).generate(2, labels=[0, 1])
    with pytest.raises(ValueError, match=r"encode takes a batch of shape \(n,\) \+ \(8, 8, 1\)"):
        model.encode(np.zeros((2, 28, 28, 1)))


def test_the_supervised_variant_refuses_data_without_labels_before_training():
    model = AAE(prior="mixture", latent_dim=2, num_classes=10, **SMALL)
    model.compile()
    before = to_numpy(model.weights)
    with pytest.raises(ValueError, match="labels"):
        model.fit(_images(16), batch_size=8, epochs=1, verbose=0)
    for x, y in zip(before, to_numpy(model.weights)):
        np.testing.assert_array_equal(x, y)


# ------------------------------------------------------------------- phases
def _one_phase(model_cls, phase_name, **config):
    """A model of `model_cls` whose step runs only the phase `phase_name`."""

    class OnePhase(model_cls):
        def phases(self):
            return [p for p in super().phases() if p.name == phase_name]

        def default_optimizers(self):
            keys = {p.optimizer for p in self.phases()}
            return {k: v for k, v in super().default_optimizers().items() if k in keys}

    model = OnePhase(**config)
    model.compile()
    return model


def _changes(model, fit):
    """`{network: (trainable weights changed, moving statistics changed)}` after `fit`."""
    before = {n: (to_numpy(net.trainable_weights), to_numpy(net.non_trainable_weights))
              for n, net in model.networks.items()}
    fit(model)
    changed = {}
    for name, net in model.networks.items():
        after = (to_numpy(net.trainable_weights), to_numpy(net.non_trainable_weights))
        changed[name] = tuple(
            any(not np.allclose(x, y) for x, y in zip(old, new))
            for old, new in zip(before[name], after))
    return changed


AAE_PHASES = {
    # phase: networks whose weights change, networks whose statistics change
    "reconstruction": ({"encoder", "decoder"}, {"encoder"}),
    "latent_discriminator": ({"discriminator"}, set()),
    "regularization": ({"encoder"}, {"encoder"}),
}


@pytest.mark.parametrize("phase", list(AAE_PHASES))
def test_each_phase_trains_its_networks_and_moves_only_their_statistics(phase):
    config = dict(SMALL, prior="mixture", latent_dim=2, num_classes=10, batch_norm=True)
    model = _one_phase(AAE, phase, **config)
    labels = np.arange(32) % 10
    changed = _changes(model, lambda m: m.fit(_images(32), labels, batch_size=16, epochs=1,
                                              verbose=0, shuffle=False))
    trained, with_statistics = AAE_PHASES[phase]
    assert {n for n, (w, _) in changed.items() if w} == trained
    assert {n for n, (_, s) in changed.items() if s} == with_statistics


SS_PHASES = {
    "reconstruction": ({"encoder", "decoder"}, {"encoder"}),
    "style_discriminator": ({"style_discriminator"}, set()),
    "category_discriminator": ({"category_discriminator"}, set()),
    "regularization": ({"encoder"}, {"encoder"}),
    "classification": ({"encoder"}, {"encoder"}),
}


def _ss_arrays(n=32, seed=0):
    images = _images(n, seed)
    labels = np.arange(n) % 3
    labelled = SemiSupervisedAAE.labelled_subset(labels, per_class=2, seed=seed)
    return SemiSupervisedAAE.training_arrays(images, labels, labelled, seed=seed)


@pytest.mark.parametrize("phase", list(SS_PHASES))
def test_each_semi_supervised_phase_trains_its_networks_only(phase):
    model = _one_phase(SemiSupervisedAAE, phase, **SS_SMALL)
    arrays = _ss_arrays()
    changed = _changes(model, lambda m: m.fit(arrays, batch_size=16, epochs=1, verbose=0))
    trained, with_statistics = SS_PHASES[phase]
    assert {n for n, (w, _) in changed.items() if w} == trained
    assert {n for n, (_, s) in changed.items() if s} == with_statistics
    if phase == "classification":  # the style head does not shape q(y|x)
        head = to_numpy(model.encoder.get_layer("code").weights)
        model.fit(arrays, batch_size=16, epochs=1, verbose=0)
        for x, y in zip(head, to_numpy(model.encoder.get_layer("code").weights)):
            np.testing.assert_array_equal(x, y)


def test_semi_supervised_fit_counts_every_optimizer():
    model = SemiSupervisedAAE(**SS_SMALL)
    model.compile()
    model.fit(_ss_arrays(48), batch_size=16, epochs=1, verbose=0)
    counts = {k: int(model.optimizer.get(k).iterations) for k in model.optimizer.optimizer_keys}
    assert counts == {"ae": 3, "d_style": 3, "d_category": 3, "g": 3, "c": 3}


# ------------------------------------------------------- supervised steering
def test_labels_steer_the_prior_samples_the_discriminator_sees_and_generate_draws():
    model = AAE(prior="mixture", latent_dim=2, num_classes=10, **SMALL)
    means = model.prior.means()
    labels = np.arange(200) % 10
    codes = model.latents_for(200, seed=0, labels=labels)
    nearest = np.argmin(((codes[:, None] - means[None]) ** 2).sum(-1), axis=1)
    assert np.mean(nearest == labels) > 0.97
    # In the step the real codes are drawn from the labels' components.
    model.seed_generator = keras.random.SeedGenerator(1)
    real = keras.ops.convert_to_numpy(model.prior.sample_tensor(
        200, 2, model.seed_generator, keras.ops.convert_to_tensor(labels.astype("int32"))))
    nearest = np.argmin(((real[:, None] - means[None]) ** 2).sum(-1), axis=1)
    assert np.mean(nearest == labels) > 0.97
    samples = model.generate(4, seed=0, labels=[0, 1, 2, 3])
    np.testing.assert_allclose(samples, model.decode(model.latents_for(4, 0, [0, 1, 2, 3])),
                               atol=1e-6)


@pytest.mark.parametrize("prior", ["mixture", "swiss_roll"])
def test_labels_given_with_latents_move_them_to_their_component(prior):
    # Sample grids, metrics and latent walks draw latents first, then pass labels.
    model = AAE(prior=prior, latent_dim=4, num_classes=10, **SMALL)
    labels = np.arange(300) % 10
    latents = model.latents_for(300, seed=0)
    moved = model.prior.move_to_components(latents, labels)
    for pair in (moved[:, :2], moved[:, 2:]):
        np.testing.assert_array_equal(model.prior.component_of(pair[:, 0], pair[:, 1]), labels)
    own = model.latents_for(300, seed=0, labels=labels)  # already in place: unchanged
    np.testing.assert_array_equal(model.prior.move_to_components(own, labels), own)
    np.testing.assert_allclose(model.generate_from_latents(latents, labels=labels),
                               model.decode(moved), atol=1e-6)
    ss = SemiSupervisedAAE(**SS_SMALL)
    codes = ss.latents_for(3, seed=0)
    np.testing.assert_allclose(ss.generate_from_latents(codes, labels=[2, 0, 1]),
                               ss.decode(np.concatenate([np.eye(3)[[2, 0, 1]], codes[:, 3:]], 1)),
                               atol=1e-6)


def test_unsupervised_models_ignore_labels_in_the_data():
    model = AAE(prior="mixture", latent_dim=2, **SMALL)
    model.compile()
    model.fit(_images(16), np.zeros(16, "int32"), batch_size=8, epochs=1, verbose=0)
    assert model.data_spec()[1].required is False


# ---------------------------------------------------------- encode / decode
def test_encode_decode_generate_shapes_and_reconstruction_learns():
    model = AAE(latent_dim=4, **SMALL)
    model.compile()
    images = _images(64)
    error = lambda: float(np.mean((model.reconstruct(images) - images) ** 2))  # noqa: E731
    first = error()
    model.fit(images, batch_size=16, epochs=8, verbose=0)
    assert model.encode(images).shape == (64, 4)
    assert model.decode(np.zeros((3, 4))).shape == (3, 8, 8, 1)
    np.testing.assert_allclose(model.generate(5, seed=2), model.generate(5, seed=2))
    assert error() < first


# ------------------------------------------------------------ semi-supervised
def test_labelled_subset_is_balanced_and_only_its_labels_reach_the_model():
    labels = np.repeat(np.arange(4), 50)
    chosen = SemiSupervisedAAE.labelled_subset(labels, per_class=3, seed=1)
    assert np.bincount(labels[chosen]).tolist() == [3, 3, 3, 3]
    hidden = np.full_like(labels, -1)  # every label the model must not see
    hidden[chosen] = labels[chosen]
    images = np.arange(200, dtype="float32").reshape(200, 1, 1, 1)
    x, labelled_x, y = SemiSupervisedAAE.training_arrays(images, hidden, chosen, seed=0)
    assert len(x) == len(labelled_x) == len(y) == 200 and np.all(y >= 0)
    assert set(labelled_x.reshape(-1).astype(int)) == set(chosen)
    np.testing.assert_array_equal(y, labels[labelled_x.reshape(-1).astype(int)])
    with pytest.raises(ValueError, match="Class 0 has 50 examples; 60"):
        SemiSupervisedAAE.labelled_subset(labels, per_class=60)


def test_semi_supervised_classifier_learns_from_few_labels():
    rng = np.random.default_rng(0)
    labels = np.arange(240) % 3
    # Class k: a bright band of columns 2k, 2k+1 on a dark image, with noise.
    images = np.full((240, 8, 8, 1), -0.8) + rng.normal(0, 0.1, (240, 8, 8, 1))
    for k in range(3):
        images[labels == k, :, 2 * k : 2 * k + 2] += 1.6
    images = np.clip(images, -1, 1).astype("float32")
    labelled = SemiSupervisedAAE.labelled_subset(labels, per_class=2, seed=0)
    # Without batch norm (a few dozen steps leave its moving averages far behind),
    # 64 units (16 die or saturate between the five phases).
    model = SemiSupervisedAAE(**dict(SS_SMALL, batch_norm=False, hidden_units=(64,)))
    model.compile()
    model.fit(SemiSupervisedAAE.training_arrays(images, labels, labelled), batch_size=24,
              epochs=8, verbose=0)
    # The six labelled images are learnt, and the others with them.
    np.testing.assert_array_equal(model.classify(images[labelled]), labels[labelled])
    assert np.mean(model.classify(images) == labels) > 0.9
    assert model.encode(images[:4]).shape == (4, 5)
    assert model.generate(3, seed=0, labels=[0, 1, 2]).shape == (3, 8, 8, 1)


def test_semi_supervised_config_round_trip():
    model = SemiSupervisedAAE(**SS_SMALL)
    clone = SemiSupervisedAAE.from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.encode(_images(4)), model.encode(_images(4)), atol=1e-6)


SAVE_SS = """
import sys, numpy as np
from kerasgan.models.adversarial_autoencoder import SemiSupervisedAAE
config = dict(data_shape=(8, 8, 1), hidden_units=(16,), d_hidden_units=(16,), seed=11,
              num_classes=3, latent_dim=2, batch_norm=True)
model = SemiSupervisedAAE(**config)
model.save_weights(sys.argv[1] + "/ss.weights.h5")
x = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
np.save(sys.argv[1] + "/ss.npy", np.concatenate(
    [model.encode(x).reshape(4, -1), model.generate(4, seed=0).reshape(4, -1)], 1))
"""


@pytest.mark.slow  # two subprocesses; the registered AAE's networks are checked by the contract
def test_semi_supervised_weights_saved_on_the_other_backends_give_the_same_outputs(tmp_path):
    for backend in other_backends():
        subprocess.run([sys.executable, "-c", SAVE_SS, str(tmp_path)], check=True,
                       env=subprocess_env(backend), capture_output=True)
        model = SemiSupervisedAAE(**dict(SS_SMALL, seed=11))
        model.load_weights(tmp_path / "ss.weights.h5")
        x = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
        mine = np.concatenate([model.encode(x).reshape(4, -1),
                               model.generate(4, seed=0).reshape(4, -1)], 1)
        np.testing.assert_allclose(mine, np.load(tmp_path / "ss.npy"), atol=1e-5,
                                   err_msg=f"saved on {backend}")


@pytest.mark.slow  # a whole run folder: data, callbacks, preset
def test_training_builds_compiles_and_records_the_autoencoder(tmp_path):
    from kerasgan import training

    model, _ = training.train_variant(
        "adversarial_autoencoder", "mnist-5k", tmp_path, epochs=1, steps_per_epoch=2,
        batch_size=8, latent_dim=2, ema_decay=None, verbose=0,
        options={"prior": "mixture", "num_classes": 10, "hidden_units": (8,),
                 "d_hidden_units": (8,)})
    assert isinstance(model, AAE) and model.num_classes == 10
    assert set(model.optimizer.optimizer_keys) == {"ae", "d", "g"}
    loaded = kerasgan.zoo.load(str(tmp_path / "preset"))
    np.testing.assert_allclose(loaded.generate(3, seed=0), model.generate(3, seed=0),
                               atol=1e-6)


def test_the_zoo_entry_gives_its_reference_images_and_draws_the_requested_class():
    # The reference was computed on the backend that trained the entry (TensorFlow).
    gan = kerasgan.zoo.load("aae_fashion_mnist")
    metadata = kerasgan.zoo.info("aae_fashion_mnist")
    np.testing.assert_allclose(kerasgan.zoo.reference_slice(gan),
                               metadata["reference"]["values"], atol=1e-4)
    assert metadata["dirty"] is False and "metrics.json" in metadata["files"]
    # Labels steer the mixture component, and so the class (chance is 0.1).
    accuracy = kerasgan.metrics.class_accuracy(gan, "fashion-mnist", num_samples=500)
    assert accuracy.value >= 0.6, accuracy
