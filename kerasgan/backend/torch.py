"""PyTorch adapter: `torch.autograd.grad` per phase, eager by default."""

import torch


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


def input_gradient(fn, x):
    x = x.detach().requires_grad_(True)
    y = fn(x).float()
    # create_graph keeps the penalty differentiable with respect to the weights.
    (gradient,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return gradient


def no_grad():
    return torch.no_grad()
