"""StyleGAN2's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): 8×8 (four
#: style inputs; the jitted step with its lazy phases compiles fastest), two mapping
#: layers, 4–8 channels.
TINY = dict(latent_dim=8, data_shape=(8, 8, 1), mapping_layers=2, g_filters=4,
            d_filters=4, max_filters=8)

RECIPES = {
    # Fashion-MNIST padded to 32×32 (eight style inputs), the paper's training setup
    # (non-saturating loss, lazy R1 every 16 steps with stylegan2-ada's CIFAR-10 γ =
    # 0.01, path length every 4, style mixing 0.9, Adam 0.0025 with betas (0, 0.99)
    # corrected for the lazy phases, EMA generator) at CPU size: two mapping layers
    # (stylegan2-ada's CIFAR-10 setting), 16 channels at 32×32 doubling to 96 at
    # 4×4, batch 32, 3200 steps (1.7 epochs) so it trains in about 15 minutes on
    # two shared CPU cores.
    "style_gan_fashion_mnist": dict(
        variant="style_gan",
        dataset="fashion-mnist",
        data_options={"image_size": [32, 32]},
        epochs=4,
        steps_per_epoch=800,
        batch_size=32,
        latent_dim=64,
        options={"mapping_layers": 2, "g_filters": 16, "d_filters": 16,
                 "max_filters": 96},
    ),
}
