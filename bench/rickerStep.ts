/**
 * The Ricker NPE training step (what `npm run ricker` spends its time on): embedding (summary MLP
 * + the series embedding of the default feature mode) and NSF, batch 512, exactly as
 * `trainRickerNPE` builds it with its defaults (`rickerStepCase` in kernelCounts.ts), through the shared TrainingLoop (gradient, clipping at 5,
 * Adam); and the same architecture in PyTorch (bench/torch/bench_ricker.py), one thread and all
 * cores ("defaults against defaults": flowsbi as a user runs it, PyTorch with every core).
 *
 *   node --import tsx bench/rickerStep.ts [--quick]
 */
import { availableParallelism } from 'node:os';
import { TrainingLoop } from '../src/train/loop.js';
import { withoutValidation } from '../src/validation.js';
import { RICKER_SUMMARY_COUNT } from '../simulators/ricker/summaries.js';
import { RICKER_NPE_DEFAULTS } from '../simulators/ricker/npe.js';
import { rickerStepCase } from './kernelCounts.js';
import { median } from './flowStep.js';
import { runTorch, type TorchTiming } from './torchReference.js';

export interface RickerStepResult {
  /** Median ms per step here (the default backend, as a user runs it). */
  ms: number;
  /** PyTorch, one thread. */
  reference: TorchTiming | null;
  /** PyTorch with every core (`threads`). */
  referenceAllCores: TorchTiming | null;
  threads: number;
}

/** Per-step wall times (ms) of `steps` Ricker training steps after `warmup` untimed ones. */
export function timeRickerSteps(steps: number, warmup: number, batch = 512): number[] {
  const c = rickerStepCase(batch);
  const loop = new TrainingLoop('bench', c.model, { learningRate: 2e-3, lossCheckEvery: 25 });
  const times: number[] = [];
  try {
    withoutValidation(() => {
      loop.beginEpoch();
      for (let i = 0; i < warmup + steps; i++) {
        const t0 = performance.now();
        loop.step(c.loss, c.rows);
        if (i >= warmup) times.push(performance.now() - t0);
      }
    });
  } finally {
    loop.finish();
    c.inputs.forEach((t) => t.dispose());
    c.model.dispose();
  }
  return times;
}

export async function benchRickerStep({ quick = false }: { quick?: boolean } = {}): Promise<RickerStepResult> {
  const [steps, warmup] = quick ? [15, 10] : [40, 20];
  const ms = median(timeRickerSteps(steps, warmup));
  const threads = availableParallelism();
  const args = ['--batch', '512', '--summaries', String(RICKER_SUMMARY_COUNT), '--embedding', RICKER_NPE_DEFAULTS.features, '--transforms', String(RICKER_NPE_DEFAULTS.flow.transforms), '--steps', String(steps), '--warmup', String(warmup)];
  const reference = await runTorch('bench_ricker.py', args);
  const referenceAllCores = reference && threads > 1 ? await runTorch('bench_ricker.py', args, { threads }) : reference;
  return { ms, reference, referenceAllCores, threads };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ready } = await import('../src/backend/index.js');
  const backend = await ready({ quiet: true });
  const r = await benchRickerStep({ quick: process.argv.includes('--quick') });
  console.log(`ricker-train-step (batch 512, ${backend}): ${r.ms.toFixed(1)} ms`);
  if (r.reference) console.log(`PyTorch ${String(r.reference.torch)} 1 thread (${String(r.reference.blas)}): ${r.reference.ms_median.toFixed(1)} ms, ratio ${(r.ms / r.reference.ms_median).toFixed(2)}`);
  if (r.referenceAllCores) console.log(`PyTorch ${r.threads} threads: ${r.referenceAllCores.ms_median.toFixed(1)} ms, ratio ${(r.ms / r.referenceAllCores.ms_median).toFixed(2)}`);
}
