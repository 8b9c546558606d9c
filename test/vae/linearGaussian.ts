/**
 * A linear-Gaussian VAE with everything known in closed form (probabilistic PCA; Tipping & Bishop
 * 1999): p(z) = N(0, I_L), p(x | z) = N(W z + b, s^2 I_D), so p(x) = N(b, W Wᵀ + s^2 I) and the
 * posterior is p(z | x) = N(m(x), S) with S = (I + WᵀW / s^2)^{-1}, m(x) = S Wᵀ (x - b) / s^2.
 * W = Q diag(lambda) with orthonormal columns Q, so WᵀW = diag(lambda^2) and S is diagonal: a
 * GaussianEncoder without hidden layers (a linear head on x) represents the exact posterior.
 */
import * as tf from '@tensorflow/tfjs';
import { GaussianEncoder, gaussianEncoder } from '../../src/vae/gaussianEncoder.js';
import { gaussianDecoder } from '../../src/vae/gaussianDecoder.js';
import { VAE } from '../../src/vae/vae.js';
import { Random } from '../../src/random.js';

export const D = 5;
export const L = 2;
export const SIGMA = 0.5;
export const LAMBDA = [2, 0.8];
export const B = [0.3, -0.2, 0.5, 0.1, -0.4];

/** Orthonormal columns by Gram-Schmidt of fixed vectors, [D][L]. */
function orthonormal(): number[][] {
  const raw = [
    [1, 2, 0, -1, 0.5],
    [0.5, -1, 1, 0.3, 2],
  ];
  const q: number[][] = [];
  for (const v of raw) {
    const u = [...v];
    for (const p of q) {
      const dot = u.reduce((s, ui, i) => s + ui * p[i], 0);
      for (let i = 0; i < D; i++) u[i] -= dot * p[i];
    }
    const n = Math.hypot(...u);
    q.push(u.map((ui) => ui / n));
  }
  return Array.from({ length: D }, (_, i) => q.map((col) => col[i]));
}

/** W, [D][L]. */
export const W = orthonormal().map((row) => row.map((v, j) => v * LAMBDA[j]));

/** Posterior variance diag: s^2 / (s^2 + lambda_j^2). */
export const POSTERIOR_VAR = LAMBDA.map((l) => SIGMA ** 2 / (SIGMA ** 2 + l ** 2));

/** Exact log p(x) of one row (float64): C = s^2 I + W Wᵀ with C^{-1} and log det in closed form. */
export function exactLogPx(x: number[]): number {
  const r = x.map((v, i) => v - B[i]);
  const s2 = SIGMA ** 2;
  // Q = W diag(1/lambda); C^{-1} = (I - Q diag(lambda^2 / (s^2 + lambda^2)) Qᵀ) / s^2.
  const qr = LAMBDA.map((l, j) => W.reduce((s, row, i) => s + (row[j] / l) * r[i], 0));
  const quad = (r.reduce((s, v) => s + v * v, 0) - LAMBDA.reduce((s, l, j) => s + (l * l / (s2 + l * l)) * qr[j] ** 2, 0)) / s2;
  const logDet = (D - L) * Math.log(s2) + LAMBDA.reduce((s, l) => s + Math.log(s2 + l * l), 0);
  return -0.5 * (quad + logDet + D * Math.log(2 * Math.PI));
}

/** Posterior mean m(x) of one row. */
export function posteriorMean(x: number[]): number[] {
  return LAMBDA.map((l, j) => W.reduce((s, row, i) => s + row[j] * (x[i] - B[i]), 0) / (SIGMA ** 2 + l * l));
}

/** n data points drawn from the model. */
export function sampleData(n: number, seed: number): number[][] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => {
    const z = LAMBDA.map(() => r.normal());
    return B.map((b, i) => b + W[i].reduce((s, w, j) => s + w * z[j], 0) + SIGMA * r.normal());
  });
}

/**
 * The VAE with the true decoder and, as encoder, the exact posterior shifted by `meanShift` and
 * with log standard deviations shifted by `logScaleShift` (0, 0: exact).
 */
export function linearGaussianVAE(meanShift = 0, logScaleShift = 0): VAE {
  const encoder = gaussianEncoder({ inputDim: D, latentDim: L, hidden: [], seed: 1 }) as GaussianEncoder;
  const head = encoder.posterior.head;
  // loc = x A + a0 with A = W diag(1 / (s^2 + lambda^2)), a0 = -bᵀA + shift; log sd constant.
  const A = W.map((row) => row.map((w, j) => w / (SIGMA ** 2 + LAMBDA[j] ** 2)));
  const kernel = A.map((row) => [...row, ...LAMBDA.map(() => 0)]);
  const a0 = LAMBDA.map((_, j) => -B.reduce((s, b, i) => s + b * A[i][j], 0) + meanShift);
  const logSd = POSTERIOR_VAR.map((v) => 0.5 * Math.log(v) + logScaleShift);
  tf.tidy(() => {
    head.kernel.assign(tf.tensor2d(kernel));
    head.bias.assign(tf.tensor1d([...a0, ...logSd]));
  });
  const decoder = gaussianDecoder({ latentDim: L, outputDim: D, hidden: [], sigma: SIGMA, seed: 2 });
  const layer = decoder.net.layers[0];
  tf.tidy(() => {
    layer.kernel.assign(tf.tensor2d(Array.from({ length: L }, (_, j) => W.map((row) => row[j]))));
    layer.bias.assign(tf.tensor1d(B));
  });
  return new VAE(encoder, decoder);
}

/**
 * Exact ELBO of one row for the encoder N(m + shift, S e^{2 shift'}): log p(x) - KL(q || p(z | x)),
 * with KL between Gaussians in closed form.
 */
export function exactElbo(x: number[], meanShift: number, logScaleShift: number): number {
  let kl = 0;
  for (let j = 0; j < L; j++) {
    const qVar = POSTERIOR_VAR[j] * Math.exp(2 * logScaleShift);
    kl += 0.5 * (qVar / POSTERIOR_VAR[j] + meanShift ** 2 / POSTERIOR_VAR[j] - 1 + Math.log(POSTERIOR_VAR[j] / qVar));
  }
  return exactLogPx(x) - kl;
}
