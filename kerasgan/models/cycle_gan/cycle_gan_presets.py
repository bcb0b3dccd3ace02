"""CycleGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): one residual
#: block, and a pool small enough to fill within the tests' first step.
TINY = dict(data_shape=(16, 16, 1), g_filters=4, d_filters=4, residual_blocks=1,
            pool_size=4)

# The paper's losses, pool and schedule (Adam 2e-4, β1=0.5, linear decay to 0 over
# the second half) on 32×32 sneakers ↔ ankle boots; 32-filter networks (the paper's
# have 64) and batch 8 (the paper's 1) so that it trains in minutes on two CPU cores.
RECIPES = {
    "cycle_gan_sneaker2boot": dict(
        variant="cycle_gan",
        dataset="sneaker2boot",
        epochs=4,
        steps_per_epoch=500,
        batch_size=8,
        options={"g_filters": 32, "d_filters": 32, "residual_blocks": 6},
    ),
}
