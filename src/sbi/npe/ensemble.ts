import * as tf from '@tensorflow/tfjs';
import { Module } from '../../module.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../../io/registry.js';
import { toRandom, type SeedLike } from '../../random.js';
import { assertMatrix, assertPositiveInt } from '../../validation.js';
import { observationsForDraws, type NeuralPosterior, type ObservationsInput, type ParametersInput } from './types.js';
import type { PriorBounds } from '../simulation/prior.js';
import type { FeatureModule } from '../features/featureModule.js';
import { logSumExp } from '../../numerics.js';
import { withTensor2D } from '../../rows.js';

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
 * Inputs may be tensors or plain arrays, as for `NPEPosterior`. Save and load with the shared
 * format like any module (type name `PosteriorEnsemble`; files saved under the former name
 * `NPEEnsemble` still load).
 */
export class PosteriorEnsemble extends Module implements NeuralPosterior {
  readonly members: (NeuralPosterior & Module)[];
  readonly thetaDim: number;
  readonly xDim: number;
  readonly parameterNames: string[];
  readonly bounds: PriorBounds | null;
  /** The first member's feature module (each member applies its own, to the same raw input). */
  readonly features: FeatureModule | null;

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
    this.features = first.features;
    this.eval();
  }

  /** n mixture draws for each of the b observations: [b, n, thetaDim]. */
  sample(xoInput: ObservationsInput, n: number, seed?: SeedLike): tf.Tensor3D {
    return withTensor2D('PosteriorEnsemble.sample', 'xo', xoInput, this.xDim, (xo) => this.sampleOfTensor(xo, n, seed));
  }

  private sampleOfTensor(xo: tf.Tensor2D, n: number, seed?: SeedLike): tf.Tensor3D {
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

  /** logProb takes grouped observations (see `AmortizedPosterior`) when every member does. */
  get groupedLogProb(): boolean {
    return this.members.every((m) => m.groupedLogProb === true);
  }

  /** log q(theta | x) of the mixture: [m]; xo as for `NPEPosterior.logProb` (one row per theta row, one row, or groups). */
  logProb(thetaInput: ParametersInput, xoInput: ObservationsInput): tf.Tensor1D {
    return withTensor2D('PosteriorEnsemble.logProb', 'theta', thetaInput, this.thetaDim, (theta) =>
      withTensor2D('PosteriorEnsemble.logProb', 'xo', xoInput, this.xDim, (xo) =>
        tf.tidy(() => {
          const lp = tf.stack(this.members.map((m) => m.logProb(theta, xo))); // [K, m]
          return tf.sub(logSumExp(lp, 0), Math.log(this.members.length)) as tf.Tensor1D;
        }),
      ),
    );
  }

  /** Posterior means from n mixture draws per observation: [b, thetaDim]. */
  mean(xo: ObservationsInput, n = 1000, seed?: SeedLike): tf.Tensor2D {
    return tf.tidy(() => tf.mean(this.sample(xo, n, seed), 1) as tf.Tensor2D);
  }

  /** The most probable of `candidates` mixture draws per observation: [b, thetaDim]. */
  map(xoInput: ObservationsInput, options: { candidates?: number; seed?: SeedLike } = {}): tf.Tensor2D {
    const candidates = options.candidates ?? 1000;
    return withTensor2D('PosteriorEnsemble.map', 'xo', xoInput, this.xDim, (xo) => tf.tidy(() => {
      const b = xo.shape[0];
      const flat = tf.reshape(this.sample(xo, candidates, options.seed), [b * candidates, this.thetaDim]) as tf.Tensor2D;
      const lp = tf.reshape(this.logProb(flat, observationsForDraws(this, xo, candidates)), [b, candidates]);
      const best = tf.argMax(lp, 1).dataSync();
      return tf.gather(flat, Array.from(best, (k, i) => i * candidates + k)) as tf.Tensor2D;
    }));
  }

  toConfig(): ModuleConfig {
    return { type: 'PosteriorEnsemble', members: this.members.map((m) => m.toConfig()) };
  }
}

const fromConfig = (c: ModuleConfig) => new PosteriorEnsemble((c.members as ModuleConfig[]).map((m) => moduleFromConfig(m)));
registerModule('PosteriorEnsemble', fromConfig);
// The type name of ensembles saved before the class and its saved name were made the same.
registerModule('NPEEnsemble', fromConfig);
