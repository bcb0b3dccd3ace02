"""`AAEEncoder`: the adversarial autoencoder's encoder q(z|x) (and q(y|x))."""

import keras
from keras import layers

from kerasgan.models.networks import Network
from kerasgan.models.networks import _policy
from kerasgan.models.networks import _shape


@keras.saving.register_keras_serializable(package="kerasgan")
class AAEEncoder(Network):
    """A multilayer-perceptron encoder from data to a latent code.

    Flatten, Dense+ReLU hidden layers (each optionally batch-normalized), then a
    linear Dense layer to the code: the paper's MNIST encoder is two layers of 1000
    ReLU units (Makhzani et al. 2016, §3). With `num_classes` it has a second head,
    a softmax over the classes, and returns `[class_probabilities, style_code]`:
    the encoder q(y, z|x) of the semi-supervised AAE (§5).

    `get_config()` returns exactly the constructor's arguments.

    Args:
        data_shape: shape of one example, e.g. `(28, 28, 1)`.
        latent_dim: size of the (style) code.
        hidden_units: widths of the hidden layers.
        batch_norm: batch-normalize every hidden layer.
        num_classes: None, or the size of the categorical head.
        name: the model's name.
        dtype: dtype policy of the layers (None: the global policy).
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    encoder = AAEEncoder(data_shape=(28, 28, 1), latent_dim=8, hidden_units=(256,))
    codes = encoder(images)  # (batch, 8)
    ```

    Paper: https://arxiv.org/abs/1511.05644
    """

    def __init__(self, data_shape, latent_dim, hidden_units=(1000, 1000),
                 batch_norm=False, num_classes=None, name="encoder", dtype=None, **kwargs):
        data_shape = _shape(data_shape)
        hidden_units = tuple(int(u) for u in hidden_units)
        policy = _policy(dtype)
        inputs = keras.Input(data_shape, name="data")
        x = layers.Flatten(dtype=policy)(inputs)
        for units in hidden_units:
            x = layers.Dense(units, use_bias=not batch_norm, dtype=policy)(x)
            if batch_norm:
                x = layers.BatchNormalization(dtype=policy)(x)
            x = layers.ReLU(dtype=policy)(x)
        code = layers.Dense(int(latent_dim), name="code", dtype="float32")(x)
        outputs = code
        if num_classes:
            logits = layers.Dense(int(num_classes), name="class_logits", dtype="float32")(x)
            outputs = [layers.Softmax(name="class_probabilities", dtype="float32")(logits), code]
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.data_shape, self.latent_dim = data_shape, int(latent_dim)
        self.hidden_units, self.batch_norm = hidden_units, bool(batch_norm)
        self.num_classes = int(num_classes) if num_classes else None

    def get_config(self):
        return {**self._base_config(), "data_shape": self.data_shape,
                "latent_dim": self.latent_dim, "hidden_units": self.hidden_units,
                "batch_norm": self.batch_norm, "num_classes": self.num_classes}
