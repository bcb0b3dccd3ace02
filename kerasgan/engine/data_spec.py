"""`DataSpec`: what a variant's training batch holds, read by the input checks."""

import dataclasses

KINDS = ("data", "label", "tokens")


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """One element of a variant's training batch.

    A model declares its batch as a tuple of specs, in order, via `data_spec()`:
    `(images[, labels])` for a latent GAN, `(source, target)` for Pix2Pix,
    `(low_res, high_res)` for SRGAN, `(domain_a, domain_b)` for CycleGAN. `fit()`
    checks data against it before any training.

    Args:
        name: what the element is, for error messages ("images", "labels", ...).
        shape: the shape of one example; `()` for a class label.
        kind: "data" (floating-point values in [-1, 1]), "label" (integer
            classes in `[0, num_classes)`) or "tokens" (integer ids in
            `[0, num_classes)` of shape `shape`, e.g. a caption's words).
        required: whether the batch must contain it.
        num_classes: for labels, the number of classes; for tokens, the
            vocabulary size.
    """

    name: str
    shape: tuple
    kind: str = "data"
    required: bool = True
    num_classes: int = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"DataSpec kind must be one of {KINDS}; got {self.kind!r}.")
        object.__setattr__(self, "shape", tuple(self.shape))
