"""WGAN-GP's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    "wgan_gp_fashion_mnist": dict(variant="wgan_gp", epochs=5, options=SMALL, **FASHION),
}
