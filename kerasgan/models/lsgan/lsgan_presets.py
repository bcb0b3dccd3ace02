"""LSGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    "lsgan_fashion_mnist": dict(variant="lsgan", epochs=6, options=SMALL, **FASHION),
}
