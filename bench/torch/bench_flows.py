"""PyTorch reference timings for flowsbi's flow benchmarks (CPU, one thread, float32).

  --case maf|nsf : one training step of a conditional flow: -mean log q(theta | x) on a fixed
                   standard-normal batch (one MADE pass per transform), backward, global-norm
                   gradient clipping at 5, Adam (lr 5e-4).
  --case sample  : no training; a conditional MAF (hidden 64 unless --hidden is given) draws
                   --samples (10 000) values for one context (D MADE passes per transform).

Prints one JSON line: {"case", "ms_median", "ms_all", ...} with the median over --steps timed
repetitions after --warmup untimed ones. Run with OMP_NUM_THREADS=1 (bench/torchReference.ts does).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import torch
except ImportError:  # pragma: no cover - reported by bench/torchReference.ts
    print("bench_flows.py: PyTorch is not installed (apt-get install -y python3-torch)", file=sys.stderr)
    sys.exit(3)

from flows import blas_library, maf, nll_step, nsf, time_steps  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", choices=["maf", "nsf", "sample"], required=True)
    ap.add_argument("--hidden", type=int, default=None, help="hidden width H (two layers); default 64")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=20, help="timed repetitions")
    ap.add_argument("--warmup", type=int, default=5, help="untimed repetitions first")
    ap.add_argument("--dim", type=int, default=3)
    ap.add_argument("--context", type=int, default=13)
    ap.add_argument("--transforms", type=int, default=5)
    ap.add_argument("--samples", type=int, default=10_000, help="draws per repetition (--case sample)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(args.seed)
    hidden = [args.hidden or 64] * 2
    D, C = args.dim, args.context

    if args.case == "sample":
        flow = maf(D, C, hidden, args.transforms)
        context = torch.randn(1, C)
        gen = torch.Generator().manual_seed(args.seed + 1)

        def step() -> None:
            flow.sample(args.samples, context, generator=gen)
    else:
        flow = (maf if args.case == "maf" else nsf)(D, C, hidden, args.transforms)
        theta = torch.randn(args.batch, D)
        x = torch.randn(args.batch, C)
        step = nll_step(flow, theta, x, lr=5e-4)

    timing = time_steps(step, args.warmup, args.steps)

    result = {
        "case": args.case,
        **timing,
        "hidden": hidden[0],
        "batch": args.batch if args.case != "sample" else args.samples,
        "dim": D,
        "context": C,
        "transforms": args.transforms,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "blas": blas_library(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
