"""`evaluate()` and the metric objects: FID, KID, PrecisionRecall, ... on any source."""

from kerasgan.metrics import compute
from kerasgan.metrics import domain_classifier
from kerasgan.metrics import extractors
from kerasgan.metrics import features
from kerasgan.metrics import stats_cache

# With a domain classifier, precision/recall would be fooled (uniform noise scores
# ~1 on small embeddings): it defaults to the metrics these features support.
DOMAIN_METRICS = ("fid", "kid", "classifier_score", "mode_coverage")
INCEPTION_METRICS = ("fid", "kid", "precision_recall", "density_coverage")


def default_metrics(extractor):
    """The metrics measured on an extractor's features: Inception's set (with
    precision/recall) for every Inception precision, the domain set otherwise."""
    if extractor.name in extractors.INCEPTION_NAMES:
        return INCEPTION_METRICS
    return DOMAIN_METRICS


def default_extractor(dataset):
    """The dataset's domain classifier where one is shipped, else "inception"."""
    key = str(dataset).lower().replace("_", "-")
    return domain_classifier.CLASSIFIERS.get(key, "inception")


def source_features(source, extractor, num_samples=None, split=None, seed=0):
    """Features of a source; a dataset name reads (and caches) its real statistics."""
    if isinstance(source, str):
        return stats_cache.real_features(source, extractor, split, num_samples)
    return features.extract(extractor, source, num_samples, seed)


def evaluate(
    gan, dataset, num_samples=10_000, extractor=None, metrics=None, split=None, seed=0
):
    """Evaluates a GAN against a dataset: FID, KID and more, each with its N.

    Args:
        gan: a kerasgan GAN (samples from `generate`), or an image array / dataset.
        dataset: the real data: a `kerasgan.data` name (features cached) or images.
        num_samples: generated samples, and real ones (capped at the split size).
        extractor: "inception", "mnist", "fashion-mnist" or a `FeatureExtractor`;
            defaults to the dataset's domain classifier, else Inception.
        metrics: names from "fid", "kid", "precision_recall", "density_coverage",
            "classifier_score", "mode_coverage"; defaults to what the extractor
            supports.
        split: the real split ("test" where there is one).
        seed: latent seed: the same seed gives the same samples.

    Returns:
        A dict from result name to `MetricResult` (value, std, N real, N fake,
        extractor).

    Example:

    ```python
    results = kerasgan.metrics.evaluate(gan, "fashion-mnist", num_samples=10_000)
    print(results["fid"])  # fid = ... (N real 10000, N fake 10000, fashion-mnist)
    ```
    """
    if extractor is None:
        if not isinstance(dataset, str):
            raise ValueError("Pass extractor= when the real data is not a dataset name.")
        extractor = default_extractor(dataset)
    extractor = extractors.get_extractor(extractor)
    if metrics is None:
        metrics = default_metrics(extractor)
    metrics = compute.check_metrics(metrics)
    real = None
    if compute.NEEDS_REAL.intersection(metrics):
        real = source_features(dataset, extractor, num_samples, split)
    fake = features.extract(extractor, gan, num_samples, seed)
    return compute.compute(metrics, real, fake, extractor.name)


class _Metric:
    names = ()

    def __init__(self, extractor="inception", num_samples=None, split=None, seed=0):
        self.extractor = extractor
        self.num_samples = num_samples
        self.split = split
        self.seed = seed

    def _extractor(self):
        # Built on first use and kept: building Inception takes seconds.
        if not isinstance(self.extractor, extractors.FeatureExtractor):
            self.extractor = extractors.get_extractor(self.extractor)
        return self.extractor

    def _features(self, source):
        return source_features(
            source, self._extractor(), self.num_samples, self.split, self.seed
        )

    def _compute(self, real, fake, **options):
        real = None if real is None else self._features(real)
        fake = self._features(fake)
        return compute.compute(self.names, real, fake, self.extractor.name, **options)


class FID(_Metric):
    """Fréchet Inception Distance (Heusel et al. 2017, https://arxiv.org/abs/1706.08500).

    Args:
        extractor: "inception" (the standard FID features), "mnist" or
            "fashion-mnist" (cheap domain-classifier features: other numbers, not
            comparable with Inception FID), or a `FeatureExtractor`.
        num_samples: images used from each source (all when None; a GAN needs it).
        split: split of a dataset given by name.
        seed: latent seed when a source is a GAN.

    Call with `(real, fake)`: NumPy images in [-1, 1], a `tf.data.Dataset`, a GAN or
    (real) a `kerasgan.data` name. Returns a `MetricResult`.

    Example:

    ```python
    fid = kerasgan.metrics.FID(extractor="fashion-mnist", num_samples=5000)
    print(fid("fashion-mnist", gan))
    ```
    """

    names = ("fid",)

    def __call__(self, real, fake):
        return self._compute(real, fake)["fid"]


class KID(_Metric):
    """Kernel Inception Distance (Bińkowski et al. 2018, https://arxiv.org/abs/1801.01401).

    Unbiased; the result's `std` is over random subsets (all subsets are the whole
    set when `subset_size` ≥ N, and then the std is 0). Takes the arguments of
    `FID`, and:

    Args:
        num_subsets: number of random subsets.
        subset_size: samples per subset, capped at N.

    Returns a `MetricResult`.
    """

    names = ("kid",)

    def __init__(
        self, extractor="inception", num_subsets=100, subset_size=1000, **kwargs
    ):
        super().__init__(extractor, **kwargs)
        self.subsets = dict(num_subsets=num_subsets, subset_size=subset_size)

    def __call__(self, real, fake):
        return self._compute(real, fake, **self.subsets)["kid"]


class PrecisionRecall(_Metric):
    """Improved precision and recall, k = 3 (https://arxiv.org/abs/1904.06991).

    Use Inception features: small domain embeddings score noise as precise. Takes
    the arguments of `FID`; returns `{"precision": ..., "recall": ...}`.
    """

    names = ("precision_recall",)

    def __call__(self, real, fake):
        return self._compute(real, fake)


class DensityCoverage(_Metric):
    """Density and coverage, k = 5 (Naeem et al. 2020, https://arxiv.org/abs/2002.09797).

    Takes the arguments of `FID`; returns `{"density": ..., "coverage": ...}`.
    """

    names = ("density_coverage",)

    def __call__(self, real, fake):
        return self._compute(real, fake)


class ClassifierScore(_Metric):
    """The Inception-Score formula on a domain classifier ("mnist", "fashion-mnist").

    Call with the generated images (or a GAN); returns a `MetricResult` whose `std`
    is over 10 splits.
    """

    names = ("classifier_score",)

    def __init__(self, extractor="fashion-mnist", **kwargs):
        super().__init__(extractor, **kwargs)

    def __call__(self, fake):
        return self._compute(None, fake)["classifier_score"]


class ModeCoverage(_Metric):
    """Classes (or stacked-MNIST modes, of 1,000) hit by generated samples, and KL.

    Call with the generated images (or a GAN); 3-channel images are read as stacked
    MNIST. Returns `{"modes_covered": ..., "kl_to_uniform": ...}`.
    """

    names = ("mode_coverage",)

    def __init__(self, extractor="mnist", **kwargs):
        super().__init__(extractor, **kwargs)

    def __call__(self, fake):
        return self._compute(None, fake)
