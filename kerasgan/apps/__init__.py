"""Applications of trained GANs: augmentation, anomaly detection, inversion, transfer.

Each application is an API here, a `kerasgan` CLI verb and a page in docs/apps/:

- `augment`, `tstr`: synthetic data for classifiers (docs/apps/augmentation.md);
- `AnomalyDetector`: f-AnoGAN and GANomaly one-class detection (docs/apps/anomaly.md);
- `invert`, `interpolate`, `edit`: latent inversion and editing (docs/apps/inversion.md);
- `finetune`: a zoo model adapted to a new domain with few images (docs/apps/finetune.md).
"""

from kerasgan.apps.transfer import finetune
