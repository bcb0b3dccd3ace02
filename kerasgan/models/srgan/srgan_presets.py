"""SRGAN's zoo recipes and the arguments of its tiny test instance."""

#: A tiny instance for the standard tests (kerasgan/testing/harness.py): ×2 from
#: 8×8 to 16×16, one residual block.
TINY = dict(scale=2, data_shape=(16, 16, 1), residual_blocks=1, g_filters=4, d_filters=4)

# ×4 on 64×64 patches of the photographs pip ships (kerasgan.data "photos-sr4": 11
# photographs, each also at 0.75 and 0.5 size, each patch in one of its 8 flips/quarter
# turns and 6 channel orders), tested on held-out photographs. The
# paper's networks have 16 residual blocks of 64 filters and train 10^6 steps at 1e-4
# on ImageNet; these have 24 of 32 and train 5,000 steps from 1e-3 (then 300
# adversarial at 1e-4), what one shared CPU core does in half an hour. More blocks,
# not more filters: the upsampling and output convolutions, whose cost grows with
# the filters only, do half the 8-block network's work (the capacity rows of
# scripts/sr_recipe_search.py); 32 blocks would take the preset over 12 MB. As in the paper,
# SRGAN starts from the trained SRResNet. Its content loss is the pixel MSE (the
# paper's "SRGAN-MSE"): VGG19's ImageNet weights cannot be downloaded offline.
_PHOTOS = dict(
    dataset="photos-sr4",
    batch_size=16,
    steps_per_epoch=500,
    g_lr=1e-3,
)
# D's filters are 16 (the paper's 64): its Dense(1024) on the last 4×4 map dominates
# the preset's size (32 filters: 22 MB, over what the repository keeps in git).
# Not the paper's, the winners of scripts/sr_recipe_search.py (docs/variants/srgan.md):
# SRResNet adds its output to the bicubic upscaled input (VDSR's global residual,
# `g_bicubic_skip`; in minutes of training from scratch, the paper's tanh output stays
# below bicubic), its blocks have no batch norm (EDSR, `g_batch_norm=False`), and its
# learning rate decays to 0 over the run (cosine; the paper halves it once).
_NETWORKS = {"residual_blocks": 24, "g_filters": 32, "d_filters": 16,
             "g_bicubic_skip": True, "g_batch_norm": False}
RECIPES = {
    "srresnet_photos_sr4": dict(
        variant="srgan",
        epochs=10,
        cosine=True,
        options={**_NETWORKS, "stage": "pretrain"},
        **_PHOTOS,
    ),
    "srgan_photos_sr4": dict(
        variant="srgan",
        epochs=1,
        options={**_NETWORKS, "stage": "adversarial", "content": "pixels"},
        init_from="srresnet_photos_sr4",
        **{**_PHOTOS, "g_lr": 1e-4, "steps_per_epoch": 300},
    ),
}
