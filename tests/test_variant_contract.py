"""The standard contract (kerasgan/testing/harness.py), for every registered variant."""

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import other_backends, subprocess_env, to_numpy
from kerasgan import zoo
from kerasgan.models import registry
from kerasgan.testing import harness

NAMES = list(registry.names())
STEPS = 3


def _kernels(network):
    return [v for v in network.trainable_variables if v.path.endswith("kernel")]


@pytest.mark.parametrize("name", NAMES)
def test_fit_trains_each_phase_network_and_counts_every_optimizer(name):
    model = harness.tiny_model(name)
    trained = {n for phase in model.phases() for n in phase.networks}
    before = {n: to_numpy(_kernels(model.network(n))) for n in model.network_names}
    harness.fit_steps(model, STEPS)
    for network in model.network_names:
        after = to_numpy(_kernels(model.network(network)))
        changed = [not np.allclose(x, y) for x, y in zip(before[network], after)]
        if network not in trained:
            assert not any(changed), network
        elif name == "wgan" and network == "discriminator":
            assert any(changed)  # clipping pins most of the critic's weights at ±c
        else:
            assert changed and all(changed), (network, changed)
    # On JAX only model.optimizer.variables survive fit(): each optimizer's count
    # shows its state was carried, step after step.
    actual = {k: int(model.optimizer.get(k).iterations) for k in model.optimizer.optimizer_keys}
    assert actual == harness.expected_iterations(model, STEPS)
    assert int(model.optimizer.iterations) == STEPS


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip_gives_the_same_model(name):
    model = harness.tiny_model(name, compiled=False)
    clone = type(model).from_config(model.get_config())
    assert clone.get_config() == model.get_config()
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(harness.sample(clone), harness.sample(model), atol=1e-6)


SAVE_ALL = """
import json, sys, numpy as np
from kerasgan.testing import harness
from kerasgan.models import registry
out = sys.argv[1]
for name in registry.names():
    model = harness.tiny_model(name, seed=11, compiled=False)
    model.save_weights(f"{out}/{name}.weights.h5")
    np.save(f"{out}/{name}.npy", harness.sample(model))
"""


@pytest.fixture(scope="module")
def saved_elsewhere(tmp_path_factory):
    folders = {}
    for backend in other_backends():
        folder = tmp_path_factory.mktemp(backend)
        subprocess.run([sys.executable, "-c", SAVE_ALL, str(folder)],
                       env=subprocess_env(backend), check=True, capture_output=True)
        folders[backend] = folder
    return folders


@pytest.mark.parametrize("name", NAMES)
def test_weights_saved_on_the_other_backends_give_the_same_samples(name, saved_elsewhere):
    for backend, folder in saved_elsewhere.items():
        model = harness.tiny_model(name, seed=11, compiled=False)
        model.load_weights(folder / f"{name}.weights.h5")
        expected = np.load(folder / f"{name}.npy")
        np.testing.assert_allclose(harness.sample(model), expected, atol=1e-5,
                                   err_msg=f"saved on {backend}")


@pytest.mark.parametrize("name", NAMES)
def test_preset_round_trip(name, tmp_path):
    model = harness.tiny_model(name, compiled=False)
    model.save_to_preset(tmp_path / name, metadata={"dataset": "random"})
    loaded = zoo.load(str(tmp_path / name))
    assert type(loaded) is type(model)
    np.testing.assert_allclose(harness.sample(loaded), harness.sample(model), atol=1e-6)
    config = json.loads((tmp_path / name / "config.json").read_text())
    assert config["class_name"] == type(model).__name__
