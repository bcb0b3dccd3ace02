"""Mode coverage of every adversarial loss, variant and technique on ring8 and grid25.

Trains small MLP GANs on the 2-D mixtures over several seeds and prints, per
configuration and dataset, the modes covered and the share of high-quality samples
(within 3σ of a mode) of 2,500 samples (the VEEGAN/PacGAN protocol), mean ± std
over seeds. Usage (JAX is the fastest backend for these tiny MLPs):

    KERAS_BACKEND=jax python scripts/toy_benchmark.py --steps 2000 --seeds 3

Every run uses the same MLPs (latent 16, two hidden layers of 128) and Adam(β1=0.5,
β2=0.9) with a cosine-decayed learning rate for both networks, except WGAN (RMSprop,
as the paper avoids momentum); n_critic, losses, penalties and layers are each
variant's own.
"""

import argparse
import time

import keras
import numpy as np

import kerasgan
from kerasgan import models
from kerasgan.utils.labels import fixed_labels

NETWORK = dict(latent_dim=16, data_shape=(2,), hidden_units=(128, 128))

# name → (model class, model options, compile options)
CONFIGS = {
    "GAN (minimax)": (models.NetworkGAN, {}, {"loss": "minimax"}),
    "GAN (non-saturating)": (models.NetworkGAN, {}, {}),
    "GAN + label smoothing 0.1": (models.NetworkGAN, {}, {"label_smoothing": 0.1}),
    "GAN + feature matching": (models.NetworkGAN, {}, {"feature_matching": 1.0}),
    "GAN + historical averaging": (models.NetworkGAN, {}, {"historical_averaging": 1e-3}),
    "GAN + minibatch stddev": (models.NetworkGAN, {"minibatch_stddev": True}, {}),
    "GAN + R1 (γ=0.1)": (
        models.NetworkGAN,
        {},
        {"gradient_penalty": "r1", "penalty_weight": 0.1},
    ),
    "LSGAN": (models.LSGAN, {}, {}),
    "hinge": (models.NetworkGAN, {}, {"loss": "hinge"}),
    "WGAN (clip 0.01)": (models.WGAN, {}, {}),
    "WGAN-GP": (models.WGANGP, {}, {}),
    "SNGAN": (models.SNGAN, {}, {}),
    # SNGAN's paper also trains with 5 D steps per G step (its WGAN-GP-like setting);
    # on these mixtures its 1-Lipschitz MLP critic needs them (see docs/toy_benchmark.md).
    "SNGAN (n_critic 5)": (models.SNGAN, {"n_critic": 5}, {}),
    # Conditional rows see each point's mode index as its label (supervision the
    # unconditional rows lack) and generate equal shares of every label.
    "ConditionalGAN (labels = modes)": (models.ConditionalGAN, {}, {}),
    "ACGAN (labels = modes)": (models.ACGAN, {}, {}),
}


def optimizers(gan, steps, learning_rate):
    """Cosine decay to 0, as in tests/test_toy.py where it made a vanilla GAN cover
    ring8; the critic's schedule spans its n_critic updates per step."""

    def optimizer(updates):
        schedule = keras.optimizers.schedules.CosineDecay(learning_rate, updates)
        if isinstance(gan, models.WGAN):
            return keras.optimizers.RMSprop(schedule)
        return keras.optimizers.Adam(schedule, beta_1=0.5, beta_2=0.9)

    return optimizer(steps), optimizer(steps * gan.n_critic)


def run(config, mixture, seed, steps, batch_size, learning_rate, hidden_units):
    cls, model_options, compile_options = CONFIGS[config]
    keras.utils.set_random_seed(seed)
    network = {**NETWORK, "hidden_units": tuple(hidden_units)}
    conditional = issubclass(cls, models.ConditionalGAN)
    if conditional:
        model_options = {**model_options, "num_classes": len(mixture.centers)}
    gan = cls(**network, **model_options, seed=seed)
    g_optimizer, d_optimizer = optimizers(gan, steps, learning_rate)
    gan.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **compile_options)
    points, modes = mixture.sample_with_modes(steps * batch_size, seed=seed)
    labels = modes if conditional else None
    gan.fit(points, labels, batch_size=batch_size, epochs=1, verbose=0)
    samples = gan.generate(2500, seed=seed + 1000, labels=fixed_labels(gan, 2500))
    # VEEGAN counts a mode covered with ≥ 1/4 of its expected 2,500/modes samples too.
    return kerasgan.metrics.mode_statistics(samples, mixture)


def summarise(values):
    return f"{np.mean(values):.1f} ± {np.std(values):.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS))
    parser.add_argument("--datasets", nargs="*", default=["ring8", "grid25"])
    parser.add_argument(
        "--hidden-units", nargs="+", type=int, default=list(NETWORK["hidden_units"])
    )
    args = parser.parse_args()
    print(
        f"backend {keras.backend.backend()}, {args.steps} steps of batch "
        f"{args.batch_size}, peak learning rate {args.learning_rate} (cosine), hidden "
        f"units {args.hidden_units}, seeds 0..{args.seeds - 1}, 2,500 samples each\n"
    )
    print("| configuration | dataset | modes covered | high quality (%) | s/run |")
    print("|---|---|---|---|---|")
    for config in args.configs:
        for mixture in (getattr(kerasgan.data, name)() for name in args.datasets):
            start = time.perf_counter()
            stats = [
                run(
                    config,
                    mixture,
                    seed,
                    args.steps,
                    args.batch_size,
                    args.learning_rate,
                    args.hidden_units,
                )
                for seed in range(args.seeds)
            ]
            seconds = (time.perf_counter() - start) / args.seeds
            modes = summarise([s["modes_covered"] for s in stats])
            quality = summarise([100 * s["high_quality"] for s in stats])
            print(
                f"| {config} | {mixture.name} | {modes} / {len(mixture.centers)} | "
                f"{quality} | {seconds:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
