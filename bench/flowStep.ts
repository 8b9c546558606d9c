/**
 * Time one maximum-likelihood training step of a conditional flow (the benchmark's cases 1-2):
 * density pass, backward, global-norm clipping, Adam. Returns per-step milliseconds.
 */
import * as tf from '@tensorflow/tfjs';
import { maf } from '../src/flows/builders.js';
import type { Flow } from '../src/flows/flow.js';
import { TrainingLoop } from '../src/train/loop.js';
import { withoutValidation } from '../src/validation.js';

export interface FlowStepCase {
  build: (o: { dim: number; contextDim: number; hidden: number[]; transforms: number; seed: number }) => Flow;
  hidden: number;
  batch: number;
  steps: number;
  warmup: number;
  dim?: number;
  contextDim?: number;
  /** 'wall' (default) or 'cpu' (process CPU time: steadier on a shared machine). */
  clock?: 'wall' | 'cpu';
  /** Do not dispose the flow afterwards (when the caller built it). */
  keep?: boolean;
}

/**
 * Process CPU time in ms (user + system). On a shared machine it is far steadier than wall time
 * for single-threaded work; the benchmark suite reports wall time when the machine is quiet.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function timeFlowStep(c: FlowStepCase): number[] {
  const dim = c.dim ?? 3;
  const contextDim = c.contextDim ?? 13;
  const flow = c.build({ dim, contextDim, hidden: [c.hidden, c.hidden], transforms: 5, seed: 1 });
  const x = tf.randomNormal([c.batch, dim], 0, 1, 'float32', 1) as tf.Tensor2D;
  const ctx = tf.randomNormal([c.batch, contextDim], 0, 1, 'float32', 2) as tf.Tensor2D;
  const loop = new TrainingLoop('bench', flow, { learningRate: 5e-4, lossCheckEvery: 25 });
  const times: number[] = [];
  const clock = c.clock === 'cpu' ? cpuMs : () => performance.now();
  withoutValidation(() => {
    loop.beginEpoch();
    for (let i = 0; i < c.warmup + c.steps; i++) {
      const t0 = clock();
      loop.step(() => tf.neg(tf.mean(flow.logProb(x, ctx))) as tf.Scalar, c.batch);
      if (i >= c.warmup) times.push(clock() - t0);
    }
  });
  loop.finish();
  tf.dispose([x, ctx]);
  if (!c.keep) flow.dispose();
  return times;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ready } = await import('../src/backend/index.js');
  await ready();
  for (const [hidden, batch, steps] of [[64, 256, 60], [256, 512, 15]]) {
    const t = timeFlowStep({ build: maf, hidden, batch, steps, warmup: 5, clock: 'cpu' });
    console.log(`maf h${hidden} b${batch}: ${median(t).toFixed(2)} ms/step (CPU time)`);
  }
}
