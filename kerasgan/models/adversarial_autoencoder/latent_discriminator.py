"""`LatentDiscriminator`: the AAE's discriminator, on codes instead of data."""

import keras
from keras import layers

from kerasgan.models.networks import Network
from kerasgan.models.networks import _policy
from kerasgan.models.networks import mlp_discriminator_body


@keras.saving.register_keras_serializable(package="kerasgan")
class LatentDiscriminator(Network):
    """Tells codes drawn from the prior (real) from codes of the encoder (fake).

    Dense+LeakyReLU(0.2) hidden layers (the MLP discriminators' body) and one
    logit per code; the paper's MNIST discriminator is two layers of 1000 ReLU
    units (Makhzani et al. 2016, §3).
    With `num_classes` it takes `[codes, labels]` and reads the label as a one-hot
    vector joined to the code: the supervised AAE (§2.3, Fig. 4), where the label
    says which mixture component a code must come from.

    `get_config()` returns exactly the constructor's arguments.

    Args:
        latent_dim: size of the codes.
        hidden_units: widths of the hidden layers.
        num_classes: None, or the number of labels given with the codes.
        name: the model's name.
        dtype: dtype policy of the hidden layers; the logit is float32.
        **kwargs: `keras.Model` arguments (`trainable`).

    Example:

    ```python
    discriminator = LatentDiscriminator(latent_dim=2, num_classes=10)
    logits = discriminator([codes, labels])  # (batch, 1)
    ```

    Paper: https://arxiv.org/abs/1511.05644
    """

    def __init__(self, latent_dim, hidden_units=(1000, 1000), num_classes=None,
                 name="discriminator", dtype=None, **kwargs):
        hidden_units = tuple(int(u) for u in hidden_units)
        policy = _policy(dtype)
        codes = keras.Input((int(latent_dim),), name="codes")
        inputs, x = codes, codes
        if num_classes:
            labels = keras.Input((), dtype="int32", name="labels")
            one_hot = layers.CategoryEncoding(int(num_classes), output_mode="one_hot")(labels)
            inputs, x = [codes, labels], layers.Concatenate(dtype=policy)([codes, one_hot])
        x = mlp_discriminator_body(x, hidden_units, dtype=policy)
        outputs = layers.Dense(1, name="logit", dtype="float32")(x)
        self._init_functional(inputs, outputs, dtype, name=name, **kwargs)
        self.latent_dim, self.hidden_units = int(latent_dim), hidden_units
        self.num_classes = int(num_classes) if num_classes else None

    def get_config(self):
        return {**self._base_config(), "latent_dim": self.latent_dim,
                "hidden_units": self.hidden_units, "num_classes": self.num_classes}
