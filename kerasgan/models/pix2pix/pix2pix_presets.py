"""Pix2Pix's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py).
TINY = dict(data_shape=(16, 16, 1), g_filters=4, d_filters=4)

# 32-filter networks (the paper's have 64) on 32×32 edge maps: a quarter of the
# compute, so the entry trains in minutes on two CPU cores. The paper's defaults
# otherwise: λ = 100, Adam(2e-4, β1=0.5), batch norm, dropout 0.5.
RECIPES = {
    "pix2pix_edges2fashion": dict(
        variant="pix2pix",
        dataset="edges2fashion",
        epochs=4,
        steps_per_epoch=600,
        batch_size=32,
        options={"g_filters": 32, "d_filters": 32},
    ),
}
