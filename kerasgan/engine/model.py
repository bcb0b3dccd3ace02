"""`AdversarialModel`: named networks and optimizers, declared phases, data and logs.

The base of every kerasgan model. A variant declares
- its networks (`networks={"g_ab": ..., "d_a": ...}`, each kept as an attribute),
- its batch (`data_spec()` and `unpack(data)`),
- its phases (`phases()`: loss, networks trained, optimizer, repeats, interval),
- and its optimizers' defaults (`default_optimizers()`),
and the engine runs them on every backend: one train step written in `keras.ops`,
gradients through `kerasgan.backend`, checks before `fit()` trains.
"""

import inspect
import warnings

import keras
from keras import ops

from kerasgan import backend
from kerasgan.backend import rng
from kerasgan.engine import distribution
from kerasgan.engine import validation
from kerasgan.engine.optimizer import GANOptimizer
from kerasgan.engine.optimizer import attribute_name
from kerasgan.engine.optimizer import deserialize_optimizer
from kerasgan.engine.optimizer import serialize_optimizer
from kerasgan.utils import preset_io

# keras.Model.fit's parameters after x and y, in order.
_FIT_PARAMETERS = list(inspect.signature(keras.Model.fit).parameters)[3:]
_KERAS_COMPILE_ARGS = ("jit_compile", "run_eagerly", "steps_per_execution", "auto_scale_loss")


@keras.saving.register_keras_serializable(package="kerasgan")
class AdversarialModel(keras.Model):
    """A model trained by adversarial phases with plain `fit()` on any Keras backend.

    Subclasses declare networks, data, phases and default optimizers; nothing in a
    subclass is backend-specific. See `docs/engine.md` for a complete CycleGAN-shaped
    example and the contract of every extension point.

    Args:
        networks: a dict `{name: keras.Model}`; each network becomes the attribute
            `name` (and its weights are saved under that name).
        seed: seed of the training RNG (`self.seed_generator`); None draws one.
        ema_decay: when set (e.g. 0.999), keep an exponential moving average of the
            networks named in `ema_networks` (see `enable_ema`).
        ema_networks: names of the networks to average (default:
            `default_ema_networks`, the generator).
        **kwargs: `keras.Model` arguments (`name`, `dtype`).
    """

    #: The networks `ema_decay` averages when no names are given.
    default_ema_networks = ("generator",)
    #: The networks that draw or translate data (`generate`, `translate`), as
    #: `fnmatch` patterns: what "generator parameters" counts in the zoo.
    sampling_networks = ("generator",)

    def __init__(self, networks, seed=None, ema_decay=None, ema_networks=None, **kwargs):
        super().__init__(**kwargs)
        self.network_names = tuple(networks)
        for name, network in networks.items():
            setattr(self, name, network)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="latent_seed")
        self._trackers = {}
        self.ema_decay = None
        self.ema_network_names = ()
        if ema_decay is not None:
            self.enable_ema(ema_decay, ema_networks or self.default_ema_networks)
        # The networks are built; building the model on a real batch would call
        # `self(x)` on data.
        self.built = True

    # ------------------------------------------------------------ declarations
    def data_spec(self):
        """The training batch, a tuple of `kerasgan.engine.DataSpec` in order."""
        raise NotImplementedError(f"{type(self).__name__} must define data_spec().")

    def phases(self):
        """The phases of one train step, in order (a list of `kerasgan.Phase`)."""
        raise NotImplementedError(f"{type(self).__name__} must define phases().")

    def default_optimizers(self):
        """`{name: optimizer}` for the optimizers `compile()` is not given."""
        return {}

    def extra_log_names(self):
        """Logs a step reports besides its phases' (none by default)."""
        return ()

    def log_names(self):
        """Every log the train step may report: the phases' declared logs, in order."""
        names = []
        for phase in self.phases():
            names += [n for n in phase.logs if n not in names]
        return names + [n for n in self.extra_log_names() if n not in names]

    def network(self, name):
        if name not in self.network_names:
            raise KeyError(f"No network named {name!r}; this model has {list(self.network_names)}.")
        return getattr(self, name)

    @property
    def networks(self):
        """`{name: network}`, in declaration order."""
        return {name: getattr(self, name) for name in self.network_names}

    def phase_variables(self, phase):
        """The trainable variables `phase` updates."""
        if phase.networks and all(isinstance(n, str) for n in phase.networks):
            unique = {}
            for name in phase.networks:
                for variable in self.network(name).trainable_variables:
                    unique.setdefault(id(variable), variable)
            return list(unique.values())
        return list(phase.networks)

    def phase_optimizer(self, phase):
        if isinstance(phase.optimizer, str):
            return self.optimizer.get(phase.optimizer)
        return phase.optimizer

    # ------------------------------------------------------------------ compile
    def compile(self, optimizers=None, **kwargs):
        """Configures training: one optimizer per name the phases use.

        Args:
            optimizers: `{name: optimizer}` (instances, names or configs); names left
                out take `default_optimizers()`.
            **kwargs: `keras.Model.compile` arguments such as `jit_compile`,
                `run_eagerly`, `steps_per_execution`.
        """
        self._refuse_keras_losses(kwargs)
        optimizers = {**self.default_optimizers(), **(optimizers or {})}
        needed = self._optimizer_keys()
        missing = [k for k in needed if optimizers.get(k) is None]
        if missing:
            raise ValueError(
                f"{type(self).__name__}.compile() needs an optimizer for "
                f"{', '.join(repr(k) for k in missing)} (its phases use "
                f"{list(needed)}). Example: compile(optimizers={{"
                + ", ".join(f"{k!r}: keras.optimizers.Adam(2e-4, beta_1=0.5)" for k in needed)
                + "})."
            )
        unused = [k for k in optimizers if k not in needed]
        if unused:
            raise ValueError(
                f"{type(self).__name__} has no phase using the optimizer(s) {unused}; "
                f"its phases use {list(needed)}."
            )
        # Checked before Keras's compile: a refused compile leaves the model as it was.
        super().compile(**kwargs)
        prepared = {k: self._prepare_optimizer(k, optimizers[k]) for k in needed}
        self.optimizer = GANOptimizer(prepared)
        self.optimizer.build_for(self._variables_by_optimizer())
        self._check_phases()
        self._create_trackers()
        self._optimizers_config = {k: serialize_optimizer(v) for k, v in prepared.items()}
        self._keras_compile_config = {
            k: v for k, v in kwargs.items() if k in _KERAS_COMPILE_ARGS
        }
        # A new step: Keras rebuilds its train function.
        self.train_function = None

    def _refuse_keras_losses(self, kwargs):
        for unsupported in ("optimizer", "loss", "metrics", "loss_weights", "weighted_metrics"):
            if unsupported in kwargs:
                raise TypeError(
                    f"{type(self).__name__}.compile() does not take {unsupported!r}; "
                    "its phases define the losses and `optimizers` (or g_optimizer/"
                    "d_optimizer) the optimizers."
                )

    def _optimizer_keys(self):
        keys = []
        for phase in self.phases():
            if isinstance(phase.optimizer, str) and phase.optimizer not in keys:
                keys.append(phase.optimizer)
        return keys

    def _variables_by_optimizer(self):
        """Each optimizer's variables: every variable of the phases that use it."""
        by_key = {key: {} for key in self.optimizer.optimizer_keys}
        for phase in self.phases():
            if isinstance(phase.optimizer, str):
                for variable in self.phase_variables(phase):
                    by_key[phase.optimizer].setdefault(id(variable), variable)
        return {key: list(variables.values()) for key, variables in by_key.items()}

    def _check_phases(self):
        """Every phase names a known optimizer and trains all of its variables."""
        names = [phase.name for phase in self.phases()]
        if len(set(names)) != len(names):
            raise ValueError(f"{type(self).__name__} has phases with the same name: {names}.")
        for phase in self.phases():
            if not isinstance(phase.optimizer, str):
                continue
            optimizer = self.optimizer.get(phase.optimizer)
            built = {id(v) for v in optimizer._trainable_variables}
            trained = {id(v) for v in self.phase_variables(phase)}
            if trained != built:
                raise ValueError(
                    f"Phase {phase.name!r} trains {len(trained & built)} of the "
                    f"{len(built)} variables of the optimizer {phase.optimizer!r}"
                    + (f" and {len(trained - built)} others" if trained - built else "")
                    + ". An optimizer's phases must all train the same networks (its "
                    "state follows its variables): give this phase its own optimizer."
                )

    def _prepare_optimizer(self, key, optimizer):
        optimizer = keras.optimizers.get(optimizer)
        if self.dtype_policy.name == "mixed_float16" and not isinstance(
            optimizer, keras.optimizers.LossScaleOptimizer
        ):
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        if not optimizer.built:
            # Names the learning rate Keras's callbacks log: learning_rate_g_optimizer.
            optimizer.name = attribute_name(key)
        return optimizer

    def _create_trackers(self):
        self._trackers = {name: keras.metrics.Mean(name=name) for name in self.log_names()}

    def _ensure_trackers(self):
        declared = self.log_names()
        if list(self._trackers) != list(declared):
            kept = self._trackers
            self._trackers = {n: kept.get(n) or keras.metrics.Mean(name=n) for n in declared}
            self.train_function = None

    @property
    def metrics(self):
        return list(self._trackers.values())

    @property
    def is_compiled(self):
        return isinstance(getattr(self, "optimizer", None), GANOptimizer)

    # -------------------------------------------------------------- train step
    def train_step(self, *args):
        # Keras passes (data,) on TF and torch and (state, data) on JAX.
        return backend.train_step(self, *args)

    def unpack(self, data):
        """The batch as a tuple in `data_spec()` order (None for absent optional parts)."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        elements = validation.batch_elements(x, y)
        specs = self.data_spec()
        elements = elements + [None] * (len(specs) - len(elements))
        batch = []
        for spec, element in zip(specs, elements):
            if element is None:
                if spec.required:
                    validation.check_batch_shape(None, spec, type(self).__name__)
                batch.append(None)
                continue
            validation.check_batch_shape(element, spec, type(self).__name__)
            dtype = "float32" if spec.kind == "data" else "int32"
            if spec.kind == "label":
                element = ops.reshape(element, (-1,))
            batch.append(ops.cast(element, dtype))
        return tuple(batch)

    def batches_per_step(self):
        """Real batches one train step consumes: the largest `repeats` of a phase
        that asks for a fresh batch per repeat, else 1."""
        return _batches_per_step(self.phases())

    def step_plan(self):
        """`[(phase, variables, optimizer)]`: the phases resolved once per `fit()`.

        On torch the step runs eagerly, every step: resolving the phases' variables
        (a walk over every layer) once per fit instead of once per step keeps the
        engine's Python overhead off the step time.
        """
        plan = getattr(self, "_step_plan", None)
        if plan is None:
            plan = [(p, self.phase_variables(p), self.phase_optimizer(p)) for p in self.phases()]
        return plan

    def gan_train_step(self, data):
        """One step, backend-agnostic: every phase in order, then the logs."""
        batch = self.unpack(data)
        plan = self.step_plan()
        count = _batches_per_step(phase for phase, _, _ in plan)
        chunks = split_batch(batch, count) if count > 1 else [batch]
        step = self.optimizer.iterations
        for phase, variables, optimizer in plan:
            run = self._phase_runner(phase, variables, optimizer, chunks)
            if phase.interval == 1:
                run()
            else:
                backend.run_if(ops.equal(step % phase.interval, 0), run)
        self.after_step()
        self.optimizer.iterations.assign_add(1)
        return {name: tracker.result() for name, tracker in self._trackers.items()}

    def _phase_runner(self, phase, variables, optimizer, chunks):
        def run():
            for i in range(phase.repeats):
                batch = chunks[i % len(chunks)] if phase.fresh_batch else chunks[0]
                logs = self._run_phase(phase, batch, variables, optimizer)
            self._track(phase, logs)

        return run

    def _track(self, phase, logs):
        for name, value in logs.items():
            self._trackers[name].update_state(value)

    def _check_logs(self, phase, logs):
        for name in logs:
            if name not in phase.logs:
                raise ValueError(
                    f"Phase {phase.name!r} of {type(self).__name__} returned the log "
                    f"{name!r}, which it does not declare (declared: {list(phase.logs)}). "
                    f"Add it to the phase: Phase(..., logs=(..., {name!r}))."
                )

    def _run_phase(self, phase, batch, variables, optimizer):

        def scaled_loss():
            loss, logs = phase.loss_fn(*batch)
            loss, extra_logs = self.regularize_phase(phase, loss, variables, batch)
            logs = {**logs, **extra_logs}
            if phase.loss_scale != 1.0:
                loss = loss * phase.loss_scale
            # Scaled for the replicas after the logs: they report the loss itself.
            return backend.scale_loss_for_replicas(optimizer.scale_loss(loss)), logs

        _, logs, gradients = backend.value_and_grad(scaled_loss, variables)
        # A variable the loss does not reach (D's output bias under R1) gets a zero
        # gradient, as JAX gives: every backend then updates the optimizer's moments
        # alike, and Keras does not warn of missing gradients.
        gradients = [ops.zeros_like(v) if g is None else g
                     for g, v in zip(gradients, variables)]
        # Before the update: on torch (eager) a wrong phase must not change weights.
        self._check_logs(phase, logs)
        backend.apply_gradients(optimizer, gradients, variables)
        self.after_phase(phase, variables, optimizer)
        return logs

    def regularize_phase(self, phase, loss, variables, batch):
        """Terms added to a phase's loss: returns `(loss, logs of the terms)`.

        GAN adds historical averaging and the regularizers attached every step;
        none here. The logs must be declared by the phase.
        """
        return loss, {}

    def after_phase(self, phase, variables, optimizer):
        """Runs after a phase's update (inside the step); nothing here."""

    def after_step(self):
        """Runs at the end of every train step (inside the step): EMA updates."""
        if self.ema_decay is not None:
            self._update_ema()

    # --------------------------------------------------------------------- EMA
    def enable_ema(self, decay=0.999, networks=("generator",)):
        """Keeps an exponential moving average (EMA) of the named networks' weights.

        For each name a non-trainable copy `ema_<name>` (e.g. `ema_generator`) is
        updated at the end of every train step inside the (jitted) step and saved
        with the model. Its variables belong to the model, so create it before
        `fit()`.

        Args:
            decay: the EMA decay in (0, 1), e.g. 0.999. Early steps use
                `min(decay, (1 + t) / (10 + t))` as tf.train.ExponentialMovingAverage,
                so the average is not stuck near the initial weights.
            networks: the names of the networks to average.
        """
        if not 0.0 < float(decay) < 1.0:
            raise ValueError(f"ema_decay must lie in (0, 1), e.g. 0.999; got {decay}.")
        networks = (networks,) if isinstance(networks, str) else tuple(networks)
        for name in networks:
            if getattr(self, f"ema_{name}", None) is None:
                network = self.network(name)
                average = keras.models.clone_model(network)
                average.set_weights(network.get_weights())
                average.trainable = False
                setattr(self, f"ema_{name}", average)
        self.ema_network_names = tuple(dict.fromkeys(self.ema_network_names + networks))
        self.ema_decay = float(decay)
        # The decay and the EMA update are fixed when the step is traced.
        self.train_function = None

    def _update_ema(self):
        # Non-trainable weights (batch-norm statistics) are copied.
        step = ops.cast(self.optimizer.iterations, "float32")
        decay = ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        with backend.no_grad():
            for name in self.ema_network_names:
                averages = getattr(self, f"ema_{name}").weights
                weights = self.network(name).weights
                if [w.shape for w in averages] != [w.shape for w in weights]:
                    raise ValueError(
                        f"The EMA copy ema_{name} no longer matches the network {name!r} "
                        "(a stage grew or replaced it). Rebuild it after changing the "
                        f"network: delattr(model, 'ema_{name}'), then "
                        f"model.enable_ema(decay, networks=({name!r},))."
                    )
                for average, weight in zip(averages, weights):
                    if weight.trainable:
                        average.assign(decay * average + (1.0 - decay) * weight)
                    else:
                        average.assign(weight)

    # ------------------------------------------------------------------ fit
    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """`keras.Model.fit`, checking inputs first and stopping on non-finite losses.

        What a model cannot train on is refused before any step runs: data that does
        not match `data_spec()`, empty data, labels out of range or one-hot, integer
        images, `validation_data`/`validation_split`. A
        `kerasgan.callbacks.NonFiniteLossGuard` is added unless `callbacks` holds one;
        training that turns NaN/inf stops and raises `FloatingPointError`.
        """
        name = type(self).__name__
        if not self.is_compiled:
            raise RuntimeError(
                f"{name} is not compiled: call model.compile() (e.g. "
                "gan.compile(g_optimizer=..., d_optimizer=...)) before fit()."
            )
        # Positional options (batch_size, epochs, ...) as keras.Model.fit names them.
        kwargs.update(zip(_FIT_PARAMETERS, args))
        callbacks = kwargs.pop("callbacks", callbacks)
        validation.check_fit_arguments(kwargs, name)
        validation.check_training_data(x, y, self.data_spec(), name)
        self._check_phases()
        self._ensure_trackers()
        x, y, kwargs, callbacks = distribution.shard_for_process(
            x, y, kwargs, list(callbacks or [])
        )
        x, y, kwargs = self._batch_for_step(x, y, kwargs)
        if not hasattr(x, "shape"):
            # Pipelines and generators shuffle themselves; Keras warns when asked to.
            kwargs.setdefault("shuffle", False)
        callbacks = _log_writers_first(list(callbacks or []))
        guard = self._guard(callbacks)
        for callback in callbacks:
            # Callbacks that cooperate with others (SampleGrid writes to TensorBoard's
            # log dir) get to see the list; Keras gives a callback only the model.
            if hasattr(callback, "set_peers"):
                callback.set_peers(callbacks)
            # Callbacks that measure against the training data get fit's data.
            if hasattr(callback, "set_fit_data"):
                callback.set_fit_data(x)
        # Set past Keras's attribute tracking: a list holding variables would be
        # tracked (listed and saved) as the model's own.
        object.__setattr__(self, "_step_plan", None)
        object.__setattr__(self, "_step_plan", self.step_plan())
        try:
            with backend.variables_kept_on_error(self):
                history = super().fit(x, y, callbacks=callbacks, **kwargs)
        finally:
            # A hook or the user may change phases or networks between fits.
            object.__setattr__(self, "_step_plan", None)
        if guard.error:
            raise FloatingPointError(guard.error)
        return history

    @staticmethod
    def _guard(callbacks):
        guards = [c for c in callbacks if isinstance(c, validation.NonFiniteLossGuard)]
        if guards:
            return guards[0]
        callbacks.insert(0, validation.NonFiniteLossGuard())
        return callbacks[0]

    def _batch_for_step(self, x, y, kwargs):
        """Gives the step `batches_per_step()` real batches at once."""
        count = self.batches_per_step()
        if count == 1:
            return x, y, kwargs
        if hasattr(x, "shape"):
            kwargs["batch_size"] = count * (kwargs.get("batch_size") or 32)
        elif hasattr(x, "element_spec"):
            from kerasgan.backend import tf_data

            x = tf_data.merge_batches(x, count)
        else:
            warnings.warn(
                f"{type(self).__name__} draws a fresh real batch for each of its "
                f"{count} critic steps: each batch of this data is split into {count}. "
                f"Yield batches {count}× as large (arrays and tf.data datasets are "
                "batched so automatically).",
                stacklevel=3,
            )
        return x, y, kwargs

    def evaluate(self, *args, **kwargs):
        raise NotImplementedError(
            f"{type(self).__name__} has no validation loss, so evaluate() has nothing "
            "to compute; measure samples with kerasgan.metrics (FID, KID, "
            "precision/recall) or the kerasgan.callbacks.Metrics callback."
        )

    def test_step(self, *args):
        raise NotImplementedError(
            "GANs have no validation loss; evaluate with kerasgan.metrics instead of "
            "validation_data/evaluate()."
        )

    # ----------------------------------------------------------------- presets
    @classmethod
    def from_preset(cls, preset, sha256=None):
        """Loads a pretrained model of this class: a zoo name, a folder or a URL.

        Args:
            preset: a built-in name (`kerasgan.zoo.names()`), a folder written by
                `save_to_preset`, or an `https://` URL of an archive of one.
            sha256: the archive's sha256, required for URLs.

        Returns:
            The model, weights loaded and checked against their sha256.

        Example:

        ```python
        gan = kerasgan.models.DCGAN.from_preset("dcgan_fashion_mnist")
        images = gan.generate(16, seed=0)
        ```
        """
        gan = preset_io.load(preset, sha256=sha256)  # the zoo's loader, registered
        if not isinstance(gan, cls):
            kind = type(gan).__name__
            raise ValueError(
                f"Preset {str(preset)!r} holds a {kind}, not a {cls.__name__}: load it with "
                f"kerasgan.models.{kind}.from_preset or kerasgan.zoo.load."
            )
        return gan

    def save_to_preset(self, directory, metadata=None):
        """Writes the model as a preset folder that `from_preset`/`zoo.load` read.

        The folder holds `config.json`, `model.weights.h5` (every network and
        EMA network; no optimizer state) and `metadata.json` (versions, backend,
        parameter counts, a reference slice of `generate(2, seed=0)` — of the
        translations of two fixed inputs for a data-to-data model — and the
        sha256 of every file).

        Args:
            directory: the folder to write (created if needed).
            metadata: extra entries for `metadata.json`, e.g. `{"dataset": ...}`.

        Returns:
            The folder, a `pathlib.Path`.
        """
        return preset_io.save(self, directory, metadata)  # kerasgan.zoo.save_preset

    # ------------------------------------------------------------------ config
    def _base_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "ema_networks": list(self.ema_network_names),
        }

    def get_config(self):
        return {
            **self._base_config(),
            "networks": {
                name: keras.saving.serialize_keras_object(network)
                for name, network in self.networks.items()
            },
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("networks"), dict):
            config["networks"] = {
                k: keras.saving.deserialize_keras_object(v) if isinstance(v, dict) else v
                for k, v in config["networks"].items()
            }
        return cls(**config)

    def _rng_states(self):
        # `variables` lists the SeedGenerator states (the model's and e.g. Dropout's);
        # `weights` does not, and Keras does not save them: a resumed run needs them
        # (and, on torch, the global RNG unseeded Dropout layers draw from).
        weights = {id(v) for v in self.weights}
        return [v for v in self.variables if id(v) not in weights]

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, state in enumerate(self._rng_states()):
            store[f"rng_{i}"] = state
        global_state = rng.global_state()
        if global_state is not None:
            store["rng_global"] = global_state

    def load_own_variables(self, store):
        keys = list(store.keys())
        states = self._rng_states()
        for i, state in enumerate(states):
            if f"rng_{i}" in keys:  # files saved before RNG states were kept lack them
                state.assign(store[f"rng_{i}"])
        if "rng_global" in keys:
            rng.set_global_state(store["rng_global"])
        super().load_own_variables(
            {k: store[k] for k in keys if not k.startswith("rng_")}
        )

    def get_compile_config(self):
        if not self.is_compiled:
            return None
        return {"optimizers": dict(self._optimizers_config), **self._keras_compile_config}

    def compile_from_config(self, config):
        config = dict(config)
        if "optimizers" in config:
            config["optimizers"] = {
                k: deserialize_optimizer(v) for k, v in config["optimizers"].items()
            }
        self.compile(**config)


def _log_writers_first(callbacks):
    """The callbacks, those that add values to the epoch logs (`adds_epoch_logs`:
    Metrics' fid, ModeCollapseAlarm's diversity) first, the others in their order.

    Keras hands every callback the same logs dict in list order, so a LossPlot,
    EarlyStopping or ModelCheckpoint listed before Metrics would otherwise never see
    its values; with this order the list can be written in any order.
    """
    writers = [c for c in callbacks if getattr(c, "adds_epoch_logs", False)]
    return writers + [c for c in callbacks if c not in writers]


def _batches_per_step(phases):
    return max([p.repeats for p in phases if p.fresh_batch] or [1])


def split_batch(batch, count):
    """Splits every element of `batch` into `count` consecutive chunks.

    Chunk `i` holds examples `[i·s, (i+1)·s)` with `s = ceil(n / count)`; in a last,
    short batch the final chunks overlap the previous ones rather than being empty.
    """
    reference = next(e for e in batch if e is not None)
    n = ops.shape(reference)[0]
    size = (n + count - 1) // count
    chunks = []
    for i in range(count):
        start = ops.minimum(i * size, n - size) if not isinstance(n, int) else min(
            i * size, n - size
        )
        chunks.append(
            tuple(None if e is None else e[start : start + size] for e in batch)
        )
    return chunks
