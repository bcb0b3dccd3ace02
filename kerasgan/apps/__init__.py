"""Applications of trained GANs: augmentation, anomaly detection, inversion, transfer.

Each application is an API here, a `kerasgan` CLI verb and a page in docs/apps/:

- `augment`, `tstr`: synthetic data for classifiers (docs/apps/augmentation.md);
- `AnomalyDetector`: f-AnoGAN and GANomaly one-class detection (docs/apps/anomaly.md);
- `invert`, `interpolate`, `edit`: latent inversion and editing (docs/apps/inversion.md);
- `finetune`: a zoo model adapted to a new domain with few images (docs/apps/finetune.md).
"""

from kerasgan.apps.augmentation import augment
from kerasgan.apps.augmentation import tstr
from kerasgan.apps.inversion import class_directions
from kerasgan.apps.inversion import edit
from kerasgan.apps.inversion import interpolate
from kerasgan.apps.inversion import invert
from kerasgan.apps.inversion import label_latents
from kerasgan.apps.inversion import train_encoder
from kerasgan.apps.anomaly import AnomalyDetector
from kerasgan.apps.transfer import finetune
