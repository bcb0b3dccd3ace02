"""Shared test harness and test models (used by tests/ and docs/engine.md)."""

from kerasgan.testing import harness
from kerasgan.testing.two_domain_gan import TwoDomainGAN
