"""Anomaly detection (kerasgan.apps.AnomalyDetector): f-AnoGAN and GANomaly on every backend."""

import keras
import numpy as np
import pytest
from keras import ops
from sklearn.metrics import roc_auc_score

from kerasgan.apps import AnomalyDetector
from kerasgan.apps.anomaly import ConvEncoder
from kerasgan.apps.anomaly import FAnoGAN
from kerasgan.apps.anomaly import GANomaly
from kerasgan.models import WGANGP

SHAPE = (16, 16, 1)
TINY = dict(latent_dim=8, filters=4, seed=1, batch_size=32, learning_rate=3e-3)


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _blankish(n, seed):
    """Normal data: nearly black images."""
    return (-1.0 + 0.1 * np.random.default_rng(seed).random((n, *SHAPE))).astype("float32")


def _bright_noise(n, seed):
    return np.random.default_rng(seed).uniform(0.0, 1.0, (n, *SHAPE)).astype("float32")


def _fit_toy(method, **options):
    return AnomalyDetector.fit(_blankish(256, 0), method=method, epochs=8, **TINY, **options)


@pytest.fixture(scope="module")
def fanogan_detector():
    return _fit_toy("f-anogan", n_critic=1)


@pytest.fixture(scope="module")
def ganomaly_detector():
    return _fit_toy("ganomaly")


@pytest.fixture(params=["fanogan", "ganomaly"])
def detector(request):
    return request.getfixturevalue(f"{request.param}_detector")


def test_a_trivially_separable_toy_case_has_auroc_one(detector):
    normal, anomalous = _blankish(40, 1), _bright_noise(40, 2)
    scores = detector.score(np.concatenate([normal, anomalous]))
    assert scores.shape == (80,) and np.all(np.isfinite(scores))
    assert roc_auc_score([0] * 40 + [1] * 40, scores) == 1.0


def test_threshold_at_fpr_gives_that_fpr_on_the_calibration_data(detector):
    calibration = _blankish(40, 3)
    threshold = detector.threshold_at(0.1, calibration)
    assert detector.threshold == threshold
    assert detector.predict(calibration).mean() == pytest.approx(0.1)
    assert detector.predict(_bright_noise(10, 4)).all()
    detector.threshold_at(0.0, calibration)
    assert not detector.predict(calibration).any()


def test_save_and_load_give_the_same_scores_and_threshold(detector, tmp_path):
    detector.threshold_at(0.05, _blankish(20, 5))
    images = np.concatenate([_blankish(8, 6), _bright_noise(8, 7)])
    path = str(tmp_path / "detector.keras")
    detector.save(path)
    loaded = AnomalyDetector.load(path)
    assert loaded.method == detector.method
    assert loaded.threshold == detector.threshold
    np.testing.assert_allclose(loaded.score(images), detector.score(images), rtol=1e-5, atol=1e-6)


def _fanogan():
    gan = WGANGP(latent_dim=8, data_shape=SHAPE, g_filters=4, d_filters=4, seed=3)
    return FAnoGAN(gan.generator, gan.discriminator, ConvEncoder(8, SHAPE, 4), kappa=0.5)


def test_the_encoder_phase_changes_only_the_encoder(fanogan_detector):
    model = fanogan_detector.model  # trained, compiled: one more epoch reuses its step
    before = {name: [_numpy(v) for v in net.variables] for name, net in model.networks.items()}
    iterations = int(model.optimizer.get("encoder").iterations)
    model.fit(_blankish(64, 8), batch_size=32, epochs=1, verbose=0)
    for name, network in model.networks.items():
        moved = [not np.array_equal(b, _numpy(v)) for b, v in zip(before[name], network.variables)]
        assert any(moved) if name == "encoder" else not any(moved), name
    assert int(model.optimizer.get("encoder").iterations) == iterations + 2


def test_fanogan_score_is_pixel_plus_kappa_feature_residual():
    model = _fanogan()
    images = _blankish(4, 9)
    reconstructions = model.generator(model.encoder(images))
    features = keras.Model(model.discriminator.input,
                           model.discriminator.get_layer("features").output)
    pixel = np.mean(np.square(images - _numpy(reconstructions)).reshape(4, -1), axis=1)
    feature = np.mean(np.square(_numpy(features(images)) - _numpy(features(reconstructions))), axis=1)
    np.testing.assert_allclose(model.score(images), pixel + 0.5 * feature, rtol=1e-4)
    loss, logs = model.encoder_loss(ops.convert_to_tensor(images))
    np.testing.assert_allclose(float(_numpy(loss)), np.mean(pixel + 0.5 * feature), rtol=1e-4)


def test_ganomaly_loss_terms_equal_their_closed_form():
    model = GANomaly(latent_dim=8, data_shape=SHAPE, filters=4, seed=2)
    images = ops.convert_to_tensor(_blankish(4, 10))
    # The networks have no dropout and no batch norm in the encoders and D; the
    # decoder's batch norm uses batch statistics with training=True, as in the loss.
    z = _numpy(model.encoder(images, training=True))
    x_hat = model.decoder(ops.convert_to_tensor(z.astype("float32")), training=True)
    z_hat = _numpy(model.reencoder(x_hat, training=True))
    features = keras.Model(model.discriminator.input,
                           model.discriminator.get_layer("features").output)
    adversarial = np.mean(np.square(_numpy(features(images)) - _numpy(features(x_hat))))
    contextual = np.mean(np.abs(_numpy(images) - _numpy(x_hat)))
    latent = np.mean(np.square(z - z_hat))
    loss, logs = model.generator_loss(images)
    for name, expected in (("adversarial", adversarial), ("contextual", contextual),
                           ("latent", latent)):
        np.testing.assert_allclose(float(_numpy(logs[name])), expected, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(float(_numpy(loss)), adversarial + 50 * contextual + latent,
                               rtol=1e-4)
    real, fake = _numpy(model.discriminator(images)), _numpy(model.discriminator(x_hat))
    d_loss, _ = model.discriminator_loss(images)
    expected_d = np.mean(np.logaddexp(0, -real)) + np.mean(np.logaddexp(0, fake))
    np.testing.assert_allclose(float(_numpy(d_loss)), expected_d, rtol=1e-4)
    score = np.mean(np.abs(_numpy(model.encoder(images)) - _numpy(
        model.reencoder(model.decoder(model.encoder(images))))), axis=1)
    np.testing.assert_allclose(model.score(_numpy(images)), score, rtol=1e-4, atol=1e-7)


def test_networks_and_models_rebuild_from_their_config():
    encoder = ConvEncoder(8, SHAPE, 4)
    assert ConvEncoder.from_config(encoder.get_config()).get_config() == encoder.get_config()
    model = GANomaly(latent_dim=8, data_shape=SHAPE, filters=4, threshold=0.5,
                     false_positive_rate=0.1)
    assert GANomaly.from_config(model.get_config()).get_config() == model.get_config()
    fanogan = _fanogan()
    clone = FAnoGAN.from_config(fanogan.get_config())
    assert clone.get_config() == fanogan.get_config()


@pytest.mark.parametrize("data, method, message", [
    (np.zeros((8, 16, 16), "float32"), "ganomaly", "NHWC"),
    (np.zeros((8, 15, 15, 1), "float32"), "ganomaly", "image sides"),
    (np.zeros((8, 16, 16, 1), "uint8"), "ganomaly", "float images"),
    (np.zeros((1, 16, 16, 1), "float32"), "ganomaly", "at least 2"),
    (np.zeros((8, 16, 16, 1), "float32"), "anogan", "method must be one of"),
])
def test_bad_input_is_refused_before_training(data, method, message):
    with pytest.raises(ValueError, match=message):
        AnomalyDetector.fit(data, method=method, epochs=1)


def test_bad_scoring_and_calibration_input_is_refused():
    detector = AnomalyDetector(GANomaly(latent_dim=8, data_shape=SHAPE, filters=4))
    with pytest.raises(ValueError, match="not calibrated"):
        detector.predict(_blankish(4, 0))
    with pytest.raises(ValueError, match="need at least 10"):
        detector.threshold_at(0.05, _blankish(5, 0))
    with pytest.raises(ValueError, match="false_positive_rate"):
        detector.threshold_at(1.5, _blankish(20, 0))
    with pytest.raises(ValueError, match=r"shape \(n, 16, 16, 1\)"):
        detector.score(np.zeros((4, 28, 28, 1), "float32"))
