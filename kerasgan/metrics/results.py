"""What every metric returns: the value with its sample counts and extractor."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class MetricResult:
    """A metric value that carries how it was measured.

    FID and KID depend strongly on the number of samples and on the feature
    extractor, so a number without them cannot be compared with another.

    Attributes:
        name: the metric, e.g. "fid".
        value: the value (a float); `float(result)` gives it too.
        num_real: real samples used (0 when the metric uses none).
        num_fake: generated samples used.
        extractor: the feature extractor, e.g. "inception" or "fashion-mnist".
        std: the standard deviation over subsets or splits, when there is one.
    """

    name: str
    value: float
    num_real: int
    num_fake: int
    extractor: str
    std: float | None = None

    def __float__(self):
        return float(self.value)

    def __str__(self):
        spread = "" if self.std is None else f" ± {self.std:.4g}"
        return (
            f"{self.name} = {self.value:.4g}{spread} "
            f"(N real {self.num_real}, N fake {self.num_fake}, {self.extractor})"
        )

    def to_dict(self):
        return dataclasses.asdict(self)
