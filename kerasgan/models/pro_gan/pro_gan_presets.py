"""ProGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): 8×8 (two
#: stages), 4–8 channels, at the start of the 8×8 fade-in with a fade of 16 images,
#: so that a few steps of batch 8 reach every layer of both networks (both toRGB
#: and both fromRGB layers are in use while 0 < α < 1).
TINY = dict(latent_dim=8, data_shape=(8, 8, 1), g_filters=4, d_filters=4, max_filters=8,
            stage=1, fade_images=16)

RECIPES = {}
