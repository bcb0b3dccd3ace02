"""Compiled generation (`kerasgan.engine.inference`): the same outputs as the eager path,
one compiled function per batch shape cached on the model, new weights used at once."""

import keras
import numpy as np
import pytest
from conftest import tiny_dcgan

from kerasgan.engine import inference
from kerasgan.models import registry
from kerasgan.testing import harness


# XLA compiles JAX's whole generator into fused kernels whose float32 rounding differs
# from the op-by-op eager path by a few ulps (BigGAN: up to ~3e-6 on values ~0.7).
TOLERANCE = dict(atol=1e-6, rtol=1e-5 if keras.backend.backend() == "jax" else 0)
# Variants whose loop runs by default (unconditional, labels, an autoencoder's
# decoder, a translator); the others with `pytest -m slow`.
FAST = ("vanilla_gan", "conditional_gan", "adversarial_autoencoder", "cycle_gan")


def _both(draw):
    """`draw()` compiled, then eagerly."""
    compiled = draw()
    with inference.eager_generation():
        eager = draw()
    return compiled, eager


def _cache(model):
    return model.__dict__.get("_compiled_inference", {})


@pytest.mark.parametrize("name", [
    name if name in FAST else pytest.param(name, marks=pytest.mark.slow)
    for name in registry.names()
])
def test_every_variant_generates_as_the_eager_path(name):
    model = harness.tiny_model(name, compiled=False)
    compiled, eager = _both(lambda: harness.sample(model, n=5))
    np.testing.assert_allclose(compiled, eager, **TOLERANCE)
    assert _cache(model), "the compiled path was not taken"


def test_batchnorm_ema_and_batches_as_the_eager_path():
    # DCGAN's generator has BatchNorm (inference mode: moving statistics, set here to
    # random values), an EMA copy, and 7 latents in batches of 3 give two batch shapes.
    model = tiny_dcgan(ema_decay=0.5)
    rng = np.random.default_rng(0)
    for variable in model.ema_generator.variables:
        values = rng.uniform(0.5, 1.5, variable.shape).astype("float32")
        variable.assign(values if "variance" in variable.path else values - 1.0)
    compiled, eager = _both(lambda: model.generate(7, seed=1, batch_size=3))
    np.testing.assert_allclose(compiled, eager, **TOLERANCE)
    assert len(_cache(model)) == 2  # one per batch shape
    model.generate(7, seed=2, batch_size=3)
    assert len(_cache(model)) == 2  # reused, not rebuilt
    raw = keras.ops.convert_to_numpy(model.generator(model.latents_for(7, seed=1)))
    assert not np.allclose(compiled, raw, atol=1e-3), "generate samples from the EMA G"


def test_labels_as_the_eager_path():
    model = harness.tiny_model("conditional_gan", compiled=False)
    labels = np.array([0, 1, 2, 1])
    compiled, eager = _both(lambda: model.generate(4, seed=0, labels=labels))
    np.testing.assert_allclose(compiled, eager, **TOLERANCE)
    other = model.generate(4, seed=0, labels=labels[::-1])
    assert not np.allclose(other, compiled), "labels must reach the compiled generator"


def test_style_gan_truncation_as_the_eager_path():
    model = harness.tiny_model("style_gan", compiled=False)
    model.generator.w_avg.assign(np.full(model.generator.w_avg.shape, 0.3, "float32"))
    for psi, cutoff in [(0.5, 1), (1.0, None)]:
        compiled, eager = _both(lambda: model.generate(3, seed=0, truncation_psi=psi,
                                                        truncation_cutoff=cutoff))
        np.testing.assert_allclose(compiled, eager, **TOLERANCE)
    full, half = model.generate(3, seed=0), model.generate(3, seed=0, truncation_psi=0.5)
    assert not np.allclose(full, half), "ψ is an option of the cached function"


def test_big_gan_truncation_as_the_eager_path():
    model = harness.tiny_model("big_gan", compiled=False)
    labels = np.array([0, 1, 2])
    compiled, eager = _both(lambda: model.generate(3, seed=0, labels=labels, truncation=0.5))
    np.testing.assert_allclose(compiled, eager, **TOLERANCE)


def test_generate_after_load_weights_uses_the_new_weights(tmp_path):
    first, second = tiny_dcgan(seed=1), tiny_dcgan(seed=2)
    before = first.generate(4, seed=0)  # compiles and caches
    path = str(tmp_path / "second.weights.h5")
    second.save_weights(path)
    first.load_weights(path)
    np.testing.assert_allclose(first.generate(4, seed=0), second.generate(4, seed=0),
                               **TOLERANCE)
    assert not np.allclose(before, first.generate(4, seed=0), atol=1e-4)


def test_assigned_weights_are_used_without_recompiling():
    model = tiny_dcgan()
    before = model.generate(2, seed=0)
    compiled_functions = list(_cache(model).values())
    for variable in model.generator.trainable_variables:
        variable.assign(np.asarray(variable.numpy()) * 0.5)
    after = model.generate(2, seed=0)
    assert list(_cache(model).values()) == compiled_functions
    with inference.eager_generation():
        np.testing.assert_allclose(after, model.generate(2, seed=0), **TOLERANCE)
    assert not np.allclose(before, after, atol=1e-4)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="TensorFlow's retracing warning")
def test_generating_several_batch_shapes_logs_no_retracing_warning():
    """One tf.function per batch shape is by design; TensorFlow's "excessive
    retracing" warning about it (seen after `kerasgan train`) is filtered out."""
    import logging

    messages = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    handler = Collect()
    logging.getLogger("tensorflow").addHandler(handler)
    try:
        gan = tiny_dcgan()
        for n in range(1, 8):
            gan.generate(n, seed=0)
    finally:
        logging.getLogger("tensorflow").removeHandler(handler)
    assert len(inference_cache_sizes(gan)) >= 7  # seven shapes, seven functions
    assert not [m for m in messages if "retracing" in m]


def inference_cache_sizes(gan):
    return list(gan.__dict__.get("_compiled_inference", {}))
