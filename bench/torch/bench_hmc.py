"""PyTorch reference for flowsbi's HMC/NUTS gradient throughput (CPU, one thread, float32).

The model is src/bayes/bnn.ts's BayesianMLP, operation for operation: a flat weight vector per
chain, layer by layer the [in, out] weight matrix (row-major) then the bias; tanh hidden layers;
one output logit; Bernoulli likelihood log p(y | z) = -softplus((1 - 2y) z); Gaussian prior with
sd 1 on weight matrices and sqrt(10) on biases. The chains are a batch [C, P]; the forward pass
uses batched products [C, N, in] x [C, in, out] like flowsbi's.

The sampler is plain HMC with a fixed step size and --steps leapfrog steps per draw, the
gradient from autograd of the summed log joint (the same as flowsbi's tf.grad of the sum).
We time --iterations draws after --warmup untimed ones, --repeats times, and report the wall time
per (chain x gradient evaluation), which is what flowsbi's bench prints for its HMC and NUTS.

Input: --data FILE, JSON {x: [[..]], y: [..], hidden: [..], initial: [[..]] (C x P)}.
Prints one JSON line: {"case", "ms_median" (ms per chain-gradient), "ms_all", "evals_per_second",
"blas", ...}.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import torch
except ImportError:  # pragma: no cover - reported by bench/torchReference.ts
    print("bench_hmc.py: PyTorch is not installed (apt-get install -y python3-torch)", file=sys.stderr)
    sys.exit(3)

from flows import blas_library  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--step-size", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    with open(args.data) as f:
        spec = json.load(f)
    x = torch.tensor(spec["x"], dtype=torch.float32)
    y = torch.tensor(spec["y"], dtype=torch.float32)[None, :]
    q = torch.tensor(spec["initial"], dtype=torch.float32)
    C, P = q.shape
    N, D = x.shape
    widths = [D, *spec["hidden"], 1]
    slots = []
    offset = 0
    prior_sd = []
    for a, b in zip(widths[:-1], widths[1:]):
        slots.append((a, b, offset, offset + a * b))
        prior_sd += [1.0] * (a * b) + [math.sqrt(10.0)] * b
        offset += a * b + b
    assert offset == P, f"bench_hmc.py: the initial points have {P} columns but the network has {offset} weights"
    precision = 1.0 / torch.tensor(prior_sd) ** 2
    sign = 1 - 2 * y

    def log_joint(w: torch.Tensor) -> torch.Tensor:
        h = x[None].expand(C, N, D)
        for l, (a, b, wo, bo) in enumerate(slots):
            W = w[:, wo:bo].reshape(C, a, b)
            bias = w[:, bo:bo + b].reshape(C, 1, b)
            z = torch.bmm(h, W) + bias
            h = torch.tanh(z) if l + 1 < len(slots) else z
        lik = -torch.nn.functional.softplus(sign * h.reshape(C, N)).sum(1)
        return lik - 0.5 * (w * w * precision).sum(1)

    def grad(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        w = w.detach().requires_grad_(True)
        lp = log_joint(w)
        (g,) = torch.autograd.grad(lp.sum(), w)
        return lp.detach(), g

    eps = args.step_size
    lp, g = grad(q)
    evals = 0

    def draw() -> None:
        nonlocal q, lp, g, evals
        p = torch.randn_like(q)
        h0 = -lp + 0.5 * (p * p).sum(1)
        qn, gn = q, g
        for _ in range(args.steps):
            p = p + 0.5 * eps * gn
            qn = qn + eps * p
            lpn, gn = grad(qn)
            p = p + 0.5 * eps * gn
            evals += C
        h1 = -lpn + 0.5 * (p * p).sum(1)
        accept = (torch.rand(C) < torch.exp(h0 - h1)).float()[:, None]
        q = accept * qn + (1 - accept) * q
        lp = accept[:, 0] * lpn + (1 - accept[:, 0]) * lp
        g = accept * gn + (1 - accept) * g

    for _ in range(args.warmup):
        draw()
    times = []
    for _ in range(args.repeats):
        evals = 0
        t0 = time.perf_counter()
        for _ in range(args.iterations):
            draw()
        times.append((time.perf_counter() - t0) * 1e3 / evals)
    med = statistics.median(times)
    print(json.dumps({
        "case": "hmc-bnn",
        "ms_median": med,
        "ms_all": [round(t, 6) for t in times],
        "evals_per_second": 1000.0 / med,
        "chains": C,
        "weights": P,
        "rows": N,
        "steps": args.steps,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "blas": blas_library(),
    }))


if __name__ == "__main__":
    main()
