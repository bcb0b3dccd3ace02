"""DCGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION

RECIPES = {
    "dcgan_fashion_mnist": dict(variant="dcgan", epochs=4, **FASHION),
    "dcgan_mnist5k": dict(variant="dcgan", dataset="mnist-5k", epochs=40, batch_size=64),
}
