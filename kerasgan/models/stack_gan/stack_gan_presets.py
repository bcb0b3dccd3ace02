"""StackGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py).
TINY = dict(data_shape=(16, 16, 1), latent_dim=8, condition_dim=4, g_filters=4,
            d_filters=4, residual_blocks=1, text_pretrain_epochs=0)

# The paper's losses and optimizers (Adam 2e-4, β1 0.5, λ_KL = 1) with 32-filter
# networks, a 32-d noise and 16-d conditions (the paper's 100 and 128) on 32×32
# captioned Fashion-MNIST: stage I draws 16×16 images, stage II 32×32. `epochs`
# covers both stages, half each (StackGAN.fit_stages): 1,500 steps per stage.
RECIPES = {
    "stack_gan_fashion_mnist": dict(
        variant="stack_gan",
        dataset="fashion-mnist-captions",
        epochs=6,
        steps_per_epoch=500,
        batch_size=64,
        latent_dim=32,
        ema_decay=0.0,
        options={"g_filters": 32, "d_filters": 32},
    ),
}
