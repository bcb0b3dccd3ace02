"""The network classes: registered, an exact config of their arguments, saved and
loaded with safe_mode, and laid out as the zoo's weight files expect."""

import inspect
import json

import h5py
import keras
import numpy as np
import pytest

import kerasgan
from conftest import random_images, to_numpy
from kerasgan.models import networks
from kerasgan.models.networks import ConvDiscriminator
from kerasgan.models.networks import ConvGenerator
from kerasgan.models.networks import MLPDiscriminator
from kerasgan.models.networks import MLPGenerator
from kerasgan.models.networks import MultiScaleDiscriminator

CLASSES = (
    ConvGenerator,
    MLPGenerator,
    ConvDiscriminator,
    MLPDiscriminator,
    MultiScaleDiscriminator,
)
IMAGE = (16, 16, 1)
NETWORKS = {
    "conv_g": lambda: ConvGenerator(8, IMAGE, filters=4),
    "conv_g_conditional": lambda: ConvGenerator(
        8,
        (16, 16, 3),
        filters=4,
        norm="conditional_batch",
        spectral_norm=True,
        attention=True,
        num_classes=3,
        name="g",
    ),
    "mlp_g": lambda: MLPGenerator(4, (2,), hidden_units=(8, 8)),
    "mlp_g_conditional": lambda: MLPGenerator(
        4,
        (3, 2),
        hidden_units=(8,),
        output_activation="tanh",
        spectral_norm=True,
        num_classes=3,
    ),
    "conv_d": lambda: ConvDiscriminator(
        IMAGE, filters=4, dropout=0.3, minibatch_stddev=True
    ),
    "conv_d_concat": lambda: ConvDiscriminator(IMAGE, filters=4, num_classes=3),
    "conv_d_projection": lambda: ConvDiscriminator(
        IMAGE,
        filters=4,
        spectral_norm=True,
        attention=True,
        num_classes=3,
        conditioning="projection",
    ),
    "conv_d_auxiliary": lambda: ConvDiscriminator(
        IMAGE, filters=4, num_classes=3, conditioning="auxiliary"
    ),
    "mlp_d": lambda: MLPDiscriminator((2,), hidden_units=(8, 4), minibatch_stddev=True),
    "mlp_d_concat": lambda: MLPDiscriminator(
        (2,), hidden_units=(8,), spectral_norm=True, num_classes=3
    ),
    "mlp_d_auxiliary": lambda: MLPDiscriminator(
        (2,), hidden_units=(8,), num_classes=3, conditioning="auxiliary"
    ),
    "multiscale_d": lambda: MultiScaleDiscriminator(
        (32, 32, 1), scales=2, scale_options={"filters": 4, "spectral_norm": True}
    ),
}


def _inputs(network):
    """Random inputs for every input of `network` (labels: integers below 3)."""
    rng = np.random.default_rng(0)
    values = []
    for tensor in network.inputs:
        shape = (4,) + tuple(tensor.shape[1:])
        if "int" in str(tensor.dtype):
            values.append(rng.integers(0, 3, shape).astype("int32"))
        else:
            values.append(rng.uniform(-1, 1, shape).astype("float32"))
    return values if len(values) > 1 else values[0]


def _outputs(network, inputs):
    outputs = network(inputs, training=False)
    return to_numpy(outputs if isinstance(outputs, (list, tuple)) else [outputs])


def _constructor_arguments(cls):
    parameters = inspect.signature(cls.__init__).parameters
    return {name for name in parameters if name not in ("self", "kwargs")}


@pytest.mark.parametrize("key", sorted(NETWORKS))
def test_config_is_exactly_the_arguments_and_rebuilds_the_network(key):
    network = NETWORKS[key]()
    config = network.get_config()
    # Exactly the constructor's arguments, plus `trainable` (a keras.Model argument).
    assert set(config) == _constructor_arguments(type(network)) | {"trainable"}
    # Through JSON, as a saved file holds it.
    clone = type(network).from_config(json.loads(json.dumps(config)))
    assert type(clone) is type(network)
    assert clone.get_config() == config
    assert [w.shape for w in clone.weights] == [w.shape for w in network.weights]
    clone.set_weights(network.get_weights())
    inputs = _inputs(network)
    for expected, actual in zip(_outputs(network, inputs), _outputs(clone, inputs)):
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_network_classes_are_registered(cls):
    name = f"kerasgan>{cls.__name__}"
    assert keras.saving.get_registered_name(cls) == name
    assert keras.saving.get_registered_object(name) is cls


@pytest.mark.parametrize("key", ["conv_g_conditional", "conv_d_projection", "mlp_d"])
def test_a_serialized_network_deserializes_in_safe_mode(key):
    network = NETWORKS[key]()
    serialized = json.loads(json.dumps(keras.saving.serialize_keras_object(network)))
    assert serialized["registered_name"] == f"kerasgan>{type(network).__name__}"
    assert "layers" not in serialized["config"]  # arguments, not a layer list
    restored = keras.saving.deserialize_keras_object(serialized, safe_mode=True)
    assert type(restored) is type(network)
    assert restored.get_config() == network.get_config()


def test_a_gan_holding_network_classes_saves_and_loads_in_safe_mode(tmp_path):
    generator = ConvGenerator(8, (32, 32, 1), filters=4)
    discriminator = MultiScaleDiscriminator(
        (32, 32, 1), scales=2, scale_options={"filters": 4}
    )
    gan = kerasgan.GAN(generator, discriminator, latent_dim=8, seed=1)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3)
    )
    gan.fit(random_images(8, (32, 32, 1)), batch_size=4, epochs=1, verbose=0)
    config = gan.get_config()
    assert config["generator"]["registered_name"] == "kerasgan>ConvGenerator"
    assert (
        config["discriminator"]["registered_name"] == "kerasgan>MultiScaleDiscriminator"
    )
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded.generator) is ConvGenerator
    assert type(loaded.discriminator) is MultiScaleDiscriminator
    assert loaded.generator.get_config() == generator.get_config()
    assert loaded.discriminator.get_config() == discriminator.get_config()
    np.testing.assert_allclose(
        loaded.generate(3, seed=2), gan.generate(3, seed=2), atol=1e-6
    )
    images = random_images(3, (32, 32, 1))
    np.testing.assert_allclose(
        _outputs(loaded.discriminator, images)[0],
        _outputs(discriminator, images)[0],
        atol=1e-6,
    )


@pytest.mark.parametrize(
    "variant, kwargs, classes",
    [
        ("DCGAN", dict(g_filters=4, d_filters=4), (ConvGenerator, ConvDiscriminator)),
        (
            "VanillaGAN",
            dict(data_shape=(2,), hidden_units=(8,), output_activation="linear"),
            (MLPGenerator, MLPDiscriminator),
        ),
        (
            "ACGAN",
            dict(num_classes=3, data_shape=IMAGE, g_filters=4, d_filters=4),
            (ConvGenerator, ConvDiscriminator),
        ),
    ],
)
def test_variants_build_network_classes_and_load_in_safe_mode(
    variant, kwargs, classes, tmp_path
):
    gan = getattr(kerasgan.models, variant)(latent_dim=8, seed=1, **kwargs)
    assert (type(gan.generator), type(gan.discriminator)) == classes
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3)
    )
    path = tmp_path / "gan.keras"
    gan.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert (type(loaded.generator), type(loaded.discriminator)) == classes
    assert loaded.generator.get_config() == gan.generator.get_config()
    assert loaded.discriminator.get_config() == gan.discriminator.get_config()


def test_every_discriminator_names_its_features_layer():
    for key, build in NETWORKS.items():
        if key.endswith("_d") or "_d_" in key:
            network = build()
            if isinstance(network, MultiScaleDiscriminator):
                network = network.get_layer("discriminator_scale0")
            assert network.get_layer("features") is not None, key


def test_builders_pick_the_class_from_the_data_rank():
    assert type(networks.build_generator(8, IMAGE, filters=4)) is ConvGenerator
    assert type(networks.build_generator(8, (2,))) is MLPGenerator
    assert type(networks.build_discriminator(IMAGE, filters=4)) is ConvDiscriminator
    assert type(networks.build_discriminator((2,))) is MLPDiscriminator
    with pytest.raises(ValueError, match="Self-attention"):
        networks.build_generator(8, (2,), attention=True)
    with pytest.raises(ValueError, match="needs num_classes"):
        networks.build_generator(8, (2,), norm="conditional_batch")


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"data_shape must be \(height, width"):
        ConvGenerator(8, (2,))
    with pytest.raises(ValueError, match=r"data_shape must be \(height, width"):
        ConvDiscriminator((4, 4))
    with pytest.raises(ValueError, match="conditioning must be one of"):
        MLPDiscriminator((2,), num_classes=3, conditioning="film")
    with pytest.raises(ValueError, match="num_classes must be at least 2"):
        MLPGenerator(4, (2,), num_classes=1)
    with pytest.raises(ValueError, match="scale_options cannot set"):
        MultiScaleDiscriminator((32, 32, 1), scale_options={"num_classes": 3})


def test_dtype_policy_reaches_the_hidden_layers_and_the_config():
    generator = ConvGenerator(8, IMAGE, filters=4, dtype="mixed_float16")
    assert generator.dtype_policy.name == "mixed_float16"
    policies = {layer.dtype_policy.name for layer in generator.layers[1:-1]}
    assert policies == {"mixed_float16"}
    assert generator.layers[-1].dtype_policy.name == "float32"
    clone = ConvGenerator.from_config(json.loads(json.dumps(generator.get_config())))
    assert clone.get_config() == generator.get_config()
    images = generator(np.zeros((2, 8), "float32"), training=False)
    assert keras.backend.standardize_dtype(images.dtype) == "float32"


def _network_variable_paths(path, model):
    """The stored variables of the model's networks and EMA copies (not the model's
    own RNG state, which differs by backend, nor a CycleGAN's image pools)."""
    names = set(model.network_names) | {f"ema_{n}" for n in model.ema_network_names}
    paths = []

    def visit(name, item):
        if isinstance(item, h5py.Dataset) and name.split("/")[0] in names:
            paths.append(name)

    with h5py.File(path, "r") as file:
        file.visititems(visit)
    return sorted(paths)


@pytest.mark.parametrize("name", sorted(kerasgan.zoo.names()))
def test_zoo_weight_files_hold_exactly_the_variables_of_the_network_classes(
    name, tmp_path
):
    # Weight files store variables by layer class and position, so the network
    # classes load the zoo's files (written with round 1's functional models)
    # unchanged; re-saving writes the same variables, D's and the EMA G's included.
    gan = kerasgan.zoo.load(name)
    path = tmp_path / "resaved.weights.h5"
    kerasgan.zoo.preset.networks_only(gan).save_weights(path)
    stored = kerasgan.zoo.resolve(name) / "model.weights.h5"
    expected = _network_variable_paths(stored, gan)
    assert len(expected) > 10 and _network_variable_paths(path, gan) == expected
