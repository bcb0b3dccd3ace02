"""LAPGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): 8 → 16 px.
TINY = dict(data_shape=(16, 16, 1), levels=2, latent_dim=8, coarse_g_units=(16,),
            coarse_d_units=(16,), g_filters=4, d_filters=4)

# Fashion-MNIST padded to 32×32 (8 → 16 → 32 px), every level trained at once with
# the Adam settings of the DCGAN entry it is compared with (Adam(2e-4, β1=0.5), batch
# 64); small networks so the entry trains in minutes on two CPU cores and stays a
# few MB in the repository.
RECIPES = {
    "lapgan_fashion_mnist": dict(
        variant="lapgan",
        dataset="fashion-mnist",
        data_options={"image_size": [32, 32]},
        epochs=4,
        batch_size=64,
        g_lr=2e-4,
        d_lr=2e-4,
        beta1=0.5,
        options={"levels": 3, "coarse_g_units": [512, 512], "coarse_d_units": [256, 256],
                 "g_filters": 32, "d_filters": 32},
    ),
}
