"""VanillaGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import TOY

RECIPES = {
    "vanilla_gan_ring8": dict(
        variant="vanilla_gan",
        dataset="ring8",
        epochs=10,
        steps_per_epoch=300,
        options={"hidden_units": (128, 128)},
        **TOY,
    ),
    "vanilla_gan_grid25": dict(
        variant="vanilla_gan",
        dataset="grid25",
        epochs=20,
        steps_per_epoch=500,
        options={"hidden_units": (256, 256)},
        **TOY,
    ),
}
