"""SRGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): ×2 from
#: 8×8 to 16×16, one residual block.
TINY = dict(scale=2, data_shape=(16, 16, 1), residual_blocks=1, g_filters=4, d_filters=4)

RECIPES = {}
