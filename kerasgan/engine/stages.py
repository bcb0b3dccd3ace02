"""Staged training: successive `fit()` calls with a hook between them, resumable.

Progressive GANs grow their networks between stages and fade the new layers in,
fine-tuning recipes freeze a pre-trained part, multi-scale models (SinGAN) move to the
next pyramid level. `fit_stages` runs such a schedule as a list of `Stage`s, one
`model.fit()` per stage, calling each stage's hook on the model first and re-compiling
when the hook changed what the optimizers train.

## Re-compilation after a hook

A hook may change the model: build new layers, replace a network, freeze one. The
optimizers are built over the variables each trains, so after a hook, in this order:

1. when the stage gives `compile=` or its hook returns a dict, `model.compile(**it)`
   (new optimizers, fresh state);
2. else when the hook called `model.compile` itself, that stands;
3. else when the variables any optimizer trains changed (new, removed, frozen or
   unfrozen variables), the model is re-compiled with its own compile configuration
   and the optimizers' current settings (a learning rate lowered by
   `ReduceLROnPlateau` stays lowered): the optimizers whose variables changed start
   with a fresh state (ProGAN resets Adam at every level), the others keep theirs;
4. else the optimizers stay as they are; the train step is traced again (a hook may
   change Python values the step reads, such as a fade-in schedule).

In every case the model's step count (`model.optimizer.iterations`: lazy phases,
the EMA warm-up) continues across stages; per-optimizer counts restart with a fresh
state.

## Resuming (`backup_dir`)

`backup_dir` holds
- `stages.json`: the stages (name, epochs) and those finished, written atomically;
- `stage_<i>.start.weights.h5`: stage `i`'s state after its hook and compile, before
  its first step (every weight, optimizer state and RNG state);
- `stage_<i>.backup/`: `keras.callbacks.BackupAndRestore`'s files during stage `i`;
- `stage_<i>.end.weights.h5`: the state at the end of the last finished stage.

A process killed during stage `i` and started again with the same call continues
stage `i` from its last finished epoch and ends with the same weights as a run that
was never interrupted. How, given a freshly built model (a new process):

1. Every hook runs again, in order, finished stages included (without training): the
   weights of stage `i` can only be loaded into the structure that saved them, and a
   grown generator has variables the initial one lacks. So the structure is rebuilt
   first and the weights restored after.
2. After the hook of the last finished stage, its end state is loaded; the next hook
   then runs on the same weights as in the first run (a hook that copies old layers
   into new ones sees trained weights).
3. After the hook of the interrupted stage, its start state is loaded: what the hook
   drew at random (the initial weights of new layers) is the first run's. Then
   `BackupAndRestore` restores the last epoch it saved, if any.

Hence what is asked of a hook: it builds the same structure (the same variables, in
the same order) every time it runs on the model the previous stages built, whatever
the weights; its other effects must be idempotent or harmless (they are overwritten
by the restored state). The data order is the caller's to make deterministic, as for
`BackupAndRestore` alone (arrays with `shuffle=False`, a seeded pipeline).

Calling `fit_stages` again on the same model object after an exception (in a
notebook) also resumes: the driver records on the model which hooks it applied and
does not apply them twice. A model that went through stages without `backup_dir`
cannot be resumed: build a fresh one.
"""

import dataclasses
import json
import pathlib
import shutil
from typing import Any
from typing import Callable

import keras

from kerasgan.engine.optimizer import attribute_name
from kerasgan.engine.optimizer import serialize_optimizer
from kerasgan.utils.files import atomic_path
from kerasgan.utils.files import write_json

#: The progress file in `backup_dir`.
PROGRESS_FILE = "stages.json"
_FORMAT = 1
# Where the driver records, on the model object, the stages whose hooks it applied.
_APPLIED = "_kerasgan_applied_stages"


@dataclasses.dataclass(frozen=True)
class Stage:
    """One stage of a staged training: a hook, then `epochs` epochs of `fit()`.

    Args:
        name: the stage's name, unique within a schedule ("4x4", "grow_8x8",
            "finetune"); recorded in `backup_dir/stages.json`.
        epochs: epochs of this stage's `fit()` (counted from 0 in every stage).
        data: what `fit()` trains on (an array, a tuple of arrays, a
            `tf.data.Dataset`, ...), or a function `data(model)` returning it,
            called after the hook (the data of a pyramid level, a resolution).
        fit_kwargs: other `fit()` arguments of this stage (`batch_size`,
            `steps_per_epoch`, `callbacks`, `verbose`, ...); they override the
            common ones given to `fit_stages`.
        before: the hook, `before(model)`, run before the stage's `fit()`: grow a
            network, freeze a part, change a fade-in schedule. It may return a dict
            of `model.compile()` arguments to re-compile with (new optimizers), or
            call `model.compile` itself; see the module's notes on re-compilation.
            It must build the same structure every time it runs (resuming runs it
            again).
        compile: `model.compile()` arguments for this stage, a dict or a function
            `compile(model)` returning one, applied after the hook (a hook's
            returned dict is merged over it).

    Example:

    ```python
    stages = [
        kerasgan.engine.Stage("8x8", epochs=10, data=lambda m: images_at(8)),
        kerasgan.engine.Stage("16x16", epochs=10, data=lambda m: images_at(16),
                              before=lambda m: m.grow()),
    ]
    ```
    """

    name: str
    epochs: int
    data: Any = None
    fit_kwargs: dict = dataclasses.field(default_factory=dict)
    before: Callable = None
    compile: Any = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"A Stage needs a non-empty name; got {self.name!r}.")
        epochs = self.epochs
        if isinstance(epochs, bool) or int(epochs) != epochs or epochs < 1:
            raise ValueError(
                f"Stage {self.name!r}: epochs must be a positive integer; "
                f"got {self.epochs!r}."
            )
        object.__setattr__(self, "epochs", int(self.epochs))
        if self.before is not None and not callable(self.before):
            raise TypeError(
                f"Stage {self.name!r}: before must be a function of the model; "
                f"got {self.before!r}."
            )
        object.__setattr__(self, "fit_kwargs", dict(self.fit_kwargs or {}))
        for key in ("epochs", "initial_epoch", "x"):
            if key in self.fit_kwargs:
                raise TypeError(
                    f"Stage {self.name!r}: {key!r} is not a fit_kwargs entry; "
                    "the stage gives epochs= and data= itself."
                )

    def resolve_data(self, model):
        """The stage's data: `data(model)` when `data` is a function, else `data`."""
        data = self.data(model) if callable(self.data) else self.data
        if data is None:
            raise ValueError(
                f"Stage {self.name!r} has no data: give Stage(..., data=...)."
            )
        return data


def fit_stages(model, stages, backup_dir=None, callbacks=None, **fit_kwargs):
    """Trains `model` through `stages`: each stage's hook, then its `fit()`.

    For every stage in order: run `stage.before(model)`, re-compile when needed
    (see the module's notes), then `model.fit(stage data, epochs=stage.epochs,
    ...)`. With `backup_dir`, every stage is resumable: rerunning the same call
    after the process was killed (with a freshly built, compiled model) skips the
    finished stages, re-applying their hooks so that the saved weights fit the
    model, and continues the interrupted stage from its last finished epoch with
    `keras.callbacks.BackupAndRestore`. Rerunning a completed call trains nothing
    and loads the final weights.

    Args:
        model: a `kerasgan.AdversarialModel`, compiled unless the first stage
            gives `compile=`.
        stages: a list of `Stage`s with unique names.
        backup_dir: a folder for the progress file, the stages' start and end
            states and `BackupAndRestore`'s files; None: not resumable.
        callbacks: callbacks given to every stage's `fit()` (the same instances),
            before the stage's own. Not a `BackupAndRestore`: with `backup_dir`
            the driver makes one per stage.
        **fit_kwargs: `fit()` arguments common to every stage (`batch_size`,
            `verbose`, `shuffle`, ...); a stage's `fit_kwargs` override them.

    Returns:
        A dict `{stage name: keras.callbacks.History}`, in stage order; `None` for
        the stages a resumed call skipped because they had finished.

    Raises:
        ValueError: on duplicate stage names, or when `backup_dir` records other
            finished stages than these (another schedule wrote it).

    Example:

    ```python
    def grow(model):
        model.grow()                        # adds layers to G and D
        model.fade_in.assign(0.0)

    history = kerasgan.engine.fit_stages(
        model,
        [
            kerasgan.engine.Stage("4x4", epochs=5, data=lambda m: images(4)),
            kerasgan.engine.Stage("8x8", epochs=5, data=lambda m: images(8),
                                  before=grow),
        ],
        backup_dir="runs/progan/stages",
        batch_size=64,
        callbacks=[kerasgan.callbacks.LossPlot("runs/progan/losses.png")],
    )
    ```
    """
    stages = _check_stages(stages)
    common = list(callbacks or [])
    _refuse_backup_callbacks(common, "callbacks")
    for stage in stages:
        _refuse_backup_callbacks(stage.fit_kwargs.get("callbacks") or [], stage.name)
    for key in ("epochs", "initial_epoch", "x"):
        if key in fit_kwargs:
            raise TypeError(
                f"fit_stages() does not take {key!r}: each Stage gives its epochs= "
                "and data=."
            )
    progress = _Progress(backup_dir, stages) if backup_dir is not None else None
    finished = progress.finished if progress else []
    applied = _applied_stages(model, stages, finished, resumable=progress is not None)
    histories = {}
    for index, stage in enumerate(stages):
        if index >= len(applied):
            _enter(model, stage)
            applied.append(stage.name)
            object.__setattr__(model, _APPLIED, tuple(applied))
        if stage.name in finished:
            histories[stage.name] = None
            # The model has this stage's structure (the next hook has not run on it):
            # the place for the last finished stage's end state.
            if index == len(finished) - 1 and len(applied) == index + 1:
                progress.load(model, progress.end_path(index), stage)
            continue
        histories[stage.name] = _run(model, stages, index, progress, common, fit_kwargs)
    return histories


def _check_stages(stages):
    stages = list(stages)
    if not stages:
        raise ValueError("fit_stages() needs at least one Stage.")
    for stage in stages:
        if not isinstance(stage, Stage):
            raise TypeError(
                f"fit_stages() takes kerasgan.engine.Stage objects; got {stage!r}."
            )
    names = [stage.name for stage in stages]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Stage names must be unique; repeated: {duplicates}.")
    return stages


def _refuse_backup_callbacks(callbacks, where):
    if any(isinstance(c, keras.callbacks.BackupAndRestore) for c in callbacks):
        raise ValueError(
            f"fit_stages(): a BackupAndRestore in {where!r} would restore one stage's "
            "weights into another's model. Pass backup_dir= instead: the driver "
            "makes one per stage."
        )


def _applied_stages(model, stages, finished, resumable):
    """The stages whose hooks this model object already went through."""
    applied = list(getattr(model, _APPLIED, ()))
    names = [stage.name for stage in stages]
    if applied and not resumable:
        raise ValueError(
            f"This {type(model).__name__} already went through the stages {applied} "
            "of an earlier fit_stages() call, which had no backup_dir to resume "
            "from: build a fresh model."
        )
    if applied != names[: len(applied)] or len(applied) > len(finished) + 1:
        raise ValueError(
            f"This {type(model).__name__} went through the stages {applied}, but the "
            f"schedule is {names} and {finished or 'none'} finished: resume with the "
            "same stages and backup_dir, or build a fresh model."
        )
    return applied


def _enter(model, stage):
    """Runs the stage's hook and re-compiles the model as the hook requires."""
    compiled = model.is_compiled
    optimizer = model.optimizer if compiled else None
    step = int(keras.ops.convert_to_numpy(optimizer.iterations)) if compiled else 0
    trained = _trained_variables(model) if compiled else None
    returned = stage.before(model) if stage.before is not None else None
    if returned is not None and not isinstance(returned, dict):
        raise TypeError(
            f"Stage {stage.name!r}: the hook returned {type(returned).__name__}; it "
            "returns None or a dict of model.compile() arguments."
        )
    arguments = stage.compile(model) if callable(stage.compile) else stage.compile
    if returned:
        arguments = {**(arguments or {}), **returned}
    if arguments is not None:
        model.compile(**arguments)
    elif model.is_compiled and model.optimizer is not optimizer:
        pass  # the hook compiled the model
    elif not compiled:
        raise RuntimeError(
            f"{type(model).__name__} is not compiled: compile it before fit_stages() "
            f"or give the first stage compile= (Stage({stage.name!r}, ..., "
            "compile={...}))."
        )
    elif stage.before is None:
        return
    elif _trained_variables(model) != trained:
        _recompile(model, optimizer, trained)
    else:
        # Same optimizers; the step may read Python state the hook changed.
        model.train_function = None
        return
    model.optimizer.iterations.assign(step)


def _trained_variables(model):
    """`{optimizer name: (variables...)}`: what each optimizer trains, in order."""
    by_key = {}
    for phase in model.phases():
        if isinstance(phase.optimizer, str):
            variables = by_key.setdefault(phase.optimizer, {})
            for variable in model.phase_variables(phase):
                variables.setdefault(id(variable), variable)
    # Held as objects, so that no id is reused while the two are compared.
    return {key: _Identity(tuple(v.values())) for key, v in by_key.items()}


class _Identity:
    """A tuple of variables compared by identity."""

    def __init__(self, variables):
        self.variables = variables

    def __eq__(self, other):
        return len(self.variables) == len(other.variables) and all(
            a is b for a, b in zip(self.variables, other.variables)
        )


def _recompile(model, old, trained_before):
    """Compiles `model` again like before, with `old`'s current optimizer settings.

    Optimizers whose variables did not change keep their state (moments, counts).
    """
    config = model.get_compile_config()
    if config is None:
        raise RuntimeError(
            f"The hook changed what {type(model).__name__}'s optimizers train, and the "
            "model has no compile configuration to re-compile from: give the stage "
            "compile= (or return compile() arguments from the hook)."
        )
    config = dict(config)
    current = {key: serialize_optimizer(old.get(key)) for key in old.optimizer_keys}
    if isinstance(config.get("optimizers"), dict):
        config["optimizers"] = {
            key: current.get(key, value) for key, value in config["optimizers"].items()
        }
    for key, value in current.items():
        if attribute_name(key) in config:  # GAN: g_optimizer, d_optimizer
            config[attribute_name(key)] = value
    model.compile_from_config(config)
    trained_after = _trained_variables(model)
    for key in old.optimizer_keys:
        if key not in model.optimizer.optimizer_keys:
            continue
        if key in trained_before and trained_before.get(key) == trained_after.get(key):
            new_variables = model.optimizer.get(key).variables
            old_variables = old.get(key).variables
            if len(new_variables) == len(old_variables):
                for new, value in zip(new_variables, old_variables):
                    new.assign(value)


def _run(model, stages, index, progress, common, fit_kwargs):
    stage = stages[index]
    data = stage.resolve_data(model)
    kwargs = {**fit_kwargs, **stage.fit_kwargs}
    callbacks = common + list(kwargs.pop("callbacks", None) or [])
    if progress is not None:
        start = progress.start_path(index)
        if start.exists():
            progress.load(model, start, stage)
        else:
            progress.save(model, start)
        # First: it restores before the others start and saves before any of them
        # can stop the epoch.
        backup = keras.callbacks.BackupAndRestore(str(progress.backup_path(index)))
        callbacks.insert(0, backup)
    if kwargs.get("verbose", "auto") != 0:
        print(
            f"Stage {index + 1}/{len(stages)} {stage.name!r}: {stage.epochs} epoch(s)",
            flush=True,
        )
    try:
        history = model.fit(data, epochs=stage.epochs, callbacks=callbacks, **kwargs)
    finally:
        # BackupAndRestore tells fit() the epoch to resume from through
        # `model._initial_epoch`, which Keras (3.15) never resets: every later fit()
        # of the model would start from that epoch, and the next stage would skip as
        # many of its epochs.
        if getattr(model, "_initial_epoch", None) is not None:
            model._initial_epoch = None
    if progress is not None:
        progress.finish(model, index)
    return history


class _Progress:
    """The files of a resumable staged training in `directory`."""

    def __init__(self, directory, stages):
        self.directory = pathlib.Path(directory)
        self.plan = [{"name": s.name, "epochs": s.epochs} for s in stages]
        self.path = self.directory / PROGRESS_FILE
        self.finished = []
        if self.path.exists():
            state = json.loads(self.path.read_text())
            self.finished = list(state.get("finished", []))
            self._check(state.get("stages", []))
        self._write()

    def _check(self, recorded):
        done = len(self.finished)
        if (
            done > len(self.plan)
            or recorded[:done] != self.plan[:done]
            or self.finished != [s["name"] for s in self.plan[:done]]
        ):
            raise ValueError(
                f"{self.path} records the finished stages {recorded[:done]}, which are "
                f"not the first stages of this schedule {self.plan}. Resume with the "
                "same stages, or use another backup_dir (or delete this one) to start "
                "over."
            )
        # The interrupted stage's files belong to a stage of the same name.
        if len(recorded) > done and done < len(self.plan):
            if recorded[done]["name"] != self.plan[done]["name"] and (
                self.start_path(done).exists() or self.backup_path(done).exists()
            ):
                raise ValueError(
                    f"{self.directory} holds the unfinished stage "
                    f"{recorded[done]['name']!r}, but this schedule's stage {done + 1} "
                    f"is {self.plan[done]['name']!r}. Resume with the same stages, or "
                    "use another backup_dir."
                )

    def _write(self):
        write_json(
            self.path,
            {"format": _FORMAT, "stages": self.plan, "finished": self.finished},
        )

    def start_path(self, index):
        return self.directory / f"stage_{index}.start.weights.h5"

    def end_path(self, index):
        return self.directory / f"stage_{index}.end.weights.h5"

    def backup_path(self, index):
        return self.directory / f"stage_{index}.backup"

    def save(self, model, path):
        with atomic_path(path) as tmp:
            model.save_weights(tmp, overwrite=True)

    def load(self, model, path, stage):
        if not path.exists():
            raise FileNotFoundError(
                f"{path} is missing: {self.path} needs it to resume after stage "
                f"{stage.name!r}. Use another backup_dir (or delete this one) to "
                "start over."
            )
        try:
            model.load_weights(str(path))
        except (ValueError, KeyError) as error:
            raise ValueError(
                f"Could not restore {path} into {type(model).__name__} after "
                f"re-applying the hooks up to stage {stage.name!r}: {error}. A hook "
                "must build the same structure every time it runs, and fit_stages() "
                "resumes a freshly built model (or the same object it trained)."
            ) from error

    def finish(self, model, index):
        """Saves the end state of stage `index`, then marks it finished."""
        self.save(model, self.end_path(index))
        self.finished.append(self.plan[index]["name"])
        self._write()
        for stale in [self.start_path(index)] + [self.end_path(i) for i in range(index)]:
            if stale.exists():
                stale.unlink()
        shutil.rmtree(self.backup_path(index), ignore_errors=True)
