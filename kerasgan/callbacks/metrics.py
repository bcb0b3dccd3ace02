"""Metrics callback: FID, KID, ... every N epochs, into the epoch logs."""

import keras

from kerasgan.callbacks.periodic import check_every
from kerasgan.callbacks.requires import require
from kerasgan.engine.protocols import LatentToData
from kerasgan.metrics import compute, evaluation, extractors, features


class Metrics(keras.callbacks.Callback):
    """Computes evaluation metrics every `every` epochs and adds them to the logs.

    The values land in the epoch logs under their result names ("fid", "kid",
    "kid_std", "precision", ...), so `ModelCheckpoint(monitor="fid", mode="min")`,
    `EarlyStopping(monitor="fid", mode="min")`, `LossPlot` and the History see them,
    wherever it stands in the list (kerasgan's `fit()` runs it before the
    callbacks that read the logs). On the epochs in between the keys are
    absent, and EarlyStopping neither counts nor resets its patience. The model
    must draw samples from latents (`kerasgan.engine.LatentToData`); `fit()` of
    another model stops with a `TypeError` before training.

    Args:
        metrics: a name or names: "fid", "kid", "precision_recall",
            "density_coverage", "classifier_score", "mode_coverage".
        dataset: the real data: a `kerasgan.data` name (features cached on disk),
            an image array or a `tf.data.Dataset`. None: the data `fit()` trains
            on (its first `num_samples` images, read once).
        every: compute after every `every`-th epoch (and never in between).
        num_samples: generated samples (and real ones, capped at the split size).
        extractor: "inception", "mnist", "fashion-mnist" or a `FeatureExtractor`;
            defaults to the dataset's domain classifier for a dataset name, else
            Inception.
        split: the real split ("test" where there is one).
        seed: latent seed: every evaluation uses the same latents.

    Example:

    ```python
    gan.fit(ds, epochs=20, callbacks=[
        kerasgan.callbacks.Metrics("fid", every=5, num_samples=2000),  # vs ds, Inception
        kerasgan.callbacks.Metrics("kid", dataset="fashion-mnist", extractor="fashion-mnist"),
        keras.callbacks.ModelCheckpoint("best.keras", monitor="fid", mode="min",
                                        save_best_only=True),
    ])
    ```
    """

    # kerasgan's fit() runs callbacks that add to the epoch logs before the others.
    adds_epoch_logs = True

    def __init__(
        self,
        metrics="fid",
        dataset=None,
        every=1,
        num_samples=2000,
        extractor=None,
        split=None,
        seed=0,
    ):
        super().__init__()
        self.metric_names = compute.check_metrics(metrics)
        self.dataset = dataset
        self.every = check_every(every)
        self.num_samples = int(num_samples)
        self.extractor = extractor
        self.split = split
        self.seed = seed
        self._real = None
        self._prepared = False

    def set_model(self, model):
        super().set_model(model)
        require(
            self,
            model,
            LatentToData,
            "To measure a data-to-data model, translate held-out inputs and compare "
            "the outputs with their targets: kerasgan.metrics.extract(extractor, "
            "model.translate(inputs)).",
        )

    def set_fit_data(self, data):
        """Called by `GAN.fit`: the training data is the reference when no dataset was
        given."""
        self._fit_data = data

    def _prepare(self):
        # Extractor and real features once per callback, not once per evaluation.
        if self.dataset is None:
            self.dataset = getattr(self, "_fit_data", None)
            if self.dataset is None:
                raise ValueError(
                    "Metrics found no real data: pass dataset= (a kerasgan.data name, "
                    "an image array or a tf.data.Dataset), or use it in a kerasgan "
                    "GAN's fit(), whose training data it then uses."
                )
        if self.extractor is None:
            self.extractor = (
                evaluation.default_extractor(self.dataset)
                if isinstance(self.dataset, str)
                else "inception"
            )
        self.extractor = extractors.get_extractor(self.extractor)
        if compute.NEEDS_REAL.intersection(self.metric_names):
            self._real = evaluation.source_features(
                self.dataset, self.extractor, self.num_samples, self.split
            )
        self._prepared = True

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every or logs is None:
            return
        # Once, also when the extractor was passed built (the real features were
        # then never read, and FID failed on None).
        if not self._prepared:
            self._prepare()
        fake = features.extract(self.extractor, self.model, self.num_samples, self.seed)
        results = compute.compute(
            self.metric_names, self._real, fake, self.extractor.name
        )
        for name, result in results.items():
            logs[name] = result.value
            if result.std is not None:
                logs[f"{name}_std"] = result.std
