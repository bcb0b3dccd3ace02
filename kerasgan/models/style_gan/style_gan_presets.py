"""StyleGAN2's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): 16×16, two
#: mapping layers, 4–16 channels.
TINY = dict(latent_dim=8, data_shape=(16, 16, 1), mapping_layers=2, g_filters=4,
            d_filters=4, max_filters=16)

# No zoo entry yet (issue 14, part 5): the Fashion-MNIST entry is trained in a later
# session, with a recipe here.
RECIPES = {}
