"""StyleGAN2's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): 8×8 (four
#: style inputs; the jitted step with its lazy phases compiles fastest), two mapping
#: layers, 4–8 channels.
TINY = dict(latent_dim=8, data_shape=(8, 8, 1), mapping_layers=2, g_filters=4,
            d_filters=4, max_filters=8)

# No zoo entry yet (issue 14, part 5): the Fashion-MNIST entry is trained in a later
# session, with a recipe here.
RECIPES = {}
