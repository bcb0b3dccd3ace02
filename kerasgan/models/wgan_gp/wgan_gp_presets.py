"""WGAN-GP's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

# An epoch of scripts/train.py is a fixed 937 train steps (the batches of one pass),
# each a generator update after 5 critic steps on 5 fresh batches: 5 passes of the data.
# The round-1 entry had 5 epochs (4,685 G updates, all 5 critic steps on one batch).
# The second entry had 10 epochs (Inception FID 50.2); this one has 20, the training
# length of Lucic et al. 2018, whose Table 2 is the comparison (18,740 G updates).
# Adam(2e-4, β1 = 0.5, β2 = 0.999) for both networks instead of Gulrajani et al.'s
# Adam(1e-4, β = (0, 0.9)): the recipe search's best row at 3 epochs
# (docs/variants/wgan_gp.md, "Recipe search").
RECIPES = {
    "wgan_gp_fashion_mnist": dict(
        variant="wgan_gp",
        epochs=20,
        g_lr=2e-4,
        d_lr=2e-4,
        beta1=0.5,
        options=SMALL,
        **FASHION,
    ),
}
