import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { iafEncoder, planarEncoder, radialEncoder, flowEncoder, FlowEncoder } from '../../src/vae/flowEncoder.js';
import { gaussianEncoder } from '../../src/vae/gaussianEncoder.js';
import { ConditionalDiagonalNormal } from '../../src/vae/conditionalDiagonalNormal.js';
import { realNVP } from '../../src/flows/builders.js';

const INPUT = 6;
const LATENT = 3;
const ROWS = 5;

/** log|det| of each row's LATENT × LATENT matrix (Gaussian elimination with partial pivoting). */
function logAbsDet(m: number[][]): number {
  const a = m.map((r) => [...r]);
  let s = 0;
  for (let c = 0; c < a.length; c++) {
    let p = c;
    for (let r = c + 1; r < a.length; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    s += Math.log(Math.abs(a[c][c]));
    for (let r = c + 1; r < a.length; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < a.length; k++) a[r][k] -= f * a[c][k];
    }
  }
  return s;
}

/**
 * log q(z_K | x) recomputed independently: z_0 redrawn from the base with the same seed, its
 * Gaussian log density written out, and log|det dz_K/dz_0| from the Jacobian by autodiff.
 */
function independentLogq(encoder: FlowEncoder, x: tf.Tensor2D, seed: number): { z: number[][]; logq: number[]; logq0: number[] } {
  const h = encoder.features(x);
  const base = encoder.posterior.base as ConditionalDiagonalNormal;
  const draw = base.sampleAndLogProb(1, { context: h, seed });
  const z0 = tf.reshape(draw.sample, [ROWS, LATENT]) as tf.Tensor2D;
  const { loc, logScale } = base.parameters(h);
  const [Z0, MU, LS] = [z0, loc, logScale].map((t) => t.arraySync() as number[][]);
  const logq0 = Z0.map((row, i) =>
    row.reduce((s, v, j) => s - 0.5 * ((v - MU[i][j]) / Math.exp(LS[i][j])) ** 2 - LS[i][j] - 0.5 * Math.log(2 * Math.PI), 0),
  );
  const f = (z: tf.Tensor2D) => encoder.posterior.bijector.forward(z, h).out;
  const zK = f(z0).arraySync();
  // Row j of each Jacobian: the gradient of sum over rows of output column j (rows are independent).
  const grads = Array.from({ length: LATENT }, (_, j) =>
    tf.grad((z: tf.Tensor) => tf.sum(tf.slice(f(z as tf.Tensor2D), [0, j], [-1, 1])))(z0).arraySync() as number[][],
  );
  const logq = logq0.map((l, i) => l - logAbsDet(grads.map((g) => g[i])));
  tf.dispose([h, draw.sample, draw.logProb, z0, loc, logScale]);
  return { z: zK, logq, logq0 };
}

describe('flow encoders: log q(z_K | x) = log q_0(z_0 | x) - sum of log-dets, in one pass', () => {
  const x = tf.randomNormal([ROWS, INPUT], 0, 1, 'float32', 3) as tf.Tensor2D;
  const builders = {
    planar: () => planarEncoder({ inputDim: INPUT, latentDim: LATENT, hidden: [16], layers: 4, seed: 1 }),
    radial: () => radialEncoder({ inputDim: INPUT, latentDim: LATENT, hidden: [16], layers: 4, seed: 2 }),
    iaf: () => iafEncoder({ inputDim: INPUT, latentDim: LATENT, hidden: [16], transforms: 3, madeHidden: [12], outputInitGain: 1, seed: 3 }),
  };
  for (const [name, build] of Object.entries(builders)) {
    test(`${name}: matches the base density minus the autodiff log|det J|`, () => {
      const encoder = build();
      const { z, logq } = encoder.sampleAndLogProb(x, 1, 11);
      expect(z.shape).toEqual([ROWS, 1, LATENT]);
      expect(logq.shape).toEqual([ROWS, 1]);
      const ref = independentLogq(encoder, x, 11);
      const got = logq.dataSync();
      const zs = z.reshape([ROWS, LATENT]).arraySync() as number[][];
      for (let i = 0; i < ROWS; i++) {
        expect(Math.abs(got[i] - ref.logq[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(ref.logq[i])));
        zs[i].forEach((v, j) => expect(v).toBeCloseTo(ref.z[i][j], 4));
      }
      // The flow is not the identity: log q differs from the base density of z_0.
      expect(Math.max(...ref.logq.map((v, i) => Math.abs(v - ref.logq0[i])))).toBeGreaterThan(0.01);
      tf.dispose([z, logq]);
      encoder.dispose();
    });
  }

  test('iaf: log q by the density direction (inverse pass) equals the sampling pass', () => {
    const encoder = builders.iaf();
    const { z, logq } = encoder.sampleAndLogProb(x, 4, 5);
    const flat = z.reshape([ROWS * 4, LATENT]) as tf.Tensor2D;
    const xs = tf.reshape(tf.tile(tf.reshape(x, [ROWS, 1, INPUT]), [1, 4, 1]), [ROWS * 4, INPUT]) as tf.Tensor2D;
    const byInverse = encoder.logProb(flat, xs).dataSync();
    Array.from(logq.dataSync()).forEach((v, i) => expect(Math.abs(v - byInverse[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(v))));
    tf.dispose([z, logq, flat, xs]);
    encoder.dispose();
  });

  test('the same seed gives the flow encoder the Gaussian encoder\'s trunk and base', () => {
    const g = gaussianEncoder({ inputDim: INPUT, latentDim: LATENT, hidden: [16], seed: 9 });
    const f = iafEncoder({ inputDim: INPUT, latentDim: LATENT, hidden: [16], seed: 9 });
    const a = g.variables().map((v) => Array.from(v.dataSync()));
    const b = f.variables().slice(0, a.length).map((v) => Array.from(v.dataSync()));
    expect(b).toEqual(a);
    g.dispose();
    f.dispose();
  });

  test('any conditional flow from the core: a Flow is used as is, with h(x) as its context', () => {
    const encoder = flowEncoder({ inputDim: INPUT, latentDim: LATENT, hidden: [16], flow: (a) => realNVP({ ...a, hidden: [8], transforms: 2 }), seed: 4 });
    const { z, logq } = encoder.sampleAndLogProb(x, 2, 1);
    const flat = z.reshape([ROWS * 2, LATENT]) as tf.Tensor2D;
    const xs = tf.reshape(tf.tile(tf.reshape(x, [ROWS, 1, INPUT]), [1, 2, 1]), [ROWS * 2, INPUT]) as tf.Tensor2D;
    const byInverse = encoder.logProb(flat, xs).dataSync();
    Array.from(logq.dataSync()).forEach((v, i) => expect(Math.abs(v - byInverse[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(v))));
    expect(encoder.mean(x).shape).toEqual([ROWS, LATENT]);
    tf.dispose([z, logq, flat, xs]);
    encoder.dispose();
    expect(() => flowEncoder({ inputDim: INPUT, latentDim: LATENT, flow: 3 as never })).toThrow(/must be a Bijector, a Flow/);
  });
});
