"""The adversarial autoencoder's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): a 2-D
#: mixture prior (its components drawn in every step) and a batch-normalized
#: encoder (its statistics saved and moved between backends).
TINY = dict(data_shape=(8, 8, 1), latent_dim=2, prior="mixture", hidden_units=(16,),
            d_hidden_units=(16,), batch_norm=True)

# A 2-D code with labels steering the 10-component mixture: the paper's Fig. 4
# setting, whose latent space can be drawn as it is. 256-unit networks (the
# paper's have 1000) so that the entry trains in minutes on two CPU cores and
# its preset stays small (about 2.5 MB).
RECIPES = {
    "aae_fashion_mnist": dict(
        variant="adversarial_autoencoder",
        dataset="fashion-mnist",
        epochs=8,
        batch_size=100,
        latent_dim=2,
        ema_decay=None,
        options={"prior": "mixture", "num_classes": 10, "hidden_units": (256, 256),
                 "d_hidden_units": (256, 256)},
    ),
}
