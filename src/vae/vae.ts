import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { Encoder } from './encoder.js';
import { GaussianEncoder } from './gaussianEncoder.js';
import { Decoder } from './decoder.js';
import { repeatRows } from '../distributions/distribution.js';
import { standardNormalLogProb, logSumExp } from '../numerics.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';
import { toRandom, type SeedLike } from '../random.js';
import { assertFinite, assertMatrix, assertPositiveInt, withoutValidation } from '../validation.js';

export interface ElboOptions {
  /** Reparameterised samples M per row (default 1). */
  samples?: number;
  seed?: SeedLike;
  /** Weight of the KL term, for KL warm-up (default 1: the ELBO itself). */
  beta?: number;
  /** Condition rows (one-hot labels) of a conditional VAE, [batch, conditionDim]. */
  condition?: tf.Tensor2D;
  /**
   * Use the closed-form KL(q(z | x) || p(z)) when the encoder has one (Gaussian encoders;
   * default true): same expectation, less variance. Flow encoders always estimate it.
   */
  analyticKL?: boolean;
}

export interface ImportanceWeightedOptions {
  /** Importance samples per row (default 100). */
  K?: number;
  /** At most this many (row, sample) pairs per pass, which bounds memory (default 10 000). */
  batchSize?: number;
  seed?: SeedLike;
  condition?: tf.Tensor2D;
}

/**
 * A variational autoencoder (Kingma & Welling 2014; Rezende et al. 2014): encoder q(z | x),
 * decoder p(x | z), prior p(z) = N(0, I). The evidence lower bound per data point is
 *
 *   ELBO(x) = E_q[log p(x | z) + log p(z) - log q(z | x)] = log p(x) - KL(q(z | x) || p(z | x)),
 *
 * estimated with M reparameterised samples (M = 1 by default); with `beta` < 1 the KL term
 * E_q[log q - log p(z)] is down-weighted (KL warm-up, Bowman et al. 2016; Sønderby et al. 2016).
 * log p(x) itself is estimated by importance sampling with q as proposal (Burda et al. 2016):
 *
 *   log p(x) ≈ log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x),  z_k ~ q(z | x),
 *
 * a lower bound that increases with K and tends to log p(x); the gap log p(x) - ELBO is the
 * average KL(q(z | x) || p(z | x)), what a flow posterior shrinks. In a conditional VAE (Sohn et al.
 * 2015) the encoder and decoder also read a condition y (a one-hot label) and everything is given y.
 */
export class VAE extends Module {
  readonly encoder: Encoder;
  readonly decoder: Decoder;

  constructor(encoder: Encoder, decoder: Decoder) {
    super();
    if (encoder.latentDim !== decoder.latentDim) {
      throw new Error(`VAE: the encoder's latent width is ${encoder.latentDim} but the decoder's is ${decoder.latentDim}`);
    }
    if (encoder.inputDim !== decoder.outputDim) {
      throw new Error(`VAE: the encoder reads ${encoder.inputDim} values but the decoder produces ${decoder.outputDim}`);
    }
    if (encoder.conditionDim !== 0 && encoder.conditionDim !== decoder.conditionDim) {
      throw new Error(`VAE: the encoder's condition width is ${encoder.conditionDim} but the decoder's is ${decoder.conditionDim}`);
    }
    this.encoder = this.addModule('encoder', encoder);
    this.decoder = this.addModule('decoder', decoder);
  }

  get latentDim(): number {
    return this.decoder.latentDim;
  }

  get dataDim(): number {
    return this.decoder.outputDim;
  }

  /** Width of the condition (0: an unconditional VAE). */
  get conditionDim(): number {
    return this.decoder.conditionDim;
  }

  /**
   * The log importance weights log p(x | z_k) + beta (log p(z_k) - log q(z_k | x)) of `samples`
   * draws per row, [batch, samples] (beta = 1 gives log p(x, z_k) / q(z_k | x)).
   */
  logWeights(x: tf.Tensor2D, options: Omit<ElboOptions, 'analyticKL'> = {}): tf.Tensor2D {
    this.checkInputs('VAE.logWeights', x, options.condition);
    const m = options.samples ?? 1;
    return tf.tidy(() => {
      const { logLik, logPrior, logq } = this.terms(x, m, options.seed, options.condition);
      const beta = options.beta ?? 1;
      const kl = tf.sub(logPrior, logq);
      return tf.reshape(tf.add(logLik, beta === 1 ? kl : tf.mul(beta, kl)), [x.shape[0], m]) as tf.Tensor2D;
    });
  }

  /** The ELBO of each row of x, [batch] (see the class comment; M = `samples`). */
  elbo(x: tf.Tensor2D, options: ElboOptions = {}): tf.Tensor1D {
    const m = options.samples ?? 1;
    const analytic = (options.analyticKL ?? true) && this.encoder instanceof GaussianEncoder;
    if (!analytic) return tf.tidy(() => tf.mean(this.logWeights(x, options), 1) as tf.Tensor1D);
    this.checkInputs('VAE.elbo', x, options.condition);
    return tf.tidy(() => {
      const encoder = this.encoder as GaussianEncoder;
      const h = encoder.features(x, options.condition);
      const { z } = encoder.sampleFromFeatures(h, m, options.seed);
      const logLik = this.decoder.logLikelihood(
        repeatRows(x, m),
        tf.reshape(z, [x.shape[0] * m, this.latentDim]) as tf.Tensor2D,
        options.condition ? repeatRows(options.condition, m) : undefined,
      );
      const kl = encoder.posterior.klToStandardNormal(h);
      return tf.sub(tf.mean(tf.reshape(logLik, [x.shape[0], m]), 1), tf.mul(options.beta ?? 1, kl)) as tf.Tensor1D;
    });
  }

  /**
   * Importance-weighted estimate of log p(x) per row with K samples (log-mean-exp of the log
   * weights), in passes of at most `batchSize` (row, sample) pairs, [batch]. The same draws give
   * an estimate at least the ELBO (Jensen); K = 1 is an ELBO estimate with beta = 1.
   */
  importanceWeightedLogLikelihood(x: tf.Tensor2D, options: ImportanceWeightedOptions = {}): tf.Tensor1D {
    const where = 'VAE.importanceWeightedLogLikelihood';
    const K = options.K ?? 100;
    const pairs = options.batchSize ?? 10_000;
    assertPositiveInt(where, 'K', K);
    assertPositiveInt(where, 'batchSize', pairs);
    this.checkInputs(where, x, options.condition);
    assertFinite(where, 'x', x);
    const random = toRandom(options.seed);
    const rowsPerPass = Math.max(1, Math.floor(pairs / K));
    const samplesPerPass = Math.min(K, pairs);
    const n = x.shape[0];
    return withoutValidation(() => {
      const parts: tf.Tensor1D[] = [];
      for (let start = 0; start < n; start += rowsPerPass) {
        const rows = Math.min(rowsPerPass, n - start);
        let acc: tf.Tensor1D | null = null;
        for (let done = 0; done < K; done += samplesPerPass) {
          const m = Math.min(samplesPerPass, K - done);
          const next: tf.Tensor1D = tf.tidy(() => {
            const xs = tf.slice(x, [start, 0], [rows, -1]) as tf.Tensor2D;
            const cs = options.condition ? (tf.slice(options.condition, [start, 0], [rows, -1]) as tf.Tensor2D) : undefined;
            const lse = logSumExp(this.logWeights(xs, { samples: m, seed: random, condition: cs }), 1) as tf.Tensor1D;
            return acc ? logAddExp(acc, lse) : lse;
          });
          acc?.dispose();
          acc = next;
        }
        parts.push(tf.tidy(() => tf.sub(acc!, Math.log(K)) as tf.Tensor1D));
        acc!.dispose();
      }
      const out = parts.length === 1 ? parts[0] : (tf.concat(parts) as tf.Tensor1D);
      if (parts.length > 1) tf.dispose(parts);
      return out;
    });
  }

  /**
   * Reconstructions E[x | z], [batch, dataDim], at z = the encoder's point summary (`mean`), or at
   * one posterior draw with `sample: true`.
   */
  reconstruct(x: tf.Tensor2D, options: { condition?: tf.Tensor2D; sample?: boolean; seed?: SeedLike } = {}): tf.Tensor2D {
    this.checkInputs('VAE.reconstruct', x, options.condition);
    return tf.tidy(() => {
      const z = options.sample
        ? (tf.reshape(this.encoder.sampleAndLogProb(x, 1, options.seed, options.condition).z, [x.shape[0], this.latentDim]) as tf.Tensor2D)
        : this.encoder.mean(x, options.condition);
      return this.decoder.mean(z, options.condition);
    });
  }

  /**
   * n new data points E[x | z], z ~ N(0, I), [n, dataDim]. A conditional VAE needs `label`: a class
   * index (one-hot of width conditionDim, the same for all n) or condition rows [n, conditionDim].
   */
  generate(n: number, seed?: SeedLike, label?: number | tf.Tensor2D): tf.Tensor2D {
    const where = 'VAE.generate';
    assertPositiveInt(where, 'n', n);
    const c = this.conditionDim;
    if (c === 0 && label !== undefined) throw new Error(`${where}: this VAE is unconditional; received a label`);
    if (c > 0 && label === undefined) throw new Error(`${where}: this VAE is conditional; pass a class index in [0, ${c}) or condition rows [${n}, ${c}]`);
    if (typeof label === 'number' && !(Number.isInteger(label) && label >= 0 && label < c)) {
      throw new Error(`${where}: label must be an integer in [0, ${c}); received ${label}`);
    }
    if (label instanceof tf.Tensor) {
      assertMatrix(where, 'label', label, c);
      if (label.shape[0] !== n) throw new Error(`${where}: condition rows must be [${n}, ${c}]; received [${label.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const z = tf.randomNormal([n, this.latentDim], 0, 1, 'float32', toRandom(seed).nextSeed()) as tf.Tensor2D;
      const condition = label === undefined ? undefined : typeof label === 'number' ? (tf.oneHot(tf.fill([n], label, 'int32') as tf.Tensor1D, c).toFloat() as tf.Tensor2D) : label;
      return this.decoder.mean(z, condition);
    });
  }

  toConfig(): ModuleConfig {
    return { type: 'VAE', encoder: this.encoder.toConfig(), decoder: this.decoder.toConfig() };
  }

  /** log p(x | z), log p(z), log q(z | x) of m draws per row, each [batch * m] (row-major in (row, draw)). */
  private terms(x: tf.Tensor2D, m: number, seed: SeedLike | undefined, condition?: tf.Tensor2D) {
    const { z, logq } = this.encoder.sampleAndLogProb(x, m, seed, condition);
    const flat = tf.reshape(z, [x.shape[0] * m, this.latentDim]) as tf.Tensor2D;
    const logLik = this.decoder.logLikelihood(repeatRows(x, m), flat, condition ? repeatRows(condition, m) : undefined);
    return { logLik, logPrior: standardNormalLogProb(flat), logq: tf.reshape(logq, [-1]) as tf.Tensor1D };
  }

  private checkInputs(where: string, x: tf.Tensor2D, condition?: tf.Tensor2D): void {
    assertMatrix(where, 'x', x, this.dataDim);
    const c = this.conditionDim;
    if (c === 0 && condition) throw new Error(`${where}: this VAE is unconditional; received a condition`);
    if (c > 0) {
      if (!condition) throw new Error(`${where}: this VAE is conditional; pass options.condition of shape [${x.shape[0]}, ${c}]`);
      assertMatrix(where, 'condition', condition, c);
      if (condition.shape[0] !== x.shape[0]) throw new Error(`${where}: condition must be [${x.shape[0]}, ${c}]; received [${condition.shape.join(', ')}]`);
    }
  }
}

/** log(e^a + e^b), elementwise and stable. */
function logAddExp(a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.add(tf.maximum(a, b), tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(a, b)))))) as tf.Tensor1D);
}

registerModule('VAE', (c) => new VAE(moduleFromConfig(c.encoder as ModuleConfig), moduleFromConfig(c.decoder as ModuleConfig)));
