"""CycleGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): one residual
#: block, and a pool small enough to fill within the tests' first step.
TINY = dict(data_shape=(16, 16, 1), g_filters=4, d_filters=4, residual_blocks=1,
            pool_size=4)

# Recipes are trained by the lead with scripts/train.py; proposal for the first one:
# "cycle_gan_sneaker2boot": variant="cycle_gan", dataset="sneaker2boot",
#     model args data_shape=(32, 32, 1), g_filters=32, d_filters=64 (6 residual blocks),
#     batch_size=16, optimizers=CycleGAN.paper_optimizers(epochs × steps per epoch).
RECIPES = {}
