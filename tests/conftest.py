import importlib.util
import os
import pathlib
import sys

import keras
import numpy as np
import pytest

BACKENDS = ("tensorflow", "jax", "torch")


@pytest.fixture(autouse=True)
def _reset_keras_state():
    keras.utils.set_random_seed(1234)
    yield
    keras.config.set_dtype_policy("float32")


@pytest.fixture
def backend_name():
    return keras.backend.backend()


def to_numpy(values):
    return [np.array(keras.ops.convert_to_numpy(v)) for v in values]


def tiny_dcgan(**kwargs):
    import kerasgan

    config = dict(latent_dim=8, data_shape=(28, 28, 1), g_filters=4, d_filters=4, seed=7)
    config.update(kwargs)
    return kerasgan.models.DCGAN(**config)


def adam_pair(g_lr=2e-4, d_lr=2e-4):
    return dict(
        g_optimizer=keras.optimizers.Adam(g_lr, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(d_lr, beta_1=0.5),
    )


def random_images(n=32, shape=(28, 28, 1), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype("float32")


def other_backends():
    return [b for b in BACKENDS if b != keras.backend.backend()]


def subprocess_env(backend):
    env = dict(os.environ, KERAS_BACKEND=backend)
    # The `kerasgan` command sits beside this interpreter, on PATH or not (a venv's
    # python run without activating the venv).
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def require_real_fashion_mnist():
    """Skips, saying why, when real Fashion-MNIST can be had neither from the Debian
    package `dataset-fashion-mnist` nor by a keras.datasets download (no internet)."""
    from kerasgan.data import fashion_mnist

    if fashion_mnist.find_idx_files("train") and fashion_mnist.find_idx_files("test"):
        return
    try:
        fashion_mnist.load_arrays("test")  # a download, cached in ~/.keras/datasets
    except Exception as error:  # no network: URLError, OSError, ... from keras
        pytest.skip(
            "needs real Fashion-MNIST: apt-get install dataset-fashion-mnist, or "
            f"internet access for keras.datasets ({type(error).__name__}: {error})"
        )


def require_fashion_mnist():
    """Skips, naming the reason, when the Debian package is missing; fails on CI."""
    from kerasgan.data import fashion_mnist

    if fashion_mnist.find_idx_files("train") and fashion_mnist.find_idx_files("test"):
        return
    reason = (
        f"Fashion-MNIST IDX files are not in {fashion_mnist.DEBIAN_DIR}: "
        "apt-get install dataset-fashion-mnist"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason + " (CI installs it, so this test must run there)")
    pytest.skip(reason)


def load_script(name):
    """The module of `scripts/<name>.py` (scripts are not a package).

    `scripts/` goes on `sys.path`, as it is for `python scripts/<name>.py`: scripts
    import their siblings (`from train import git`)."""
    folder = pathlib.Path(__file__).resolve().parents[1] / "scripts"
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
    path = folder / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
