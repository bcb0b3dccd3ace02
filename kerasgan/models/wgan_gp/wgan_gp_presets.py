"""WGAN-GP's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

# The published entry was trained in round 1, when all 5 critic steps reused one batch;
# the critic now draws a fresh batch per step, so these epochs give 5x fewer G updates
# than they did (docs/variants/wgan*.md). Retraining needs 5x the epochs.
RECIPES = {
    "wgan_gp_fashion_mnist": dict(variant="wgan_gp", epochs=5, options=SMALL, **FASHION),
}
