"""ACGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    "acgan_fashion_mnist": dict(
        variant="acgan",
        epochs=5,
        loss="hinge",
        options={**SMALL, "spectral_norm": True},
        **FASHION,
    ),
}
