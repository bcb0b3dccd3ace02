"""The framework-global RNG state that Keras layers may draw from.

On PyTorch, Keras draws the masks of `Dropout` layers built without a seed from
torch's global generator (`keras/src/backend/torch/random.py`), not from a
`SeedGenerator`; an exactly resumed run needs that state too. TensorFlow and JAX
layers draw from `SeedGenerator`s only, so there is nothing to save there.
"""

import keras
import numpy as np


def global_state():
    """torch's global RNG state as a uint8 array on PyTorch; None elsewhere."""
    if keras.backend.backend() != "torch":
        return None
    import torch

    return torch.get_rng_state().numpy()


def set_global_state(state):
    """Restores a state from `global_state()`; a no-op on TensorFlow and JAX."""
    if keras.backend.backend() != "torch":
        return
    import torch

    torch.set_rng_state(torch.from_numpy(np.asarray(state, dtype="uint8")))
