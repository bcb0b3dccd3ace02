"""ACGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    # TAC-GAN's twin classifier (ACGAN(twin_classifier=True)): without it the entry
    # drew each class's mode (Inception recall 0.000 at N=10,000) and its bags as
    # tops (40.6 % bags), ACGAN's known entropy bias. conditional_gan's collapse fix
    # (MinibatchStdDev in D, EMA decay 0.99) was measured on top (commit 07b847f):
    # coat 60 -> 84 %, pullover and sandal up, shirt down, but FID 75.7 -> 82.9 and
    # the bags worse; not adopted (docs/variants/acgan.md). 20 epochs (commit
    # fc1ae36, as conditional_gan's recall rose from 0.001 to 0.05 with them): FID
    # 75.7 -> 67.4 but recall 0.004 and sandal 58.5 -> 0.3 %; not adopted either.
    "acgan_fashion_mnist": dict(
        variant="acgan",
        epochs=5,
        loss="hinge",
        options={**SMALL, "spectral_norm": True, "twin_classifier": True},
        **FASHION,
    ),
}
