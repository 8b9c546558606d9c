"""PyTorch reference timing of one VAE epoch (CPU, one thread, float32).

Data: --data, a raw little-endian float32 file of N x 784 pixel values in [0, 1] (N from the file
size). Model: encoder 784 -> 256 -> 64 -> 4 (2 means, 2 log standard deviations), decoder
2 -> 64 -> 256 -> 784 Bernoulli logits, ReLU hidden layers, PyTorch's default initialisation.
Loss: -ELBO per row averaged over the batch, with one reparameterised sample and the analytic
KL(N(mu, sigma^2) || N(0, I)). Adam (lr 1e-3), batches of --batch (100) rows in a fresh random
order each epoch (the last, shorter batch included).

Prints one JSON line {"case": "vae-epoch", "ms_median", "ms_all", ...}: the median over --epochs
timed epochs after --warmup untimed ones. Run with OMP_NUM_THREADS=1 (bench/torchReference.ts does).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover - reported by bench/torchReference.ts
    print(f"bench_vae.py: PyTorch is not installed ({e}; apt-get install -y python3-torch)", file=sys.stderr)
    sys.exit(3)

from flows import blas_library  # noqa: E402

PIXELS = 784
LATENT = 2


class VAE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(PIXELS, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 2 * LATENT)
        )
        self.decoder = nn.Sequential(
            nn.Linear(LATENT, 64), nn.ReLU(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, PIXELS)
        )

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """-ELBO averaged over the rows of x."""
        h = self.encoder(x)
        mu, log_sigma = h[:, :LATENT], h[:, LATENT:]
        sigma = torch.exp(log_sigma)
        z = mu + sigma * torch.randn_like(mu)
        logits = self.decoder(z)
        # log p(x | z) for Bernoulli logits; binary_cross_entropy_with_logits also takes x in [0, 1].
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
        kl = 0.5 * (mu * mu + sigma * sigma - 1 - 2 * log_sigma).sum(dim=1)
        return (nll + kl).mean()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="float32 file of N x 784 values in [0, 1]")
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs")
    ap.add_argument("--warmup", type=int, default=1, help="untimed epochs first")
    ap.add_argument("--limit", type=int, default=0, help="use only the first LIMIT rows (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    size = os.path.getsize(args.data)
    if size == 0 or size % (4 * PIXELS) != 0:
        print(f"bench_vae.py: {args.data} has {size} bytes, not a multiple of 4 x {PIXELS}", file=sys.stderr)
        sys.exit(2)
    data = torch.from_numpy(np.fromfile(args.data, dtype="<f4").reshape(-1, PIXELS).copy())
    if args.limit > 0:
        data = data[: args.limit]
    n = data.shape[0]

    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch() -> float:
        total = 0.0
        order = torch.randperm(n)
        for start in range(0, n, args.batch):
            x = data[order[start:start + args.batch]]
            opt.zero_grad(set_to_none=True)
            loss = model.loss(x)
            loss.backward()
            opt.step()
            total += loss.item() * x.shape[0]
        return total / n

    for _ in range(args.warmup):
        epoch()
    times, losses = [], []
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        losses.append(epoch())
        times.append((time.perf_counter() - t0) * 1e3)

    print(json.dumps({
        "case": "vae-epoch",
        "ms_median": statistics.median(times),
        "ms_min": min(times),
        "ms_all": [round(t, 3) for t in times],
        "rows": n,
        "batch": args.batch,
        "loss": [round(l, 4) for l in losses],
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "blas": blas_library(),
    }))


if __name__ == "__main__":
    main()
