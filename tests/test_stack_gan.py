"""StackGAN: conditioning augmentation, the matching-aware loss, stages, captions."""

import keras
import numpy as np
import pytest

from conftest import require_fashion_mnist, to_numpy
from keras.ops import convert_to_numpy as numpy_of
from kerasgan.data import captions
from kerasgan.models import StackGAN
from kerasgan.models.stack_gan import stack_gan_presets
from kerasgan.models.stack_gan.caption_encoder import CaptionEncoder
from kerasgan.models.stack_gan.caption_encoder import pretrain_caption_encoder
from kerasgan.models.stack_gan.conditioning_augmentation import kl_divergence
from kerasgan.models.stack_gan.conditioning_augmentation import reparameterize
from kerasgan.models.stack_gan.stack_gan import matching_aware_loss
from kerasgan import losses

CAPTION_SAMPLES = ["a large white sneaker", "a dark bag that is small and low-contrast",
                   "a high-contrast medium ankle boot in grey", "a small grey t-shirt"]


def tiny(**kwargs):
    return StackGAN(**{**stack_gan_presets.TINY, "seed": 1, **kwargs})


def batch(n=16, side=16, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n, side, side, 1)).astype("float32")
    tokens = captions.tokenize([CAPTION_SAMPLES[i % 4] for i in range(n)])
    return images, tokens


def all_weights(network):
    return to_numpy(network.weights)


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


# ----------------------------------------------------- conditioning augmentation
def test_kl_equals_the_closed_form_of_two_gaussians():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(5, 4)).astype("float32")
    logvar = rng.normal(size=(5, 4)).astype("float32")
    sigma = np.exp(0.5 * logvar.astype("float64"))
    # KL(N(μ, σ²) ‖ N(0, 1)) = log(1/σ) + (σ² + μ²)/2 − 1/2, per dimension.
    expected = np.mean(np.sum(-np.log(sigma) + (sigma**2 + mu**2) / 2 - 0.5, axis=1))
    np.testing.assert_allclose(float(kl_divergence(mu, logvar)), expected, rtol=1e-5)
    assert float(kl_divergence(np.zeros((3, 4)), np.zeros((3, 4)))) == 0.0


def test_reparameterized_condition_has_the_mean_and_variance_asked_for():
    noise = np.random.default_rng(1).normal(size=(20000, 2)).astype("float32")
    mu = np.broadcast_to(np.array([[1.5, -2.0]], "float32"), noise.shape)
    logvar = np.broadcast_to(np.log(np.array([[0.25, 4.0]], "float32")), noise.shape)
    tensors = [keras.ops.convert_to_tensor(np.ascontiguousarray(x)) for x in (mu, logvar, noise)]
    c = numpy_of(reparameterize(*tensors))
    np.testing.assert_allclose(c.mean(axis=0), [1.5, -2.0], atol=0.05)
    np.testing.assert_allclose(c.var(axis=0), [0.25, 4.0], rtol=0.05)


def test_generator_loss_adds_the_kl_of_the_stage_conditioning():
    model = tiny(kl_weight=2.0)
    images, tokens = batch(8)
    loss, logs = model.generator_loss(keras.ops.convert_to_tensor(images),
                                      keras.ops.convert_to_tensor(tokens))
    statistics = numpy_of(model.conditioning_1(model.embed(tokens)))
    mu, logvar = np.split(statistics.astype("float64"), 2, axis=1)
    expected = np.mean(0.5 * np.sum(mu**2 + np.exp(logvar) - logvar - 1, axis=1))
    np.testing.assert_allclose(float(numpy_of(logs["kl"])), expected, rtol=1e-4)
    np.testing.assert_allclose(float(numpy_of(loss)),
                               float(numpy_of(logs["g_adversarial"])) + 2.0 * expected,
                               rtol=1e-4)


# ------------------------------------------------------------ matching-aware loss
def test_matching_aware_loss_counts_mismatched_pairs_as_fake():
    real = np.array([[2.0], [0.5], [-1.0]], "float32")
    fake = np.array([[-1.0], [0.0], [3.0]], "float32")
    mismatched = np.array([[1.0], [-2.0], [0.25]], "float32")

    def softplus(x):
        return np.log1p(np.exp(x.astype("float64")))

    # The reference code's d_loss = real + (fake + wrong) / 2, with targets 1, 0, 0.
    expected = softplus(-real).mean() + 0.5 * (softplus(fake).mean() + softplus(mismatched).mean())
    loss = losses.get("non_saturating")
    actual = float(numpy_of(matching_aware_loss(loss, real, fake, mismatched)))
    np.testing.assert_allclose(actual, expected, rtol=1e-6)
    # A D that calls a mismatched pair real pays for it, as for a fake.
    worse = float(numpy_of(matching_aware_loss(loss, real, fake, mismatched + 3.0)))
    assert worse > actual


def test_discriminator_loss_judges_each_image_with_the_next_caption_as_mismatched():
    model = tiny()
    images, tokens = batch(4)
    images, tokens = keras.ops.convert_to_tensor(images), keras.ops.convert_to_tensor(tokens)
    _, logs = model.discriminator_loss(images, tokens)
    embedding = model.embed(tokens)
    real = model.real_view(images)
    rolled = keras.ops.convert_to_tensor(numpy_of(embedding)[[3, 0, 1, 2]])
    # Inference-mode BN in neither call: compare the training-mode logits of both.
    expected = numpy_of(model.discriminator_1([real, rolled], training=True))
    expected = np.mean(1 / (1 + np.exp(-expected)))
    np.testing.assert_allclose(float(numpy_of(logs["d_mismatched"])), expected, rtol=1e-4)


# ------------------------------------------------------------------------ stages
def test_stage_two_trains_its_networks_and_leaves_stage_one_and_the_text_encoder():
    model = tiny()
    model.set_stage(2)
    model.compile(jit_compile=False)  # tiny: tracing costs more than XLA saves
    frozen = ("text_encoder", "conditioning_1", "generator_1", "discriminator_1")
    before = {name: all_weights(model.network(name)) for name in model.network_names}
    images, tokens = batch(16)
    model.fit(images, tokens, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for name in model.network_names:
        unchanged = same(before[name], all_weights(model.network(name)))
        assert unchanged == (name in frozen), name  # BN statistics included
    assert {k: int(model.optimizer.get(k).iterations) for k in ("g", "d")} == {"g": 2, "d": 2}


def test_fit_stages_hands_over_stage_one_trained_weights(tmp_path):
    model = tiny(text_pretrain_epochs=1)
    model.compile(jit_compile=False)
    initial = all_weights(model.generator_1)
    ends = []

    class AtStageEnd(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            ends.append((self.model.stage, all_weights(self.model.generator_1),
                         all_weights(self.model.generator_2)))

    images, tokens = batch(16)
    histories = model.fit_stages((images, tokens), epochs_per_stage=(1, 2), batch_size=8,
                                 verbose=0, callbacks=[AtStageEnd()], shuffle=False)
    assert list(histories) == ["stage_1", "stage_2"]
    (stage_a, g1_after_one, g2_after_one), (stage_b, g1_final, g2_final) = ends
    assert (stage_a, stage_b, model.stage) == (1, 2, 2)
    assert not same(initial, g1_after_one)  # stage I trained
    assert same(g1_after_one, g1_final)  # and kept, statistics included
    assert not same(g2_after_one, g2_final)  # stage II trained
    # Fresh optimizers for stage II; the model's step count goes on.
    assert int(model.optimizer.get("g").iterations) == 4
    assert int(model.optimizer.iterations) == 6


def test_generate_from_text_draws_both_stages_at_their_sizes():
    model = tiny(stage=2)
    low, high = model.generate_from_text(CAPTION_SAMPLES, seed=0, return_stages=True)
    assert low.shape == (4, 8, 8, 1) and high.shape == (4, 16, 16, 1)
    np.testing.assert_array_equal(high, model.generate_from_text(CAPTION_SAMPLES, seed=0))
    np.testing.assert_array_equal(low, model.generate_from_text(CAPTION_SAMPLES, seed=0, stage=1))
    assert model.generate(5, seed=3, labels=[7] * 5).shape == (5, 16, 16, 1)


# ---------------------------------------------------------------------- encoders
def test_a_pluggable_text_encoder_layer_is_used_and_saved(tmp_path):
    layer = keras.Sequential([keras.layers.Embedding(len(captions.VOCABULARY), 6),
                              keras.layers.GlobalAveragePooling1D()])
    model = tiny(text_encoder=layer)
    assert model.conditioning_1.input_shape == (None, 6)  # the layer's embedding
    images, tokens = batch(8)
    model.compile(jit_compile=False)
    model.fit(images, tokens, batch_size=8, epochs=1, verbose=0)
    clone = StackGAN.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.generate(3, seed=0), model.generate(3, seed=0), atol=1e-6)


def test_the_built_in_encoder_learns_to_read_every_caption():
    encoder = CaptionEncoder(embedding_dim=16)
    accuracy = pretrain_caption_encoder(encoder, epochs=30)
    assert set(accuracy) == {"class", "size", "tone", "contrast"}
    assert min(accuracy.values()) == 1.0, accuracy


# ---------------------------------------------------------------------- captions
def test_captions_name_attributes_measured_from_the_pixels():
    images = np.zeros((3, 28, 28), np.uint8)
    images[0, :10, :10] = 255  # 100 px of 784: small; bright: white; flat: low contrast
    images[1, :, :20] = 100  # 560 px: large; half at 0.39,
    images[1, :, :10] = 200  # half at 0.78: mean 0.59 → grey, std 0.20 → high contrast
    images[2, :20, :20] = 160  # 400 px: medium; 0.63: grey
    bins = captions.attributes(images)
    said = captions.read_attributes(captions.tokenize(captions.compose([7, 1, 8], bins)))
    assert captions.compose([7], {k: v[:1] for k, v in bins.items()}) == ["a small white low-contrast sneaker"]
    assert said["size"].tolist() == [0, 2, 1]
    assert said["tone"].tolist() == [2, 1, 1]
    assert said["contrast"].tolist() == [0, 1, 0]
    assert said["class"].tolist() == [7, 1, 8]


def test_tokens_round_trip_and_unknown_words_are_refused():
    every = captions.all_captions()
    assert len(every) == 540 and len(set(every)) == 540
    tokens = captions.tokenize(every)
    assert tokens.shape == (540, captions.MAX_TOKENS) and tokens.dtype == np.int32
    assert captions.detokenize(tokens) == every
    with pytest.raises(ValueError, match=r"outside the caption vocabulary: \['red'\]"):
        captions.tokenize(["a red sneaker"])
    with pytest.raises(ValueError, match="1 to 12"):
        captions.tokenize(["a " * 13])


def test_fashion_mnist_captions_are_deterministic_and_match_their_images():
    require_fashion_mnist()
    first, second = captions.caption_arrays("test"), captions.caption_arrays("test")
    assert first["captions"] == second["captions"]
    np.testing.assert_array_equal(first["tokens"], second["tokens"])
    # Measured again here, image by image, from the 28×28 pixels.
    for i in range(0, 10000, 997):
        pixels = first["images"][i, 2:-2, 2:-2, 0].astype("float64") / 255
        ink = pixels[pixels > 0.1]
        size = ink.size / 784
        words = first["captions"][i].split()
        assert ("small" if size < 0.35 else "medium" if size < 0.55 else "large") in words
        tone = ink.mean()
        assert ("dark" if tone < 0.55 else "grey" if tone < 0.72 else "white") in words
        assert ("low-contrast" if ink.std() < 0.18 else "high-contrast") in words
        assert captions.CLASS_NAMES[first["labels"][i]].split()[-1] in words
    import kerasgan

    images, tokens = next(iter(kerasgan.data.load("fashion-mnist-captions", split="test",
                                                  batch_size=8, shuffle=False)))
    np.testing.assert_array_equal(np.asarray(tokens), first["tokens"][:8])
    np.testing.assert_allclose(np.asarray(images), first["images"][:8] / 127.5 - 1, atol=1e-6)


# --------------------------------------------------------------------- bad input
def test_bad_arguments_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="side 8 × a power of two"):
        StackGAN(data_shape=(28, 28, 1))
    with pytest.raises(TypeError, match="text_encoder must be a Keras model or layer"):
        tiny(text_encoder="bert")
    with pytest.raises(ValueError, match="End it with a pooling"):
        tiny(text_encoder=keras.layers.Embedding(len(captions.VOCABULARY), 4))
    with pytest.raises(ValueError, match="stage must be 1 or 2"):
        tiny(stage=3)
    with pytest.raises(ValueError, match="not both"):
        tiny().fit_stages(batch(8), epochs=2, epochs_per_stage=1)
    with pytest.raises(ValueError, match="outside the caption vocabulary"):
        tiny().generate_from_text(["a purple sneaker"])
    with pytest.raises(ValueError, match=r"labels are the classes"):
        tiny().generate(2, labels=[3, 10])


def test_fit_refuses_token_ids_outside_the_vocabulary_before_training():
    model = tiny()
    model.compile()
    images, tokens = batch(8)
    before = all_weights(model.generator_1)
    with pytest.raises(ValueError, match=r"captions in \[0, 25\)"):
        model.fit(images, tokens + 100, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="captions of shape"):
        model.fit(images, tokens[:, :5], batch_size=8, epochs=1, verbose=0)
    assert same(before, all_weights(model.generator_1))
