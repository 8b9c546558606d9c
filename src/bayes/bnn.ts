/**
 * A Bayesian neural network: an MLP whose weights are random, y_j ~ Bernoulli(sigmoid(f(x_j; w)))
 * (or N(f(x_j; w), sigma^2)), with independent Gaussian priors N(0, 1) on the weight matrices and
 * N(0, 10) on the biases (the course's W1, W2, b1, b2). Everything works on a flat parameter
 * vector w of length `dim` (layer by layer: the [in, out] weight matrix row-major, then the bias),
 * batched over rows: `logJoint()` maps `[S, dim]` to `[S]`, the density the samplers and
 * variational families need; `minibatchLogJoint` scales a random minibatch's likelihood by n / b
 * (an unbiased estimate of the full one, for stochastic variational inference).
 *
 * The forward pass evaluates S weight vectors at once (see `forward`).
 */
import * as tf from '@tensorflow/tfjs';
import { LOG_2PI } from '../numerics.js';
import { toRandom, type SeedLike } from '../random.js';
import { Adam } from '../train/adam.js';
import type { BatchLogDensity } from './logDensity.js';
import { checkRegressionData } from './linearRegression.js';

/** Options of {@link BayesianMLP}. */
export interface BayesianMLPOptions {
  /** Inputs [n, in]. */
  x: number[][];
  /** Targets [n]: 0/1 labels for 'bernoulli', real values for 'gaussian'. */
  y: number[];
  /** Hidden widths (default [10]). The output is one unit. */
  hidden?: number[];
  /** Hidden activation (default 'tanh'). */
  activation?: 'tanh' | 'relu';
  /** Likelihood (default 'bernoulli'). */
  likelihood?: 'bernoulli' | 'gaussian';
  /** Noise sd of the Gaussian likelihood (default 0.1). */
  noiseSd?: number;
  /** Prior sd of the weight matrices (default 1) and of the biases (default sqrt(10)). */
  weightPriorSd?: number;
  biasPriorSd?: number;
}

/** Largest block-diagonal output matrix (entries) before `forward` switches to a broadcast. */
const BLOCK_DIAGONAL_MAX = 1 << 18;

interface LayerSlot {
  inputs: number;
  outputs: number;
  weightOffset: number;
  biasOffset: number;
}

/** An MLP with Gaussian priors on its weights and a Bernoulli or Gaussian likelihood. */
export class BayesianMLP {
  /** Number of parameters (the length of w). */
  readonly dim: number;
  readonly n: number;
  readonly inputDim: number;
  readonly likelihood: 'bernoulli' | 'gaussian';
  readonly noiseSd: number;
  /** Prior sd of each parameter. */
  readonly priorSd: Float64Array;
  private readonly slots: LayerSlot[];
  private readonly activation: 'tanh' | 'relu';
  private readonly xData: number[][];
  private readonly yData: number[];
  private tensors: { x: tf.Tensor2D; y: tf.Tensor2D; priorPrecision: tf.Tensor1D } | undefined;

  constructor(options: BayesianMLPOptions) {
    const where = 'BayesianMLP';
    const { n, d } = checkRegressionData(where, options?.x, options?.y);
    this.likelihood = options.likelihood ?? 'bernoulli';
    if (this.likelihood !== 'bernoulli' && this.likelihood !== 'gaussian') throw new Error(`${where}: likelihood must be 'bernoulli' or 'gaussian'; received ${String(this.likelihood)}`);
    if (this.likelihood === 'bernoulli' && options.y.some((v) => v !== 0 && v !== 1)) throw new Error(`${where}: a Bernoulli likelihood needs labels 0 or 1 in y`);
    this.activation = options.activation ?? 'tanh';
    this.noiseSd = options.noiseSd ?? 0.1;
    const hidden = options.hidden ?? [10];
    if (!hidden.every((h) => Number.isInteger(h) && h >= 1)) throw new Error(`${where}: hidden must be positive integers; received [${hidden.join(', ')}]`);
    this.n = n;
    this.inputDim = d;
    this.xData = options.x;
    this.yData = options.y;
    const widths = [d, ...hidden, 1];
    this.slots = [];
    let offset = 0;
    for (let l = 0; l + 1 < widths.length; l++) {
      const slot = { inputs: widths[l], outputs: widths[l + 1], weightOffset: offset, biasOffset: offset + widths[l] * widths[l + 1] };
      this.slots.push(slot);
      offset = slot.biasOffset + slot.outputs;
    }
    this.dim = offset;
    const weightSd = options.weightPriorSd ?? 1;
    const biasSd = options.biasPriorSd ?? Math.sqrt(10);
    this.priorSd = new Float64Array(this.dim);
    for (const s of this.slots) {
      this.priorSd.fill(weightSd, s.weightOffset, s.biasOffset);
      this.priorSd.fill(biasSd, s.biasOffset, s.biasOffset + s.outputs);
    }
  }

  private data() {
    this.tensors ??= tf.tidy(() => ({
      x: tf.keep(tf.tensor2d(this.xData)),
      y: tf.keep(tf.tensor2d(this.yData, [1, this.n])),
      priorPrecision: tf.keep(tf.tensor1d(Float32Array.from(this.priorSd, (s) => 1 / (s * s)))),
    }));
    return this.tensors;
  }

  /**
   * Network outputs (logits or means) `[S, N]` for weights `[S, dim]` and inputs `[N, in]`.
   * Written for wasm, where batched 3-D products fall back to a loop about 12 times slower than
   * 2-D ones and gradients of broadcasts along the data axis are slow sums over axis 0:
   * - the first layer's weights and bias are one [in + 1, out] block of w (the bias row last), so
   *   it is one 2-D product [x, 1] @ [in + 1, S * out], bias included;
   * - activations stay 2-D as [N, S * width];
   * - a one-unit output layer is one 2-D product with the block-diagonal [S * in, S] matrix of the
   *   S weight vectors (while that matrix is small: up to 2^18 entries); wider hidden-to-hidden
   *   layers use batched products.
   */
  forward(w: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const S = w.shape[0];
      const N = x.shape[0];
      const last = this.slots.length - 1;
      let h: tf.Tensor2D | undefined;
      this.slots.forEach((s, l) => {
        let z: tf.Tensor2D;
        if (!h) {
          const block = tf.reshape(tf.slice(w, [0, s.weightOffset], [S, (s.inputs + 1) * s.outputs]), [S, s.inputs + 1, s.outputs]);
          const flat = tf.reshape(tf.transpose(block, [1, 0, 2]), [s.inputs + 1, S * s.outputs]);
          z = tf.matMul(tf.concat([x, tf.ones([N, 1])], 1), flat);
        } else if (s.outputs === 1) {
          const b = tf.reshape(tf.slice(w, [0, s.biasOffset], [S, 1]), [1, S]);
          const W = tf.slice(w, [0, s.weightOffset], [S, s.inputs]);
          // The block-diagonal matrix has S^2 * in entries: for many draws (a validation ELBO,
          // a predictive), a broadcast product summed over the last axis instead.
          z = S * S * s.inputs <= BLOCK_DIAGONAL_MAX
            ? tf.add(tf.matMul(h, tf.mul(tf.reshape(W, [S * s.inputs, 1]), this.blockMask(S, s.inputs))), b)
            : tf.add(tf.sum(tf.mul(tf.reshape(h, [N, S, s.inputs]), tf.reshape(W, [1, S, s.inputs])), 2), b);
        } else {
          const W = tf.reshape(tf.slice(w, [0, s.weightOffset], [S, s.inputs * s.outputs]), [S, s.inputs, s.outputs]);
          const b = tf.reshape(tf.slice(w, [0, s.biasOffset], [S, s.outputs]), [1, S * s.outputs]);
          const perDraw = tf.matMul(tf.transpose(tf.reshape(h, [N, S, s.inputs]), [1, 0, 2]), W);
          z = tf.add(tf.reshape(tf.transpose(perDraw, [1, 0, 2]), [N, S * s.outputs]), b);
        }
        h = l < last ? (this.activation === 'tanh' ? tf.tanh(z) : tf.relu(z)) : z;
      });
      return tf.transpose(h!) as tf.Tensor2D;
    });
  }

  /** The 0/1 mask [S * width, S] with ones where row k belongs to draw floor(k / width). */
  private blockMask(S: number, width: number): tf.Tensor2D {
    const mask = new Float32Array(S * width * S);
    for (let k = 0; k < S * width; k++) mask[k * S + Math.floor(k / width)] = 1;
    return tf.tensor2d(mask, [S * width, S]);
  }

  /** log p(w) of each row `[S, dim]` → `[S]`. */
  logPrior(w: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const constant = -Array.from(this.priorSd).reduce((a, s) => a + Math.log(s), 0) - 0.5 * this.dim * LOG_2PI;
      return tf.add(tf.mul(-0.5, tf.sum(tf.mul(tf.square(w), this.data().priorPrecision), 1)), constant) as tf.Tensor1D;
    });
  }

  /** sum_j log p(y_j | x_j, w) over the given rows (all by default) → `[S]`. */
  logLikelihood(w: tf.Tensor2D, x?: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const data = this.data();
      const out = this.forward(w, x ?? data.x);
      const targets = y ?? data.y;
      if (this.likelihood === 'bernoulli') {
        // log Bernoulli(y | sigmoid(z)) = -softplus((1 - 2y) z).
        return tf.neg(tf.sum(tf.softplus(tf.mul(tf.sub(1, tf.mul(2, targets)), out)), 1)) as tf.Tensor1D;
      }
      const s = this.noiseSd;
      const m = targets.shape[1];
      return tf.sub(tf.mul(-0.5 / (s * s), tf.sum(tf.square(tf.sub(targets, out)), 1)), m * (Math.log(s) + 0.5 * LOG_2PI)) as tf.Tensor1D;
    });
  }

  /** log p(y, w) over all the data: `[S, dim]` → `[S]` (what the samplers run on). */
  logJoint(): BatchLogDensity {
    return (w) => tf.tidy(() => tf.add(this.logPrior(w), this.logLikelihood(w)) as tf.Tensor1D);
  }

  /**
   * log p(w) + (n / b) sum over a random minibatch of b rows (a new one per call, seeded): an
   * unbiased estimate of {@link logJoint} for stochastic variational inference.
   */
  minibatchLogJoint(batchSize: number, seed?: SeedLike): BatchLogDensity {
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= this.n)) {
      throw new Error(`BayesianMLP.minibatchLogJoint: batchSize must be an integer in [1, ${this.n}]; received ${batchSize}`);
    }
    const random = toRandom(seed);
    return (w) =>
      tf.tidy(() => {
        const rows = Array.from(random.permutation(this.n).subarray(0, batchSize));
        const x = tf.tensor2d(rows.map((i) => this.xData[i]));
        const y = tf.tensor2d(rows.map((i) => this.yData[i]), [1, batchSize]);
        return tf.add(this.logPrior(w), tf.mul(this.n / batchSize, this.logLikelihood(w, x, y))) as tf.Tensor1D;
      });
  }

  /**
   * Posterior predictive at inputs `x` from weight draws `[S, dim]`, averaged over the draws in
   * chunks of `chunk` rows: the probability of y = 1 (Bernoulli), or the predictive mean and sd
   * (Gaussian: the spread of the network outputs plus the noise).
   */
  predict(weights: number[][] | Float64Array, x: number[][], chunk = 200): { mean: number[]; sd: number[] } {
    const rows = weights instanceof Float64Array ? weights.length / this.dim : weights.length;
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`BayesianMLP.predict: weights must be draws [S, ${this.dim}]; received ${rows} rows`);
    const sum = new Float64Array(x.length);
    const sumSq = new Float64Array(x.length);
    const xt = tf.tensor2d(x);
    for (let start = 0; start < rows; start += chunk) {
      const m = Math.min(chunk, rows - start);
      const values = tf.tidy(() => {
        const w = weights instanceof Float64Array
          ? tf.tensor2d(Float32Array.from(weights.subarray(start * this.dim, (start + m) * this.dim)), [m, this.dim])
          : tf.tensor2d(weights.slice(start, start + m));
        const out = this.forward(w, xt);
        return (this.likelihood === 'bernoulli' ? tf.sigmoid(out) : out).dataSync();
      });
      for (let s = 0; s < m; s++) {
        for (let j = 0; j < x.length; j++) {
          const v = values[s * x.length + j];
          sum[j] += v;
          sumSq[j] += v * v;
        }
      }
    }
    xt.dispose();
    const mean = Array.from(sum, (v) => v / rows);
    const sd = mean.map((mu, j) => Math.sqrt(Math.max(sumSq[j] / rows - mu * mu, 0) + (this.likelihood === 'gaussian' ? this.noiseSd ** 2 : 0)));
    return { mean, sd };
  }

  /** `count` draws from the prior, e.g. starting points for chains (rows of length dim). */
  samplePrior(count: number, seed?: SeedLike, shrink = 1): number[][] {
    const random = toRandom(seed);
    return Array.from({ length: count }, () => Array.from(this.priorSd, (s) => shrink * s * random.normal()));
  }

  /**
   * The maximum a posteriori weights by Adam on -log p(y, w) (full batch): the point estimate the
   * Bayesian fits are compared with. Starts are full-scale prior draws: small weights (a prior
   * draw shrunk by 0.1, as this used to start) put every tanh unit in its linear range, where Adam
   * settles in the saddle of a nearly linear network (on the example's two moons: log joint -111.2,
   * test accuracy 0.84, against -99.2 and 0.94). A single full-scale draw still ends in such a
   * saddle now and then (11 of 64 draws on eight other two-moons sets of 200 points), so `restarts`
   * draws (default 8) are optimised together as rows of one batch (Adam's updates are elementwise,
   * so each row follows its own path; 8 rows cost about twice one) and the row with the highest
   * log joint is returned.
   */
  fitMap(options: { steps?: number; learningRate?: number; restarts?: number; seed?: SeedLike } = {}): number[] {
    const steps = options.steps ?? 2000;
    const restarts = options.restarts ?? 8;
    if (!(Number.isInteger(restarts) && restarts >= 1)) throw new Error(`BayesianMLP.fitMap: restarts must be a positive integer; received ${restarts}`);
    const w = tf.variable(tf.tensor2d(this.samplePrior(restarts, options.seed)));
    const adam = new Adam({ learningRate: options.learningRate ?? 0.01 });
    const logJoint = this.logJoint();
    for (let t = 0; t < steps; t++) {
      const grads = tf.tidy(() => tf.variableGrads(() => tf.neg(tf.sum(logJoint(w as unknown as tf.Tensor2D))) as tf.Scalar, [w]).grads);
      adam.update([w], [grads[w.name]]);
      tf.dispose(grads);
    }
    const final = tf.tidy(() => logJoint(w as unknown as tf.Tensor2D).dataSync());
    let best = 0;
    final.forEach((v, r) => {
      if (v > final[best] || !Number.isFinite(final[best])) best = r;
    });
    const out = Array.from(w.dataSync().subarray(best * this.dim, (best + 1) * this.dim));
    w.dispose();
    adam.dispose();
    return out;
  }

  /** Free the data tensors. */
  dispose(): void {
    if (this.tensors) for (const t of Object.values(this.tensors)) t.dispose();
    this.tensors = undefined;
  }
}
