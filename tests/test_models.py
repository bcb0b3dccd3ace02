"""The variants' architectures and configuration."""

import keras
import numpy as np
import pytest

import kerasgan


def _layer_summary(model):
    summary = []
    for layer in model.layers[1:]:
        config = layer.get_config()
        entry = [type(layer).__name__]
        for key in ("units", "filters", "kernel_size", "strides", "use_bias", "rate"):
            if key in config:
                entry.append(config[key])
        if "activation" in config and config["activation"] != "linear":
            entry.append(config["activation"])
        if type(layer).__name__ == "LeakyReLU":
            entry.append(round(config["negative_slope"], 2))
        summary.append(tuple(entry))
    return summary


def test_default_dcgan_is_the_reference_net():
    # G's LeakyReLU uses Keras's default slope 0.3 as in the TensorFlow DCGAN
    # tutorial this reference net comes from; D's is 0.2 as in Radford et al.
    gan = kerasgan.models.DCGAN(latent_dim=100, data_shape=(28, 28, 1))
    assert _layer_summary(gan.generator) == [
        ("Dense", 7 * 7 * 256, False),
        ("BatchNormalization",),
        ("LeakyReLU", 0.3),
        ("Reshape",),
        ("Conv2DTranspose", 128, (5, 5), (1, 1), False),
        ("BatchNormalization",),
        ("LeakyReLU", 0.3),
        ("Conv2DTranspose", 64, (5, 5), (2, 2), False),
        ("BatchNormalization",),
        ("LeakyReLU", 0.3),
        ("Conv2DTranspose", 1, (5, 5), (2, 2), True, "tanh"),
    ]
    assert _layer_summary(gan.discriminator) == [
        ("Conv2D", 64, (5, 5), (2, 2), True),
        ("LeakyReLU", 0.2),
        ("Dropout", 0.3),
        ("Conv2D", 128, (5, 5), (2, 2), True),
        ("LeakyReLU", 0.2),
        ("Dropout", 0.3),
        ("Flatten",),
        ("Dense", 1, True),
    ]


@pytest.mark.parametrize(
    "data_shape", [(28, 28, 1), (32, 32, 1), (32, 32, 3), (64, 64, 1), (64, 64, 3)]
)
def test_dcgan_shapes(data_shape):
    gan = kerasgan.models.DCGAN(
        latent_dim=16, data_shape=data_shape, g_filters=4, d_filters=4
    )
    images = gan.generate(2, seed=0)
    assert images.shape == (2,) + data_shape
    logits = gan.discriminator(images)
    assert tuple(logits.shape) == (2, 1)
    assert not any(
        isinstance(layer, keras.layers.MaxPooling2D) for layer in gan.discriminator.layers
    )


def test_dcgan_refuses_sizes_it_cannot_build():
    with pytest.raises(ValueError, match=r"s·2\^k.*image_shape=\(30, 30, 1\)"):
        kerasgan.models.DCGAN(image_shape=(30, 30, 1))


def test_vanilla_gan_on_vectors_and_images():
    toy = kerasgan.models.VanillaGAN(
        latent_dim=4, data_shape=(2,), hidden_units=(8,), output_activation="linear"
    )
    assert toy.generate(3, seed=0).shape == (3, 2)
    images = kerasgan.models.VanillaGAN(
        latent_dim=4, data_shape=(28, 28, 1), hidden_units=(8, 16)
    )
    out = images.generate(3, seed=0)
    assert out.shape == (3, 28, 28, 1) and np.abs(out).max() <= 1


@pytest.mark.parametrize("cls", [kerasgan.models.DCGAN, kerasgan.models.VanillaGAN])
def test_variant_config_round_trip(cls):
    gan = cls(latent_dim=12, seed=3, n_critic=2)
    clone = cls.from_config(gan.get_config())
    assert clone.get_config() == gan.get_config()
    assert clone.count_params() == gan.count_params()
