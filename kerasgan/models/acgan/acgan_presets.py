"""ACGAN's zoo recipes: preset name → `kerasgan.training.train_variant` arguments."""

from kerasgan.models.recipes import FASHION
from kerasgan.models.recipes import SMALL

RECIPES = {
    # TAC-GAN's twin classifier (ACGAN(twin_classifier=True)): without it the entry
    # drew each class's mode (Inception recall 0.000 at N=10,000) and its bags as
    # tops (40.6 % bags), ACGAN's known entropy bias. MinibatchStdDev in D and a
    # shorter EMA, the fix that gave conditional_gan its sandals (its collapse
    # study): the twin alone left pullover, coat and sandal below 70 %.
    "acgan_fashion_mnist": dict(
        variant="acgan",
        epochs=5,
        loss="hinge",
        ema_decay=0.99,
        options={
            **SMALL, "spectral_norm": True, "twin_classifier": True,
            "minibatch_stddev": True,
        },
        **FASHION,
    ),
}
