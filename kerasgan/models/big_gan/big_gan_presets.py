"""BigGAN's zoo recipes and the tiny instance of the standard tests."""

from kerasgan.models.recipes import FASHION

# The standard contract's tiny instance: 16×16 images have 2 blocks, so the latent
# vector splits into 3 chunks.
TINY = dict(num_classes=4, latent_dim=9, data_shape=(16, 16, 1), g_filters=4,
            d_filters=4, shared_dim=4)

RECIPES = {
    # 28×28: 2 blocks (7 → 14 → 28), attention at 14, 120 latents in 3 chunks. A
    # short CPU run: Adam 2e-4 for both networks (β1 = 0, β2 = 0.999) instead of the
    # paper's 5e-5/2e-4 at batch 2048. 4 epochs: the images the DCGAN entry saw
    # (240,000), so the two compare at equal data. An EMA decay of 0.99, not 0.999:
    # the trained G drew 97 % sandals and its 0.999 average 46.5 % (the same jumping
    # single-image class that conditional_gan's collapse study found).
    "big_gan_fashion_mnist": dict(
        variant="big_gan",
        epochs=4,
        ema_decay=0.99,
        latent_dim=120,
        g_lr=2e-4,
        d_lr=2e-4,
        beta1=0.0,
        options={"g_filters": 32, "d_filters": 32, "shared_dim": 32},
        **FASHION,
    ),
}
