"""Saving and loading: .keras files, weights, and across backends."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

import kerasgan
from conftest import (
    adam_pair,
    other_backends,
    random_images,
    subprocess_env,
    tiny_dcgan,
    to_numpy,
)

LOAD_AND_GENERATE = """
import sys, numpy as np, keras, kerasgan
kind, path, out = sys.argv[1:4]
if kind == "keras":
    gan = keras.models.load_model(path)
else:
    gan = kerasgan.models.DCGAN(**__import__("json").loads(sys.argv[4]))
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    gan.load_weights(path)
np.save(out, gan.generate(6, seed=11))
iterations = [int(gan.g_optimizer.iterations), int(gan.d_optimizer.iterations)]
print("ITERATIONS", iterations)
"""

CONFIG = dict(latent_dim=8, data_shape=(28, 28, 1), g_filters=4, d_filters=4, seed=7)


def _moving_statistics(gan):
    return to_numpy(
        [v for v in gan.generator.non_trainable_variables if "moving" in v.path]
    )


@pytest.fixture
def trained_gan():
    gan = tiny_dcgan(**CONFIG)
    gan.compile(**adam_pair(g_lr=1e-4, d_lr=3e-4), loss="hinge")
    gan.fit(random_images(24), batch_size=8, epochs=1, verbose=0)
    return gan


def test_keras_file_round_trip_restores_everything(trained_gan, tmp_path):
    path = tmp_path / "gan.keras"
    trained_gan.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is kerasgan.models.DCGAN
    assert loaded.get_config() == trained_gan.get_config()
    np.testing.assert_allclose(
        loaded.generate(4, seed=1), trained_gan.generate(4, seed=1), atol=1e-6
    )
    for original, restored in [
        (trained_gan.g_optimizer, loaded.g_optimizer),
        (trained_gan.d_optimizer, loaded.d_optimizer),
    ]:
        assert type(restored).__name__ == "Adam"
        assert float(restored.learning_rate) == pytest.approx(
            float(original.learning_rate)
        )
        for a, b in zip(to_numpy(original.variables), to_numpy(restored.variables)):
            np.testing.assert_allclose(a, b, atol=1e-7)
    assert loaded.adversarial_loss.name == "hinge"
    for a, b in zip(_moving_statistics(trained_gan), _moving_statistics(loaded)):
        np.testing.assert_allclose(a, b)
    # A loaded model keeps training where it left off.
    loaded.fit(random_images(8), batch_size=8, epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations) == 4


def test_weights_round_trip(trained_gan, tmp_path):
    path = tmp_path / "gan.weights.h5"
    trained_gan.save_weights(path)
    fresh = tiny_dcgan(**CONFIG)
    fresh.compile(**adam_pair())
    fresh.load_weights(path)
    np.testing.assert_allclose(
        fresh.generate(4, seed=2), trained_gan.generate(4, seed=2), atol=1e-6
    )
    assert int(fresh.d_optimizer.iterations) == 3


def test_config_round_trip_of_base_gan():
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)], name="g")
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)], name="d")
    gan = kerasgan.GAN(generator, discriminator, latent_dim=3, n_critic=2, seed=5)
    clone = kerasgan.GAN.from_config(json.loads(json.dumps(gan.get_config())))
    assert clone.n_critic == 2 and clone.latent_dim == 3 and clone.data_shape == (2,)


@pytest.mark.parametrize("kind", ["keras", "weights"])
def test_saved_on_this_backend_loads_on_the_others(trained_gan, tmp_path, kind):
    path = tmp_path / ("gan.keras" if kind == "keras" else "gan.weights.h5")
    if kind == "keras":
        trained_gan.save(path)
    else:
        trained_gan.save_weights(path)
    expected = trained_gan.generate(6, seed=11)
    for backend in other_backends():
        out = tmp_path / f"{backend}.npy"
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                LOAD_AND_GENERATE,
                kind,
                str(path),
                str(out),
                json.dumps(CONFIG),
            ],
            env=subprocess_env(backend),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{backend}: {result.stderr[-3000:]}"
        assert "ITERATIONS [3, 3]" in result.stdout
        np.testing.assert_allclose(np.load(out), expected, atol=1e-5, err_msg=backend)
