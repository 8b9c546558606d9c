"""PyTorch reference timing of one Ricker NPE training step (CPU, float32), the architecture that
flowsbi's trainRickerNPE builds (simulators/ricker/npe.ts) for features --embedding 'windows'
(the default) or 'both':

* input: --summaries (18) z-scored summaries, then the z-scored series channels: 'windows' three
  (log1p(y), y, 1[y = 0], T = 50 each, [batch, 168]), 'both' one (log1p(y), [batch, 68]);
* embedding (BlockEmbedding): the summaries through an MLP 18 -> 64 -> 32 (ReLU, ReLU output),
  the series through
  - 'windows', SlidingWindowEmbedding: Conv1d 3 -> 32 (kernel 4) ReLU, two Conv1d 32 -> 32
    (kernel 1) ReLU, mean and max over time, joined with the first 3 steps of each channel, then
    Linear 73 -> 32 ReLU;
  - 'both', Conv1DEmbedding: Conv1d 1 -> 16 (kernel 5, stride 2) ReLU, Conv1d 16 -> 32
    (kernel 5, stride 1) ReLU, mean and root mean square (sqrt(mean h^2 + 1e-6)) over time, then
    Linear 64 -> 32 ReLU;
  the two feature vectors joined: a 64-wide context;
* flow: flows.nsf (5 autoregressive rational-quadratic spline layers, MADE [64, 64], 8 bins on
  [-5, 5], reversals between layers) on theta in the unconstrained space: theta in the prior box
  is mapped by the inverse box (logit of the scaled value) and a fixed standardisation, whose
  log-derivatives enter log q like flowsbi's fixed bijectors;
* step: -mean log q(theta | x), backward, global-norm clipping at 5, Adam (lr 2e-3), batch 512.

Convolutions are torch's own Conv1d (what a PyTorch user writes), not flowsbi's product form.
Prints one JSON line {"case": "ricker-train-step", "ms_median", "ms_all", ...}: the median over
--steps timed steps after --warmup untimed ones. --threads N sets torch's intra-op threads (the
caller's environment must allow them: bench/torchReference.ts passes OMP_NUM_THREADS=N).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover - reported by bench/torchReference.ts
    print(f"bench_ricker.py: PyTorch is not installed ({e}; apt-get install -y python3-torch)", file=sys.stderr)
    sys.exit(3)

from flows import blas_library, nll_step, nsf, time_steps  # noqa: E402

LOW = torch.tensor([3.0, 0.0, 4.0])
HIGH = torch.tensor([5.0, 0.6, 20.0])


class ConvEmbedding(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv1d(1, 16, 5, stride=2)
        self.conv2 = nn.Conv1d(16, 32, 5, stride=1)
        self.head = nn.Linear(64, 32)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.conv1(x.unsqueeze(1)))
        h = F.relu(self.conv2(h))
        mean = h.mean(dim=2)
        rms = torch.sqrt((h * h).mean(dim=2) + 1e-6)
        return F.relu(self.head(torch.cat([mean, rms], dim=1)))


class WindowEmbedding(nn.Module):
    def __init__(self, T: int, channels: int = 3, window: int = 4, width: int = 32, first: int = 3) -> None:
        super().__init__()
        self.T, self.channels, self.first = T, channels, first
        self.window = nn.Conv1d(channels, width, window)
        self.pointwise = nn.ModuleList([nn.Conv1d(width, width, 1) for _ in range(2)])
        self.head = nn.Linear(2 * width + channels * first, 32)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.view(-1, self.channels, self.T)
        h = F.relu(self.window(x))
        for layer in self.pointwise:
            h = F.relu(layer(h))
        pooled = [h.mean(dim=2), h.amax(dim=2), x[:, :, : self.first].flatten(1)]
        return F.relu(self.head(torch.cat(pooled, dim=1)))


class RickerPosterior(nn.Module):
    def __init__(self, summaries: int, embedding: str, T: int, transforms: int) -> None:
        super().__init__()
        self.summaries = summaries
        self.summary = nn.Sequential(nn.Linear(summaries, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.series = WindowEmbedding(T) if embedding == "windows" else ConvEmbedding()
        self.flow = nsf(3, 64, [64, 64], transforms)
        # The fixed standardisation of the unconstrained parameters (values as a trained run has them).
        self.register_buffer("shift", torch.zeros(3))
        self.register_buffer("scale", torch.full((3,), 1.5))

    def log_prob(self, theta: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        s = self.summaries
        context = torch.cat([self.summary(x[:, :s]), self.series(x[:, s:])], dim=1)
        p = (theta - LOW) / (HIGH - LOW)
        u = torch.log(p) - torch.log1p(-p)
        log_det = (-torch.log(p) - torch.log1p(-p) - torch.log(HIGH - LOW)).sum(dim=1)
        v = (u - self.shift) / self.scale
        log_det = log_det - torch.log(self.scale).sum()
        return self.flow.log_prob(v, context) + log_det


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--T", type=int, default=50)
    ap.add_argument("--summaries", type=int, default=18)
    ap.add_argument("--steps", type=int, default=30, help="timed steps")
    ap.add_argument("--warmup", type=int, default=10, help="untimed steps first")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--embedding", choices=["windows", "both"], default="windows")
    ap.add_argument("--transforms", type=int, default=3, help="NSF transforms (RICKER_NPE_DEFAULTS.flow)")
    args = ap.parse_args()
    if args.T != 50:
        raise SystemExit("bench_ricker.py: the conv embedding's sizes assume T = 50")

    torch.set_num_threads(args.threads)
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(args.seed)
    model = RickerPosterior(args.summaries, args.embedding, args.T, args.transforms)
    theta = LOW + (HIGH - LOW) * (0.02 + 0.96 * torch.rand(args.batch, 3))
    x = torch.randn(args.batch, args.summaries + (3 if args.embedding == "windows" else 1) * args.T)
    step = nll_step(model, theta, x, lr=2e-3)

    timing = time_steps(step, args.warmup, args.steps)
    print(json.dumps({
        "case": "ricker-train-step",
        **timing,
        "batch": args.batch,
        "embedding": args.embedding,
        "threads": torch.get_num_threads(),
        "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "torch": torch.__version__,
        "blas": blas_library(),
    }))


if __name__ == "__main__":
    main()
