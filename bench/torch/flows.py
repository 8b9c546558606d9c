"""Plain-PyTorch references of flowsbi's conditional autoregressive flows, for benchmarks.

The architecture is flowsbi's, operation for operation (no nflows/zuko/sbi), so that a timing
ratio compares the same computation (bench/checkTorchParity.ts checks the log-densities agree):

* MADE (src/nn/made.ts, src/nn/conditioner.ts, src/nn/dense.ts), hidden widths [H, H], ReLU:
    h1 = relu(x (W1 * M1) + c V + b1)      (the context enters through its own unmasked kernel V;
                                            the first layer has one bias b1)
    h2 = relu(h1 (W2 * M2) + b2)
    p  = h2 (W3 * M3) + b3, reshaped to [batch, P, D]: column k*D + i is parameter k of dimension i.
  Degrees: input i (1-based) has degree i; hidden unit k has degree k mod D with a context (degree-0
  units see the context alone and feed dimension 1), else (k mod (D-1)) + 1 (0 when D = 1);
  output column c has degree (c mod D) + 1. Hidden masks connect when degree(out) >= degree(in),
  the output mask when degree(out) > degree(in). Masks multiply the weights.
  Weights here are stored like flowsbi's kernels, [inputs, outputs] (x @ W), not PyTorch's [out, in].
* Elementwise transforms (src/bijectors/monotonic/):
  - affine: parameters (shift t, raw r), s = r / (1 + |r| / 3), y = x exp(s) + t;
  - rational-quadratic spline (Durkan et al. 2019), K bins on [-B, B], linear tails, 3K + 1
    parameters: widths = 2B (m + (1 - K m) softmax(raw[0:K])), m = minSlope / (1 + (K - 1) minSlope),
    heights likewise from raw[K:2K], knots = -B + cumsum (not forced to B at the end), derivatives
    d = exp(r / (1 + |r| / L)), r = raw[2K:3K+1], L = -log(minD) (raw 0 gives d = 1).
    Bin j of v is (k_j, k_{j+1}], bin 0 also holds -B. Outside [-B, B]: y = T(clip(x)) + d_b (x - clip(x)).
* A layer maps base z to data y by y_i = T(z_i; theta_i(y_<i, c)) (src/bijectors/maskedAutoregressive.ts):
  the density direction (data -> base) is one MADE pass, T^{-1}; sampling takes D passes.
* Flow (src/flows/builders.ts, src/flows/nsf.ts): layers L_1, R, L_2, R, ..., L_K from base to data,
  R the reversal of the columns (none after the last layer), standard normal base.
"""
from __future__ import annotations

import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


def blas_library() -> str:
    """The BLAS shared library this process loaded (Debian's torch links the libblas.so.3
    alternative: reference BLAS unless OpenBLAS is installed, e.g. libopenblas0-serial)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    real = sorted({os.path.realpath(l) for l in libs})
    blas = [r for r in real if "libblas" in os.path.basename(r)]
    return (blas or real or ["none found"])[0]


def time_steps(step, warmup: int, steps: int) -> dict:
    """Run step() warmup times untimed, then steps times timed: median, min and all times in ms
    (the fields every reference script reports)."""
    import statistics
    import time

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return {"ms_median": statistics.median(times), "ms_min": min(times), "ms_all": [round(t, 4) for t in times]}


def nll_step(model, theta: torch.Tensor, x: torch.Tensor, lr: float):
    """One maximum-likelihood training step as flowsbi's `fit` takes it: -mean log q(theta | x),
    backward, global-norm clipping at 5, Adam. Returns the step as a function of no arguments."""
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss = -model.log_prob(theta, x).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()

    return step


def made_masks(dim: int, hidden: list[int], params_per_dim: int, conditional: bool = False) -> list[torch.Tensor]:
    """0/1 masks [fan_in, fan_out] per layer, as src/nn/made.ts builds them. With a context, the
    hidden degrees cycle over 0..D-1 (units of degree 0 see the context alone and feed the first
    dimension's parameters); without one, over 1..D-1 as in nflows."""
    in_deg = torch.arange(1, dim + 1)

    def degrees(h: int) -> torch.Tensor:
        if conditional:
            return torch.arange(h) % dim
        return (torch.arange(h) % (dim - 1)) + 1 if dim > 1 else torch.zeros(h, dtype=torch.long)

    hid_deg = [degrees(h) for h in hidden]
    out_deg = (torch.arange(dim * params_per_dim) % dim) + 1
    masks = [(hid_deg[0][None, :] >= in_deg[:, None])]
    for l in range(1, len(hidden)):
        masks.append(hid_deg[l][None, :] >= hid_deg[l - 1][:, None])
    masks.append(out_deg[None, :] > hid_deg[-1][:, None])
    return [m.to(torch.get_default_dtype()) for m in masks]


def _uniform(shape, fan_in: int) -> nn.Parameter:
    # PyTorch's default Linear init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as src/nn/init.ts.
    bound = 1.0 / math.sqrt(max(1, fan_in))
    return nn.Parameter(torch.empty(shape).uniform_(-bound, bound))


class MADE(nn.Module):
    """MADE with a context: [batch, D], [batch, C] -> raw parameters [batch, P, D]."""

    def __init__(self, dim: int, context_dim: int, hidden: list[int], params_per_dim: int):
        super().__init__()
        assert len(hidden) >= 1
        self.dim, self.context_dim, self.params_per_dim = dim, context_dim, params_per_dim
        masks = made_masks(dim, hidden, params_per_dim, context_dim > 0)
        widths = [dim] + list(hidden) + [dim * params_per_dim]
        fan_in0 = dim + context_dim
        self.kernels = nn.ParameterList()
        self.biases = nn.ParameterList()
        for l in range(len(widths) - 1):
            fan_in = fan_in0 if l == 0 else widths[l]
            self.kernels.append(_uniform((widths[l], widths[l + 1]), fan_in))
            self.biases.append(_uniform((widths[l + 1],), fan_in))
            self.register_buffer(f"mask{l}", masks[l])
        self.context_kernel = _uniform((context_dim, hidden[0]), fan_in0) if context_dim > 0 else None

    def masks(self) -> list[torch.Tensor]:
        return [getattr(self, f"mask{l}") for l in range(len(self.kernels))]

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        masks = self.masks()
        last = len(self.kernels) - 1
        h = torch.addmm(self.biases[0], x, self.kernels[0] * masks[0])
        if self.context_kernel is not None:
            h = h + context @ self.context_kernel
        h = torch.relu(h)
        for l in range(1, last):
            h = torch.relu(torch.addmm(self.biases[l], h, self.kernels[l] * masks[l]))
        out = torch.addmm(self.biases[last], h, self.kernels[last] * masks[last])
        return out.reshape(x.shape[0], self.params_per_dim, self.dim)


class AffineTransform:
    """y = x exp(s) + t, s = raw / (1 + |raw| / bound) (src/bijectors/monotonic/affine.ts)."""

    params_per_dim = 2

    def __init__(self, log_scale_bound: float = 3.0):
        self.bound = log_scale_bound

    def _split(self, p: torch.Tensor):
        raw = p[:, 1]
        return p[:, 0], raw / (1 + raw.abs() / self.bound)

    def forward(self, x: torch.Tensor, p: torch.Tensor):
        t, s = self._split(p)
        return x * torch.exp(s) + t, s

    def inverse(self, y: torch.Tensor, p: torch.Tensor):
        t, s = self._split(p)
        return (y - t) * torch.exp(-s), -s


class RQSplineTransform:
    """Monotonic rational-quadratic spline with linear tails (src/bijectors/monotonic/rqSpline.ts
    and rqSplineSpec.ts), with autograd instead of the hand-written gradients."""

    def __init__(self, bins: int = 8, bound: float = 5.0, min_slope: float = 0.2, min_derivative: float = 0.5):
        self.K, self.B = bins, bound
        self.min_bin = min_slope / (1 + (bins - 1) * min_slope)
        self.params_per_dim = 3 * bins + 1
        self.log_d_bound = -math.log(min_derivative)

    def _knots(self, p: torch.Tensor):
        K, B = self.K, self.B
        m = self.min_bin
        w = 2 * B * (m + (1 - K * m) * torch.softmax(p[:, :K], dim=1))
        h = 2 * B * (m + (1 - K * m) * torch.softmax(p[:, K:2 * K], dim=1))
        pad = (0, 0, 1, 0)  # one leading zero along the bin axis (dim 1)
        xk = F.pad(torch.cumsum(w, dim=1), pad) - B  # [b, K+1, d]
        yk = F.pad(torch.cumsum(h, dim=1), pad) - B
        r = p[:, 2 * K:3 * K + 1]
        d = torch.exp(r / (1 + r.abs() / self.log_d_bound))  # [b, K+1, d]
        return xk, yk, d

    def _bin(self, v: torch.Tensor, knots: torch.Tensor) -> torch.Tensor:
        # Bin j holds (k_j, k_{j+1}] (bin 0 also -B): count the interior knots strictly below v.
        return (v.unsqueeze(1) > knots[:, 1:self.K]).sum(dim=1, keepdim=True)  # [b, 1, d]

    @staticmethod
    def _pick(t: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
        return torch.gather(t, 1, idx).squeeze(1)

    def _select(self, v, knots, xk, yk, d):
        idx = self._bin(v, knots)
        x0, y0 = self._pick(xk, idx), self._pick(yk, idx)
        wk, hk = self._pick(xk, idx + 1) - x0, self._pick(yk, idx + 1) - y0
        return x0, y0, wk, hk, self._pick(d, idx), self._pick(d, idx + 1)

    @staticmethod
    def _log_deriv(theta, s, dk, dk1):
        om = 1 - theta
        q = theta * om
        den = s + (dk + dk1 - 2 * s) * q
        num = dk1 * theta ** 2 + 2 * s * q + dk * om ** 2
        return 2 * torch.log(s) + torch.log(num) - 2 * torch.log(den), q, den

    def forward(self, x: torch.Tensor, p: torch.Tensor):
        xk, yk, d = self._knots(p)
        xc = x.clamp(-self.B, self.B)
        x0, y0, wk, hk, dk, dk1 = self._select(xc, xk, xk, yk, d)
        e = x - xc
        inside = x == xc
        theta = torch.where(inside, (xc - x0) / wk, (e > 0).to(x.dtype))
        s = hk / wk
        log_deriv, q, den = self._log_deriv(theta, s, dk, dk1)
        y = y0 + hk * (s * theta ** 2 + dk * q) / den + (dk + theta * (dk1 - dk)) * e
        return y, log_deriv

    def inverse(self, y: torch.Tensor, p: torch.Tensor):
        xk, yk, d = self._knots(p)
        yc = y.clamp(-self.B, self.B)
        x0, y0, wk, hk, dk, dk1 = self._select(yc, yk, xk, yk, d)
        s = hk / wk
        dy = yc - y0
        curv = dy * (dk1 + dk - 2 * s)
        a = hk * (s - dk) + curv
        b = hk * dk - curv
        c = -s * dy
        disc = torch.relu(b * b - 4 * a * c)
        raw_theta = (2 * c) / (-b - torch.sqrt(disc))
        e = y - yc
        inside = y == yc
        theta = torch.where(inside, raw_theta.clamp(0, 1), (e > 0).to(y.dtype))
        log_deriv, _, _ = self._log_deriv(theta, s, dk, dk1)
        x = x0 + theta * wk + e / (dk + theta * (dk1 - dk))
        return x, -log_deriv


class MaskedAutoregressive(nn.Module):
    """y_i = T(z_i; theta_i(y_<i, c)); inverse (density) in one pass, forward (sampling) in D."""

    def __init__(self, dim: int, context_dim: int, hidden: list[int], transform):
        super().__init__()
        self.transform = transform
        self.made = MADE(dim, context_dim, hidden, transform.params_per_dim)

    def inverse(self, y, context):
        return self.transform.inverse(y, self.made(y, context))

    def forward(self, z, context):
        y = torch.zeros_like(z)
        for _ in range(z.shape[1]):
            y, log_abs_det = self.transform.forward(z, self.made(y, context))
        return y, log_abs_det


class Flow(nn.Module):
    """L_1, R, L_2, R, ..., L_K (base -> data) with R the column reversal; standard normal base."""

    def __init__(self, dim: int, context_dim: int, hidden: list[int], transforms: int, make_transform):
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(
            [MaskedAutoregressive(dim, context_dim, hidden, make_transform()) for _ in range(transforms)]
        )

    def log_prob(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        z = x
        log_det = torch.zeros(x.shape[0], dtype=x.dtype)
        for k in range(len(self.layers) - 1, -1, -1):
            z, ld = self.layers[k].inverse(z, context)
            log_det = log_det + ld.sum(dim=1)
            if k > 0 and self.dim > 1:
                z = z.flip(1)
        base = -0.5 * (z * z).sum(dim=1) - 0.5 * self.dim * math.log(2 * math.pi)
        return base + log_det

    def transform_forward(self, z: torch.Tensor, context: torch.Tensor | None = None):
        """Base -> data with the log|det| (the sampling direction)."""
        log_det = torch.zeros(z.shape[0], dtype=z.dtype)
        for k, layer in enumerate(self.layers):
            if k > 0 and self.dim > 1:
                z = z.flip(1)
            z, ld = layer(z, context)
            log_det = log_det + ld.sum(dim=1)
        return z, log_det

    @torch.no_grad()
    def sample(self, n: int, context: torch.Tensor | None = None, generator=None) -> torch.Tensor:
        """n draws for one context row [1, C] (or none)."""
        z = torch.randn(n, self.dim, generator=generator)
        c = context.expand(n, -1) if context is not None else None
        return self.transform_forward(z, c)[0]


def maf(dim: int, context_dim: int = 0, hidden=(64, 64), transforms: int = 5) -> Flow:
    return Flow(dim, context_dim, list(hidden), transforms, AffineTransform)


def nsf(dim: int, context_dim: int = 0, hidden=(64, 64), transforms: int = 5, bins: int = 8,
        bound: float = 5.0) -> Flow:
    return Flow(dim, context_dim, list(hidden), transforms, lambda: RQSplineTransform(bins, bound))


def load_flowsbi_variables(flow: Flow, variables: dict[str, torch.Tensor]) -> None:
    """Copy flowsbi weights (Module.namedVariables() names, kernels [in, out]) into `flow`.

    Transform k is member 2k of flowsbi's Chain ("bijector.<2k>.made.input.kernel", ...): the
    reversals in between have no variables.
    """
    used = set()
    for k, layer in enumerate(flow.layers):
        prefix = f"bijector.{2 * k if flow.dim > 1 else k}.made."
        made = layer.made
        n = len(made.kernels)
        names = ["input"] + [f"hidden.{l}" for l in range(n - 2)] + ["output"]
        with torch.no_grad():
            for l, name in enumerate(names):
                for suffix, target in (("kernel", made.kernels[l]), ("bias", made.biases[l])):
                    key = prefix + name + "." + suffix
                    src = variables[key]
                    assert tuple(src.shape) == tuple(target.shape), (key, src.shape, target.shape)
                    target.copy_(src)
                    used.add(key)
            if made.context_kernel is not None:
                key = prefix + "input.kernel1"
                made.context_kernel.copy_(variables[key])
                used.add(key)
    unused = set(variables) - used
    if unused:
        raise ValueError(f"flowsbi variables not loaded: {sorted(unused)}")


def flowsbi_parameter_names(flow: Flow) -> dict[str, torch.Tensor]:
    """The torch parameters under flowsbi's names (inverse of load_flowsbi_variables)."""
    out = {}
    for k, layer in enumerate(flow.layers):
        prefix = f"bijector.{2 * k if flow.dim > 1 else k}.made."
        made = layer.made
        n = len(made.kernels)
        names = ["input"] + [f"hidden.{l}" for l in range(n - 2)] + ["output"]
        for l, name in enumerate(names):
            out[prefix + name + ".kernel"] = made.kernels[l]
            out[prefix + name + ".bias"] = made.biases[l]
        if made.context_kernel is not None:
            out[prefix + "input.kernel1"] = made.context_kernel
    return out
