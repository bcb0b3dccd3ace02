"""The standard contract every registered variant is tested against.

`tests/test_variant_contract.py` runs these checks for every entry of
`kerasgan.models.registry`, on each backend; a new variant gets them by being
registered. Each check builds a tiny instance (`tiny_model`), so the whole contract
runs in seconds per variant.
"""

import numpy as np

from kerasgan.models import registry

TINY_IMAGES = dict(latent_dim=8, data_shape=(16, 16, 1), g_filters=4, d_filters=4)
TINY_VECTORS = dict(latent_dim=8, data_shape=(2,), hidden_units=(16, 16))
TINY_CLASSES = 4


def tiny_config(name, seed=3):
    """Constructor arguments of a tiny instance of the registered variant `name`."""
    variant = registry.get(name)
    if variant.tiny is not None:
        return {**variant.tiny, "seed": seed}
    config = dict(TINY_IMAGES if tuple(variant.data_ranks) == registry.IMAGES else TINY_VECTORS)
    if variant.conditional:
        config["num_classes"] = TINY_CLASSES
    return {**config, "seed": seed}


def tiny_model(name, seed=3, compiled=True):
    """A tiny instance, compiled with the variant's defaults (Adam where it has none)."""
    model = registry.get(name).cls(**tiny_config(name, seed))
    if compiled:
        defaults = model.default_optimizers()
        model.compile(**({} if defaults else adam_pair()))
    return model


def adam_pair():
    import keras

    return {"g_optimizer": keras.optimizers.Adam(1e-3), "d_optimizer": keras.optimizers.Adam(1e-3)}


def random_batch(model, n, seed=0):
    """`n` examples for `model.fit`, one array per element of its `data_spec()`."""
    rng = np.random.default_rng(seed)
    arrays = []
    for spec in model.data_spec():
        if not spec.required and spec.kind == "label":
            continue
        if spec.kind in ("label", "tokens"):  # tokens: (n,) + shape ids
            arrays.append(rng.integers(0, spec.num_classes, (n,) + spec.shape).astype("int32"))
        else:
            arrays.append(rng.uniform(-1, 1, (n,) + spec.shape).astype("float32"))
    return arrays


def fit_steps(model, steps, batch_size=8, seed=0):
    """Trains `steps` train steps (each may consume several batches)."""
    n = steps * batch_size * model.batches_per_step()
    arrays = random_batch(model, n, seed)
    model.fit(*arrays, batch_size=batch_size, epochs=1, verbose=0, shuffle=False)


def expected_iterations(model, steps):
    """Each optimizer's update count after `steps` steps, from the declared phases."""
    counts = {key: 0 for key in model.optimizer.optimizer_keys}
    for phase in model.phases():
        runs = len([t for t in range(steps) if t % phase.interval == 0])
        counts[phase.optimizer] += runs * phase.repeats
    return counts


def sample(model, n=3, seed=0):
    """What the model makes from a fixed seed: `generate` (with labels 0, 1, ...), or
    for a data-to-data model the translations of `n` fixed random inputs."""
    if registry.get(registry.name_of(model)).task == registry.TRANSLATE:
        return model.translate(random_batch(model, n, seed)[0])
    labels = None
    if registry.get(registry.name_of(model)).conditional:
        labels = np.arange(n) % TINY_CLASSES
    return model.generate(n, seed=seed, labels=labels)
