import * as tf from '@tensorflow/tfjs';
import { Module } from '../../module.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../../io/registry.js';
import { toRandom, type SeedLike } from '../../random.js';
import { assertMatrix, assertPositiveInt } from '../../validation.js';
import { repeatRows } from '../../distributions/distribution.js';
import type { NeuralPosterior } from './types.js';

/**
 * An equally weighted mixture of amortized posteriors, q(theta | x) = (1/K) sum_k q_k(theta | x),
 * as sbi's `NeuralPosteriorEnsemble`. Posteriors trained from different initialisations and
 * validation splits err in different directions, and their mixture is better calibrated: a single
 * neural posterior estimate is often overconfident at small simulation budgets, and ensembles are
 * the standard remedy (Hermans et al. 2022, "A Trust Crisis in Simulation-Based Inference?").
 *
 * - `sample(xo, n)`: stratified, n/K draws from each member (the first n mod K members give one
 *   more), in a seeded random order along the draw axis, so every draw is marginally from the
 *   mixture (with less variance than drawing the member index at random). Shape [b, n, thetaDim].
 * - `logProb(theta, xo)` = logsumexp_k log q_k - log K (-Infinity where every member gives it).
 * - `mean`: the mean of n mixture draws. `map`: the draw of highest mixture density among
 *   `candidates` draws per observation (no gradient refinement).
 * Save and load with the shared format like any module (`NPEEnsemble`).
 */
export class PosteriorEnsemble extends Module implements NeuralPosterior {
  readonly members: (NeuralPosterior & Module)[];
  readonly thetaDim: number;
  readonly xDim: number;
  readonly parameterNames: string[];
  readonly bounds: { low: number[]; high: number[] } | null;

  constructor(members: (NeuralPosterior & Module)[]) {
    super();
    if (members.length === 0) throw new Error('PosteriorEnsemble: needs at least one member; received none');
    const first = members[0];
    members.forEach((m, k) => {
      if (m.thetaDim !== first.thetaDim || m.xDim !== first.xDim) {
        throw new Error(`PosteriorEnsemble: member ${k} has thetaDim ${m.thetaDim} and xDim ${m.xDim}; member 0 has ${first.thetaDim} and ${first.xDim}`);
      }
    });
    this.members = members.map((m, k) => this.addModule(`member.${k}`, m));
    this.thetaDim = first.thetaDim;
    this.xDim = first.xDim;
    this.parameterNames = first.parameterNames;
    this.bounds = first.bounds;
    this.eval();
  }

  /** n mixture draws for each of the b observations: [b, n, thetaDim]. */
  sample(xo: tf.Tensor2D, n: number, seed?: SeedLike): tf.Tensor3D {
    assertMatrix('PosteriorEnsemble.sample', 'xo', xo, this.xDim);
    assertPositiveInt('PosteriorEnsemble.sample', 'n', n);
    const random = toRandom(seed);
    const K = this.members.length;
    const counts = this.members.map((_, k) => Math.floor(n / K) + (k < n % K ? 1 : 0));
    return tf.tidy(() => {
      const parts = this.members.flatMap((m, k) => (counts[k] > 0 ? [m.sample(xo, counts[k], random.fork())] : []));
      const all = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
      const order = Int32Array.from(random.permutation(n));
      return tf.gather(all, order, 1) as tf.Tensor3D;
    });
  }

  /** log q(theta | x) of the mixture: [m]; xo has one row per theta row or a single row. */
  logProb(theta: tf.Tensor2D, xo: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const lp = tf.stack(this.members.map((m) => m.logProb(theta, xo))); // [K, m]
      const max = tf.max(lp, 0);
      const finite = tf.isFinite(max);
      const safeMax = tf.where(finite, max, tf.zerosLike(max));
      const mixed = tf.add(tf.log(tf.mean(tf.exp(tf.sub(lp, safeMax)), 0)), safeMax);
      return tf.where(finite, mixed, max) as tf.Tensor1D;
    });
  }

  /** Posterior means from n mixture draws per observation: [b, thetaDim]. */
  mean(xo: tf.Tensor2D, n = 1000, seed?: SeedLike): tf.Tensor2D {
    return tf.tidy(() => tf.mean(this.sample(xo, n, seed), 1) as tf.Tensor2D);
  }

  /** The most probable of `candidates` mixture draws per observation: [b, thetaDim]. */
  map(xo: tf.Tensor2D, options: { candidates?: number; seed?: SeedLike } = {}): tf.Tensor2D {
    const candidates = options.candidates ?? 1000;
    const b = xo.shape[0];
    return tf.tidy(() => {
      const flat = tf.reshape(this.sample(xo, candidates, options.seed), [b * candidates, this.thetaDim]) as tf.Tensor2D;
      const lp = tf.reshape(this.logProb(flat, repeatRows(xo, candidates)), [b, candidates]);
      const best = tf.argMax(lp, 1).dataSync();
      return tf.gather(flat, Array.from(best, (k, i) => i * candidates + k)) as tf.Tensor2D;
    });
  }

  toConfig(): ModuleConfig {
    return { type: 'NPEEnsemble', members: this.members.map((m) => m.toConfig()) };
  }
}

registerModule('NPEEnsemble', (c) => new PosteriorEnsemble((c.members as ModuleConfig[]).map((m) => moduleFromConfig(m))));
