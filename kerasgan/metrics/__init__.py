"""Evaluation metrics: FID, KID, precision/recall, density/coverage, classifier score,
mode coverage, on Inception or domain-classifier features; toy 2-D mode statistics;
image-to-image scores (PSNR, SSIM, bicubic baseline, translation accuracy, L1).

Every result is a `MetricResult` that carries its N and its extractor.
"""

from kerasgan.metrics.class_accuracy import class_accuracy
from kerasgan.metrics.class_accuracy import per_class_accuracy
from kerasgan.metrics.class_accuracy import real_per_class_accuracy
from kerasgan.metrics.class_accuracy import reconstruction_per_class_accuracy
from kerasgan.metrics.class_fid import per_class_fid
from kerasgan.metrics.classifier_score import classifier_score_from_logits
from kerasgan.metrics.density_coverage import density_coverage_from_features
from kerasgan.metrics.evaluation import FID
from kerasgan.metrics.evaluation import KID
from kerasgan.metrics.evaluation import ClassifierScore
from kerasgan.metrics.evaluation import DensityCoverage
from kerasgan.metrics.evaluation import ModeCoverage
from kerasgan.metrics.evaluation import PrecisionRecall
from kerasgan.metrics.evaluation import evaluate
from kerasgan.metrics.extractors import FeatureExtractor
from kerasgan.metrics.extractors import get_extractor
from kerasgan.metrics.features import extract
from kerasgan.metrics.image_quality import psnr
from kerasgan.metrics.image_quality import rgb_to_y
from kerasgan.metrics.image_quality import sharpness_ratio
from kerasgan.metrics.image_quality import ssim
from kerasgan.metrics.image_to_image import bicubic_upscale
from kerasgan.metrics.image_to_image import evaluate_super_resolution
from kerasgan.metrics.image_to_image import evaluate_translation
from kerasgan.metrics.image_to_image import l1_distance
from kerasgan.metrics.image_to_image import super_resolution_scores
from kerasgan.metrics.image_to_image import translation_accuracy
from kerasgan.metrics.image_to_image import translation_fid
from kerasgan.metrics.inception_score import inception_score
from kerasgan.metrics.kid import kid_from_features
from kerasgan.metrics.latent import posterior_prior_mmd
from kerasgan.metrics.latent import rbf_mmd2
from kerasgan.metrics.latent import reconstruction_error
from kerasgan.metrics.mode_coverage import mode_coverage
from kerasgan.metrics.precision_recall import precision_recall_from_features
from kerasgan.metrics.results import MetricResult
from kerasgan.metrics.stats import FeatureStatistics
from kerasgan.metrics.stats import fid_from_features
from kerasgan.metrics.stats import frechet_distance
from kerasgan.metrics.toy import mode_statistics
