"""Reads a TorchScript file into NumPy arrays (for converting weights to Keras).

Imported lazily, only when weights are converted: PyTorch is needed then and never
again. It lives in `kerasgan.backend` because that is the one package that may import
a framework; it works whatever the Keras backend is.
"""

import numpy as np
import torch


def read_state_dict(path):
    """The parameters and buffers of a TorchScript module, as float32 NumPy arrays."""
    module = torch.jit.load(str(path), map_location="cpu")
    return {
        name: value.detach().cpu().numpy().astype("float32")
        for name, value in module.state_dict().items()
    }


def run_module(path, inputs_nchw):
    """Runs a TorchScript module on NCHW float32 inputs (the reference in tests)."""
    module = torch.jit.load(str(path), map_location="cpu").eval()
    with torch.no_grad():
        return module(torch.from_numpy(np.asarray(inputs_nchw, "float32"))).numpy()
