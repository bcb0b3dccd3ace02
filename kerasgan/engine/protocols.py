"""Task protocols: what callbacks, metrics and presets may ask of a model.

Callbacks test `isinstance(model, LatentToData)` instead of probing attributes with
`hasattr`, so a model declares what it can do by inheriting the protocol.
"""


class LatentToData:
    """A model that draws data from latents: `generate(n, seed=..., labels=...)`.

    Implementers provide `latent_dim`, `generate(n, seed=None, labels=None)`,
    `latents_for(n, seed)`, `generate_from_latents(latents, labels=None)` and
    `check_labels(labels, n)`; `kerasgan.GAN` does.
    """

    def generate(self, n, seed=None, labels=None, batch_size=256):
        raise NotImplementedError


class DataToData:
    """A model that maps inputs to outputs: `translate(x)` (Pix2Pix, CycleGAN, SRGAN).

    Implementers provide `translate(x, batch_size=...)`, returning a NumPy array in
    the data range, the same on every backend, and `sample_inputs(n, seed)` where a
    model keeps example inputs for sample grids (optional).
    """

    def translate(self, x, batch_size=256):
        raise NotImplementedError


def is_latent_to_data(model):
    return isinstance(model, LatentToData)


def is_data_to_data(model):
    return isinstance(model, DataToData)
