"""WGAN-GP's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

# The critic draws a fresh batch for each of its 5 steps (docs/variants/wgan_gp.md), so
# an epoch holds 937 / 5 generator updates: 25 epochs give the 4,685 G updates that the
# round-1 entry had in 5 (when all 5 critic steps reused one batch).
RECIPES = {
    "wgan_gp_fashion_mnist": dict(variant="wgan_gp", epochs=25, options=SMALL, **FASHION),
}
