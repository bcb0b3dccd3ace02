"""Pix2Pix's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py).
TINY = dict(data_shape=(16, 16, 1), g_filters=4, d_filters=4)

RECIPES = {}
