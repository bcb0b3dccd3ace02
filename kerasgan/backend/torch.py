"""PyTorch adapter: `torch.autograd.grad` per phase, eager by default."""

import contextlib
import os

import torch


def _usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _limit_threads_on_small_machines():
    """One intra-op thread on machines with at most 2 usable CPUs, unless the user chose.

    With torch's default (one OpenMP thread per CPU) a 2-CPU machine that has anything
    else running swings from ~270 ms to 1.8 s per DCGAN step, because OpenMP threads
    spin at every barrier while their partner waits for a CPU; one thread is as fast
    as two under load and much more stable (measurements: docs/performance.md). An
    explicit choice wins: OMP_NUM_THREADS / MKL_NUM_THREADS, a `torch.set_num_threads`
    made before importing kerasgan (torch no longer at its default) or after it.
    """
    if os.environ.get("OMP_NUM_THREADS") or os.environ.get("MKL_NUM_THREADS"):
        return
    cpus = _usable_cpus()
    if cpus <= 2 and torch.get_num_threads() == cpus > 1:
        torch.set_num_threads(1)


_limit_threads_on_small_machines()


def train_step(model, data):
    return model.gan_train_step(data)


def value_and_grad(loss_fn, variables):
    loss, aux = loss_fn()
    gradients = torch.autograd.grad(loss, [v.value for v in variables], allow_unused=True)
    aux = torch.utils._pytree.tree_map(
        lambda t: t.detach() if isinstance(t, torch.Tensor) else t, aux
    )
    return loss.detach(), aux, list(gradients)


def apply_gradients(optimizer, gradients, variables):
    with torch.no_grad():
        optimizer.apply(gradients, variables)


def run_if(condition, fn):
    """Runs `fn()` when `condition` holds (the step runs eagerly)."""
    if bool(condition):
        fn()


def variables_kept_on_error(model):
    # PyTorch's trainer never empties variables.
    return contextlib.nullcontext()


def input_gradient(fn, x):
    x = x.detach().requires_grad_(True)
    y = fn(x).float()
    # create_graph keeps the penalty differentiable with respect to the weights.
    (gradient,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return gradient


def no_grad():
    return torch.no_grad()


def accelerators():
    """Names of the CUDA devices torch sees."""
    return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]


def compile_inference(fn, variables):
    """`fn` run eagerly without autograd.

    `torch.compile` of the DCGAN generator was measured on this project's 2-core CPU:
    its first call (one per batch shape) compiles for over a minute, which a
    `generate()` of a few thousand images never wins back, and its images differ from
    eager ones by more than 1e-6. Eager `no_grad` is the faster choice for `generate`.
    """
    del variables  # eager calls read the variables' current values

    def run(*args):
        with torch.no_grad():
            return fn(*args)

    return run
