"""Layers for GANs that behave the same on every Keras backend."""

from kerasgan.layers.conditional_batch_norm import ConditionalBatchNormalization
from kerasgan.layers.diff_augment import DiffAugment
from kerasgan.layers.image_pool import ImagePool
from kerasgan.layers.minibatch_stddev import MinibatchStdDev
from kerasgan.layers.self_attention import SelfAttention2D
from kerasgan.layers.spectral_normalization import SpectralNormalization
from kerasgan.layers.sync_batch_norm import SyncBatchNormalization
from kerasgan.layers.pixel_shuffle import PixelShuffle
from kerasgan.layers.reflection_padding import ReflectionPadding2D
from kerasgan.layers.linear_conditional_batch_norm import LinearConditionalBatchNormalization
from kerasgan.layers.equalized import EqualizedConv2D
from kerasgan.layers.equalized import EqualizedDense
from kerasgan.layers.equalized import ScaledLeakyReLU
from kerasgan.layers.fir_resample import Downsample2D
from kerasgan.layers.fir_resample import Upsample2D
from kerasgan.layers.modulated_conv import ModulatedConv2D
from kerasgan.layers.adain_conv import AdaINConv2D
from kerasgan.layers.noise_injection import NoiseInjection
from kerasgan.layers.pixel_normalization import PixelNormalization
from kerasgan.layers.bicubic_upsample import BicubicUpsample
