"""What the zoo's recipes share; each variant's own are in `<variant>/<variant>_presets.py`.

A recipe is the keyword arguments of `kerasgan.training.train_variant` (less `out`)
that made a zoo entry: `scripts/train.py NAME` trains it, and the entry's
`metadata.json` records it. `kerasgan.models.registry.recipes()` gathers them all.
"""

# Variants on Fashion-MNIST use 32-filter networks (DCGAN's reference net has 64):
# a quarter of the compute, so each trains in minutes on two CPU cores, and a
# quarter of the size in the repository.
SMALL = {"g_filters": 32, "d_filters": 32}
FASHION = dict(dataset="fashion-mnist", batch_size=64)
# The 2-D mixtures: large batches, small latents, R1 and cosine-decayed Adam.
TOY = dict(
    batch_size=1024,
    latent_dim=16,
    g_lr=3e-3,
    d_lr=3e-3,
    beta1=0.5,
    cosine=True,
    gradient_penalty="r1",
    techniques={"penalty_weight": 0.1},
    ema_decay=0.0,
)
