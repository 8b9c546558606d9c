"""Parity check of bench/torch/flows.py against flowsbi (driven by bench/checkTorchParity.ts).

Usage: check_logprob.py EXPORT.json

EXPORT.json holds, per flow ("maf", "nsf"): the builder options, flowsbi's variables by their
Module.namedVariables() names ({shape, values}, kernels [in, out]), inputs theta [N, D] and
contexts [N, C], flowsbi's log-probabilities, its gradients of -mean log q, and a base batch z with
flowsbi's bijector.forward(z, context) (sampling direction) and its log|det|.

Loads the weights into the PyTorch flow and prints one JSON line with the largest differences,
in float32 (what the benchmarks time) and float64 (PyTorch's exact-arithmetic stand-in).
"""
from __future__ import annotations

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from flows import flowsbi_parameter_names, load_flowsbi_variables, maf, nsf  # noqa: E402


def tensor(entry, dtype) -> torch.Tensor:
    return torch.tensor(entry["values"], dtype=dtype).reshape(entry["shape"])


def max_abs(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.double() - b.double()).abs().max())


def check(case: dict) -> dict:
    opts = case["options"]
    kind = case["kind"]
    hidden = opts["hidden"]
    if kind == "maf":
        flow = maf(opts["dim"], opts["contextDim"], hidden, opts["transforms"])
    else:
        flow = nsf(opts["dim"], opts["contextDim"], hidden, opts["transforms"], opts.get("bins", 8), opts.get("bound", 5.0))
    variables = {name: tensor(v, torch.float32) for name, v in case["variables"].items()}
    load_flowsbi_variables(flow, variables)

    out: dict = {"kind": kind, "rows": len(case["theta"]["values"]) // opts["dim"]}
    ours_lp = tensor(case["logProb"], torch.float64)
    ours_fwd = tensor(case["forward"], torch.float64)
    ours_fwd_ld = tensor(case["forwardLogDet"], torch.float64)
    for label, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        f = flow.to(dtype)
        theta, context, z = (tensor(case[k], dtype) for k in ("theta", "context", "z"))
        for p in f.parameters():
            p.grad = None
        lp = f.log_prob(theta, context)
        (-lp.mean()).backward()
        with torch.no_grad():
            fwd, fwd_ld = f.transform_forward(z, context)
        grad_diff, grad_scale = 0.0, 0.0
        for name, p in flowsbi_parameter_names(f).items():
            g = tensor(case["grads"][name], torch.float64)
            grad_diff = max(grad_diff, max_abs(p.grad, g))
            grad_scale = max(grad_scale, float(g.abs().max()))
        out[label] = {
            "logprob_max_abs_diff": max_abs(lp.detach(), ours_lp),
            "grad_max_abs_diff": grad_diff,
            "grad_max_abs": grad_scale,
            "sample_max_abs_diff": max_abs(fwd, ours_fwd),
            "sample_logdet_max_abs_diff": max_abs(fwd_ld, ours_fwd_ld),
        }
    out["logprob_range"] = [float(ours_lp.min()), float(ours_lp.max())]
    out["theta_outside_bound"] = int((tensor(case["theta"], torch.float64).abs() > opts.get("bound", 5.0)).sum())
    return out


def main() -> None:
    torch.set_num_threads(1)
    with open(sys.argv[1]) as f:
        data = json.load(f)
    print(json.dumps({"torch": torch.__version__, "results": [check(c) for c in data["cases"]]}))


if __name__ == "__main__":
    main()
