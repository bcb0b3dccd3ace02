"""ProGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): 8×8 (two
#: stages), 4–8 channels, at the start of the 8×8 fade-in with a fade of 16 images,
#: so that a few steps of batch 8 reach every layer of both networks (both toRGB
#: and both fromRGB layers are in use while 0 < α < 1).
TINY = dict(latent_dim=8, data_shape=(8, 8, 1), g_filters=4, d_filters=4, max_filters=8,
            stage=1, fade_images=16)

# Fashion-MNIST padded to 32×32: 4×4, then 8×8, 16×16 and 32×32, each faded in and
# stabilized, one epoch of 150 steps of batch 32 per phase (7 phases, 4,800 images
# per fade-in instead of the reference's 600k: a CPU budget of minutes), the
# paper's optimizer and losses (ProGAN.compile's defaults), small networks (16
# channels at 32×32, at most 96) so that the entry stays a few MB.
RECIPES = {
    "pro_gan_fashion_mnist": dict(
        variant="pro_gan",
        dataset="fashion-mnist",
        data_options={"image_size": [32, 32]},
        epochs=7,
        steps_per_epoch=150,
        batch_size=32,
        latent_dim=64,
        options={"g_filters": 16, "d_filters": 16, "max_filters": 96},
    ),
}
