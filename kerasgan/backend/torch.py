"""PyTorch adapter: `torch.autograd.grad` per phase, eager by default."""

import contextlib
import math
import os

import keras
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


def _world():
    """The number of `torch.distributed` ranks training together (1 when none)."""
    distributed = torch.distributed
    if not (distributed.is_available() and distributed.is_initialized()):
        return 1
    return distributed.get_world_size()


def train_step(model, data):
    """One step; data-parallel when `torch.distributed` is initialised.

    Data-parallel as `DistributedDataParallel`, without wrapping (a GAN step calls
    its networks directly, which a DDP wrapper would bypass): the first step
    broadcasts rank 0's weights, optimizer and RNG states; `apply_gradients`
    averages each phase's gradients over the ranks; after each step rank 0's
    non-trainable variables (batch-norm statistics, computed per rank) are broadcast,
    as DDP broadcasts its buffers; the metrics are averaged over the ranks, so every
    rank's callbacks see the same logs.
    """
    if _world() == 1:
        return model.gan_train_step(data)
    optimizer = model.optimizer
    if getattr(model, "_ranks_synced_for", None) is not optimizer:
        _broadcast(model.variables + optimizer.variables)
        object.__setattr__(model, "_ranks_synced_for", optimizer)
    model.gan_train_step(data)
    _broadcast(model.non_trainable_variables)
    return _averaged_metrics(model)


def _broadcast(variables):
    with torch.no_grad():
        for variable in {id(v): v for v in variables}.values():
            torch.distributed.broadcast(variable.value.data, src=0)


def _all_reduce_mean(tensors):
    """Averages float tensors over the ranks in one collective call."""
    flat = torch.cat([t.reshape(-1).float() for t in tensors])
    torch.distributed.all_reduce(flat)
    flat /= _world()
    sizes = [t.numel() for t in tensors]
    return [
        part.reshape(t.shape).to(t.dtype)
        for part, t in zip(torch.split(flat, sizes), tensors)
    ]


def _averaged_metrics(model):
    """The logs, every metric's state averaged over the ranks first.

    Keras's epoch-end logs come from the metrics' state, not from the step's logs.
    The ranks' states are equal before the step and each adds its own values, so
    their average is the state of the metrics over the global batch (equal shares).
    """
    variables = model.metrics_variables
    with torch.no_grad():
        for variable, value in zip(variables, _all_reduce_mean([v.value for v in variables])):
            variable.value.data.copy_(value)
    return {metric.name: metric.result() for metric in model.metrics}


def replica_index_and_count():
    """`(rank, world size)` under `torch.distributed`; `(0, 1)` otherwise."""
    world = _world()
    return (torch.distributed.get_rank(), world) if world > 1 else (0, 1)


def scale_loss_for_replicas(loss):
    # The gradients are averaged over the ranks in apply_gradients.
    return loss


def process_rank_and_count():
    """Each `torch.distributed` rank reads its own shard of the data."""
    return replica_index_and_count()


def value_and_grad(loss_fn, variables):
    loss, aux = loss_fn()
    gradients = torch.autograd.grad(loss, [v.value for v in variables], allow_unused=True)
    aux = torch.utils._pytree.tree_map(
        lambda t: t.detach() if isinstance(t, torch.Tensor) else t, aux
    )
    return loss.detach(), aux, list(gradients)


def apply_gradients(optimizer, gradients, variables):
    with torch.no_grad():
        if _world() > 1:
            gradients = _averaged_over_ranks(gradients)
        optimizer.apply(gradients, variables)


def _averaged_over_ranks(gradients):
    # A variable outside the loss's graph has no gradient on any rank (same graph).
    present = [i for i, g in enumerate(gradients) if g is not None]
    averaged = _all_reduce_mean([gradients[i] for i in present])
    gradients = list(gradients)
    for i, gradient in zip(present, averaged):
        gradients[i] = gradient
    return gradients


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


# Large convolutional networks at inference (the FID Inception): torch.compile runs
# them about 2× faster than eager after a one-time compilation of about 100 s
# (measured on one core; docs/metrics.md), which N = 10,000 images wins back many times. One
# batch shape keeps it to one compilation (FeatureExtractor pads the last batch).
HEAVY_INFERENCE_JIT_COMPILE = True

# Depthwise convolution and shifted slices cost about the same; the convolution
# is one op (scripts/bench_fir.py).
FIXED_FILTER_AS_SLICES = False


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


def cross_replica_moments(x, axes):
    """Moments over the ranks' rows: the sums of x and x² are all-reduced by
    `torch.distributed.nn`'s differentiable all_reduce, whose backward sums the
    ranks' gradients, as torch's SyncBatchNorm does; so the ranks' averaged
    gradients are the one-device gradient. Same formula as Keras's torch moments
    (E[x²] − E[x]²), so one device and N ranks agree to rounding."""
    if _world() == 1:
        return keras.ops.moments(x, axes)
    from torch.distributed.nn import functional as distributed

    x32, axes = x.float(), tuple(axes)
    sums = torch.sum(x32, dim=axes)
    count = torch.tensor([float(math.prod(x.shape[a] for a in axes))], device=x.device)
    totals = distributed.all_reduce(torch.cat([
        sums.reshape(-1), torch.sum(torch.square(x32), dim=axes).reshape(-1), count,
    ]))
    size = sums.numel()
    mean = totals[:size] / totals[-1]
    variance = totals[size:-1] / totals[-1] - torch.square(mean)
    return mean.reshape(sums.shape).to(x.dtype), variance.reshape(sums.shape).to(x.dtype)
