"""The zoo: pretrained kerasgan models, loaded offline and checked against their hashes.

```python
kerasgan.zoo.list()                               # the built-in entries
gan = kerasgan.zoo.load("dcgan_fashion_mnist")    # any entry, class from its config
gan = kerasgan.models.DCGAN.from_preset("dcgan_fashion_mnist")  # class-checked
gan.save_to_preset("my_run/")                     # and kerasgan.zoo.load("my_run/")
kerasgan.zoo.save_lean_preset("my_run/", "dist/")  # generate()'s weights, float16
```
"""

from kerasgan.utils import preset_io as _preset_io
from kerasgan.zoo.lean import save_lean_preset
from kerasgan.zoo.preset import PresetError
from kerasgan.zoo.preset import load_preset
from kerasgan.zoo.preset import reference_slice
from kerasgan.zoo.preset import save_preset
from kerasgan.zoo.preset import verify_preset
from kerasgan.zoo.registry import info
from kerasgan.zoo.registry import list
from kerasgan.zoo.registry import load
from kerasgan.zoo.registry import names
from kerasgan.zoo.registry import resolve
from kerasgan.zoo.registry import zoo_root

# `GAN.from_preset` and `GAN.save_to_preset` read and write presets through this
# registration: the engine sits below the zoo and does not import it.
_preset_io.register(load=load, save=save_preset)
