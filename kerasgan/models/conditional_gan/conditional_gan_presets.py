"""ConditionalGAN's zoo recipes: preset name → `kerasgan.training.train_variant`
arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    # Conditional generators without batch norm (the default since it collapsed
    # them to one image per class), spectral norm and the hinge loss in D. 5 epochs
    # drew no recognisable sandal (0.3 % of the samples asked for one): 20 epochs.
    "conditional_gan_fashion_mnist": dict(
        variant="conditional_gan",
        epochs=20,
        loss="hinge",
        options={**SMALL, "conditioning": "projection", "spectral_norm": True},
        **FASHION,
    ),
}
