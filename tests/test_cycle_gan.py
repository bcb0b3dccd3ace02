"""CycleGAN: its losses, history pool, networks, schedule and translation; the standard
contract runs too (tests/test_variant_contract.py)."""

import keras
import numpy as np
import pytest
from keras import ops

import kerasgan
from conftest import random_images
from kerasgan.engine.schedules import HoldThenLinearDecay
from kerasgan.layers import ImagePool

SHAPE = (16, 16, 1)
TINY = dict(data_shape=SHAPE, g_filters=4, d_filters=4, residual_blocks=1, seed=5)


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def _float(x):
    return float(_numpy(x))


def _domains(n=4, shape=SHAPE, seed=0):
    return random_images(n, shape, seed), random_images(n, shape, seed + 1)


@pytest.fixture(scope="module")
def model():
    return kerasgan.models.CycleGAN(pool_size=0, **TINY)


# ------------------------------------------------------------------------- losses
def test_losses_match_their_closed_form_on_fixed_inputs(model):
    a, b = _domains()
    g_ab = lambda x: _numpy(model.g_ab(x, training=True))  # noqa: E731
    g_ba = lambda x: _numpy(model.g_ba(x, training=True))  # noqa: E731
    fake_b, fake_a = g_ab(a), g_ba(b)
    cycle = np.mean(np.abs(g_ba(fake_b) - a)) + np.mean(np.abs(g_ab(fake_a) - b))
    identity = np.mean(np.abs(g_ab(b) - b)) + np.mean(np.abs(g_ba(a) - a))
    adversarial = (np.mean((_numpy(model.d_b(fake_b)) - 1) ** 2)
                   + np.mean((_numpy(model.d_a(fake_a)) - 1) ** 2))
    loss, logs = model.generator_loss(a, b)
    np.testing.assert_allclose(_float(logs["cycle_loss"]), cycle, rtol=1e-4)
    np.testing.assert_allclose(_float(logs["identity_loss"]), identity, rtol=1e-4)
    np.testing.assert_allclose(_float(logs["g_adversarial"]), adversarial, rtol=1e-4)
    # λ = 10 for the cycle, 0.5 λ = 5 for identity (the reference code's defaults).
    expected = adversarial + 10 * cycle + 5 * identity
    np.testing.assert_allclose(_float(loss), expected, rtol=1e-4)
    # Without a pool D sees the latest fakes: 0.5·(mean((D(real)-1)²) + mean(D(fake)²)).
    d_loss, _ = model.discriminator_loss("d_a")(a, b)
    expected = 0.5 * (np.mean((_numpy(model.d_a(a)) - 1) ** 2)
                      + np.mean(_numpy(model.d_a(fake_a)) ** 2))
    np.testing.assert_allclose(_float(d_loss), expected, rtol=1e-4)


def test_generators_that_output_zero_give_the_losses_of_the_inputs_alone():
    """G ≡ 0 and D ≡ 0 (all weights zero): cycle = identity = |a|₁ + |b|₁, G's
    adversarial term 1 + 1, D's loss 0.5·(1 + 0)."""
    zeroed = kerasgan.models.CycleGAN(pool_size=0, **TINY)
    zeroed.set_weights([np.zeros(w.shape, w.dtype) for w in zeroed.get_weights()])
    a, b = _domains()
    inputs_l1 = np.mean(np.abs(a)) + np.mean(np.abs(b))
    loss, logs = zeroed.generator_loss(a, b)
    np.testing.assert_allclose(_float(logs["cycle_loss"]), inputs_l1, rtol=1e-5)
    np.testing.assert_allclose(_float(logs["identity_loss"]), inputs_l1, rtol=1e-5)
    np.testing.assert_allclose(_float(loss), 2.0 + 15.0 * inputs_l1, rtol=1e-5)
    for critic in ("d_a", "d_b"):
        d_loss, _ = zeroed.discriminator_loss(critic)(a, b)
        np.testing.assert_allclose(_float(d_loss), 0.5)


def test_identity_loss_needs_domains_with_the_same_channels():
    rgb = kerasgan.models.CycleGAN(domain_b_shape=(16, 16, 3), pool_size=0, **TINY)
    assert not rgb.uses_identity_loss
    a, b = random_images(2, SHAPE), random_images(2, (16, 16, 3))
    loss, logs = rgb.generator_loss(a, b)
    assert _float(logs["identity_loss"]) == 0.0
    expected = _float(logs["g_adversarial"]) + 10 * _float(logs["cycle_loss"])
    np.testing.assert_allclose(_float(loss), expected, rtol=1e-5)
    assert rgb.translate(a).shape == (2, 16, 16, 3)
    assert rgb.translate(b, direction="b_to_a").shape == (2, 16, 16, 1)
    off = kerasgan.models.CycleGAN(identity_weight=0.0, pool_size=0, **TINY)
    assert not off.uses_identity_loss


# ------------------------------------------------------------------- image pool
def _sequential_pool(pool, count, size, images, draws, slots):
    """The reference code's ImagePool.query, image by image."""
    pool, returned = list(pool), []
    for image, draw, slot in zip(images, draws, slots):
        if count < size:
            pool[count], count = image, count + 1
            returned.append(image)
        elif draw > 0.5:
            returned.append(pool[slot])
            pool[slot] = image
        else:
            returned.append(image)
    return np.array(returned), np.array(pool), count


def test_the_pool_answers_as_the_reference_loop_image_by_image():
    rng = np.random.default_rng(0)
    pool = ImagePool(5, (2, 2, 1))
    state, count = np.zeros((5, 2, 2, 1)), 0
    for _ in range(6):
        images = rng.uniform(-1, 1, (4, 2, 2, 1)).astype("float32")
        draws = rng.uniform(size=4).astype("float32")
        slots = rng.integers(0, 5, 4).astype("int32")
        slots[1] = slots[0]  # two images of a batch on one slot
        returned, new_state, new_count = pool.swap(images, draws, slots)
        expected = _sequential_pool(state, count, 5, images, draws, slots)
        np.testing.assert_allclose(_numpy(returned), expected[0])
        np.testing.assert_allclose(_numpy(new_state), expected[1])
        assert int(_numpy(new_count)) == expected[2]
        pool.images.assign(new_state)
        pool.count.assign(new_count)
        state, count = expected[1], expected[2]


def _source_index(image, candidates):
    distances = np.abs(candidates - image[None]).reshape(len(candidates), -1).max(axis=1)
    assert distances.min() < 1e-5, "a pooled image is no generated image"
    return int(distances.argmin())


def _first_kernel(model, network):
    return _numpy(model.network(network).trainable_variables[0])


def test_the_pool_keeps_past_fakes_through_fit():
    """Generators frozen (rate 0), so every fake of every step is g(x) of a training
    image: after fit the pools hold 6 of them, some from steps after the pool filled,
    and a query returns stored ones. On JAX this holds only if the pool variables
    are carried through the jitted step."""
    steps, batch, size = 4, 4, 6
    cyc = kerasgan.models.CycleGAN(pool_size=size, **TINY)
    cyc.compile(optimizers={"g": keras.optimizers.Adam(0.0)})
    a, b = _domains(steps * batch)
    before = {name: _first_kernel(cyc, name) for name in cyc.networks}
    cyc.fit((a, b), batch_size=batch, epochs=1, verbose=0, shuffle=False)
    # Each discriminator phase trains its network; the generators' rate is 0.
    for name, kernel in before.items():
        changed = not np.allclose(_first_kernel(cyc, name), kernel)
        assert changed == name.startswith("d_"), name
    assert {k: int(cyc.optimizer.get(k).iterations) for k in ("g", "d_a", "d_b")} == {
        "g": steps, "d_a": steps, "d_b": steps}
    for pool, fakes in ((cyc.fake_a_pool, cyc.translate(b, "b_to_a")),
                        (cyc.fake_b_pool, cyc.translate(a))):
        assert int(_numpy(pool.count)) == size
        sources = [_source_index(image, fakes) for image in _numpy(pool.images)]
        assert len(set(sources)) == size
        # The first 6 fakes filled it; later ones replaced some (P(none) = 2⁻¹⁰).
        assert max(sources) >= size
        stored = _numpy(pool.images)
        new = random_images(16, SHAPE, seed=9)
        returned = _numpy(pool.query(new, cyc.seed_generator))
        from_pool = [i for i in range(16) if not np.allclose(returned[i], new[i])]
        assert from_pool  # P(none) = 2⁻¹⁶
        for i in from_pool:
            _source_index(returned[i], np.concatenate([stored, new]))


def test_pool_size_zero_bypasses_the_pool():
    cyc = kerasgan.models.CycleGAN(pool_size=0, **TINY)
    assert cyc.fake_a_pool is None and cyc.fake_b_pool is None
    assert not [v for v in cyc.non_trainable_variables if "pool" in v.path]
    cyc.compile()
    a, b = _domains(8)
    before = _numpy(cyc.d_a.trainable_variables[0])
    cyc.fit((a, b), batch_size=4, epochs=1, verbose=0)
    assert not np.allclose(_numpy(cyc.d_a.trainable_variables[0]), before)
    assert cyc.get_config()["pool_size"] == 0


# ---------------------------------------------------------------------- networks
@pytest.mark.parametrize("side, blocks", [(28, 6), (32, 6), (64, 6), (256, 9)])
def test_resnet_generator_shapes_follow_the_image_size(side, blocks):
    g = kerasgan.models.ResNetGenerator((side, side, 1), output_channels=3, filters=2)
    assert g.residual_blocks == blocks  # the paper: 6 up to 128 px, 9 above
    assert g.output_shape == (None, side, side, 3)
    out = _numpy(g(random_images(1, (side, side, 1))))
    assert out.shape == (1, side, side, 3) and np.abs(out).max() <= 1.0
    assert type(g).from_config(g.get_config()).get_config() == g.get_config()


def test_resnet_generator_refuses_sizes_it_cannot_keep():
    with pytest.raises(ValueError, match="multiples of 4"):
        kerasgan.models.ResNetGenerator((30, 30, 1))
    with pytest.raises(ValueError, match="at least 8"):
        kerasgan.models.ResNetGenerator((4, 4, 1))
    with pytest.raises(ValueError, match="residual_blocks"):
        kerasgan.models.ResNetGenerator((16, 16, 1), residual_blocks=-1)


def test_bad_inputs_are_refused_clearly(model):
    with pytest.raises(ValueError, match="same height and width"):
        kerasgan.models.CycleGAN(data_shape=(32, 32, 1), domain_b_shape=(16, 16, 1))
    with pytest.raises(ValueError, match="pool_size"):
        kerasgan.models.CycleGAN(pool_size=-1, **{**TINY, "seed": None})
    with pytest.raises(ValueError, match="a_to_b"):
        model.translate(random_images(2, SHAPE), direction="sideways")
    with pytest.raises(ValueError, match=r"shape \(16, 16, 1\)"):
        model.translate(random_images(2, (32, 32, 1)))
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        model.translate(random_images(2, SHAPE) * 255, direction="b_to_a")
    assert model.translate(random_images(1, SHAPE)[0], direction="b_to_a").shape == SHAPE


def test_translation_runs_the_generator_of_its_direction(model):
    x = random_images(3, SHAPE)
    np.testing.assert_allclose(model.translate(x), _numpy(model.g_ab(x)), atol=1e-6)
    back = model.translate(x, "b_to_a")
    np.testing.assert_allclose(back, _numpy(model.g_ba(x)), atol=1e-6)


# ---------------------------------------------------------------------- schedule
def test_hold_then_linear_decay_values_and_round_trip():
    schedule = HoldThenLinearDecay(2e-4, hold_steps=100, decay_steps=50)
    values = [_float(schedule(step)) for step in (0, 100, 125, 150, 1000)]
    np.testing.assert_allclose(values, [2e-4, 2e-4, 1e-4, 0.0, 0.0], atol=1e-10)
    config = keras.saving.serialize_keras_object(schedule)
    clone = keras.saving.deserialize_keras_object(config)
    assert isinstance(clone, HoldThenLinearDecay)
    assert clone.get_config() == schedule.get_config()
    with pytest.raises(ValueError, match="decay_steps"):
        HoldThenLinearDecay(2e-4, 10, 0)


def test_paper_optimizers_decay_in_the_second_half_and_survive_saving(tmp_path):
    optimizers = kerasgan.models.CycleGAN.paper_optimizers(total_steps=200)
    assert sorted(optimizers) == ["d_a", "d_b", "g"]
    schedule = optimizers["g"]._learning_rate  # .learning_rate is its current value
    assert isinstance(schedule, HoldThenLinearDecay)
    assert (schedule.hold_steps, schedule.decay_steps) == (100, 100)
    assert float(optimizers["d_a"].beta_1) == 0.5
    cyc = kerasgan.models.CycleGAN(pool_size=3, **TINY)
    cyc.compile(optimizers=optimizers)
    path = tmp_path / "cycle_gan.keras"
    cyc.save(path)
    loaded = keras.saving.load_model(path)
    for name in ("g", "d_a", "d_b"):
        restored = loaded.optimizer.get(name).get_config()["learning_rate"]
        assert restored["class_name"] == "HoldThenLinearDecay"
        assert restored["config"] == schedule.get_config()
    assert loaded.get_config() == cyc.get_config()
    pooled = _numpy(cyc.fake_a_pool.images)
    np.testing.assert_allclose(_numpy(loaded.fake_a_pool.images), pooled)
