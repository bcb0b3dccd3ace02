"""SAGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    "sagan_fashion_mnist": dict(variant="sagan", epochs=5, options=SMALL, **FASHION),
}
