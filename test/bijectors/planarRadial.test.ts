// Planar and radial flows (Rezende & Mohamed 2015): the invertibility constraints, the log-det
// against closed forms in 1-D, the numerical inverse (tolerance, failure, gradients), conditional
// parameters, saving configs, and sampleAndLogProb of the flow builders.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Planar } from '../../src/bijectors/planar.js';
import { Radial } from '../../src/bijectors/radial.js';
import { Chain } from '../../src/bijectors/chain.js';
import type { Bijector } from '../../src/bijectors/bijector.js';
import { planarFlow, radialFlow } from '../../src/flows/planarRadial.js';
import type { Flow } from '../../src/flows/flow.js';
import { moduleFromConfig } from '../../src/io/registry.js';
import { TOLERANCES } from '../../src/numerics.js';
import { Random } from '../../src/random.js';
import { withoutValidation } from '../../src/validation.js';
import { worstRatio } from '../helpers/harness.js';
import { logAbsDet, rowJacobians } from '../helpers/jacobian.js';

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const inverseSoftplus = (y: number) => y + Math.log(-Math.expm1(-y));

function variable(b: Bijector, name: string): tf.Variable {
  const v = b.namedVariables().find(([n]) => n === name);
  if (!v) throw new Error(`no variable ${name}`);
  return v[1];
}

function setVariables(b: Bijector, values: Record<string, number[]>): void {
  for (const [name, data] of Object.entries(values)) {
    const v = variable(b, name);
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
}

/** Assign every trainable variable N(0, scale²) draws. */
function randomise(b: Bijector, seed: number, scale: number): void {
  const r = new Random(seed);
  for (const v of b.trainableVariables()) tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, scale, 'float32', r.nextSeed())));
}

function randomMatrix(rows: number, cols: number, scale: number, seed: number): tf.Tensor2D {
  const r = new Random(seed);
  return tf.tensor2d(Array.from({ length: rows * cols }, () => (2 * r.uniform() - 1) * scale), [rows, cols]);
}

/** Per-row Euclidean norm of a - b, in float64. */
function rowResiduals(a: tf.Tensor2D, b: tf.Tensor2D): number[] {
  const [A, B] = [a.dataSync(), b.dataSync()];
  const d = a.shape[1];
  return Array.from({ length: a.shape[0] }, (_, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (A[i * d + j] - B[i * d + j]) ** 2;
    return Math.sqrt(s);
  });
}

const kinds = [
  { name: 'Planar', make: (dim: number, contextDim: number, seed: number, maxIterations?: number) => new Planar({ dim, contextDim, seed, maxIterations }) },
  { name: 'Radial', make: (dim: number, contextDim: number, seed: number, maxIterations?: number) => new Radial({ dim, contextDim, seed, maxIterations }) },
] as const;

describe('invertibility constraints hold for any raw parameters', () => {
  test('Planar: wᵀû >= -1 (unconditional and conditional)', () => {
    let rawViolations = 0;
    for (let seed = 0; seed < 40; seed++) {
      const dim = 1 + (seed % 5);
      const contextDim = seed % 2 === 0 ? 0 : 2;
      const b = new Planar({ dim, contextDim, seed });
      randomise(b, seed, 3);
      const ctx = contextDim ? randomMatrix(8, contextDim, 3, seed) : undefined;
      const { u, w } = b.parameters(ctx);
      const [U, W] = [u.dataSync(), w.dataSync()];
      // The raw u, w per row: the variables, or the Dense layer's output for the context.
      const raw = tf.tidy(() =>
        ctx ? tf.add(tf.matMul(ctx, variable(b, 'net.kernel') as tf.Tensor2D), variable(b, 'net.bias')) : tf.concat([variable(b, 'u'), variable(b, 'w')], 1),
      );
      const R = raw.dataSync();
      const width = raw.shape[1]!;
      for (let k = 0; k < U.length / dim; k++) {
        let wu = 0;
        let rawWu = 0;
        for (let j = 0; j < dim; j++) {
          wu += W[k * dim + j] * U[k * dim + j];
          rawWu += R[k * width + j] * R[k * width + dim + j];
        }
        if (rawWu < -1) rawViolations++;
        // Exact in real arithmetic; float32 rounding of û = u + (m(wᵀu) - wᵀu) w / |w|² scales with |wᵀu|.
        expect(wu, `seed ${seed} row ${k}: raw wᵀu = ${rawWu}`).toBeGreaterThanOrEqual(-1 - 1e-6 * (1 + Math.abs(rawWu)));
      }
      tf.dispose([u, w, ctx, raw]);
      b.dispose();
    }
    expect(rawViolations, 'some raw (u, w) must violate the constraint, or the test is vacuous').toBeGreaterThan(10);
  });

  test('Radial: α > 0 and β >= -α (unconditional and conditional)', () => {
    for (let seed = 0; seed < 40; seed++) {
      const contextDim = seed % 2 === 0 ? 0 : 2;
      const b = new Radial({ dim: 3, contextDim, seed });
      randomise(b, seed, 5);
      const ctx = contextDim ? randomMatrix(8, contextDim, 3, seed) : undefined;
      const { z0, alpha, beta } = b.parameters(ctx);
      const [A, B] = [alpha.dataSync(), beta.dataSync()];
      A.forEach((a, k) => {
        expect(a, `seed ${seed} row ${k}`).toBeGreaterThan(0);
        expect(B[k], `seed ${seed} row ${k}`).toBeGreaterThanOrEqual(-a);
      });
      tf.dispose([z0, alpha, beta, ctx]);
      b.dispose();
    }
  });
});

describe('forward and log-det against closed forms in 1-D', () => {
  const zs = [-4, -1.3, -0.2, 0, 0.05, 0.7, 2, 6];

  test('Planar: f(z) = z + û tanh(wz + b), f\'(z) = 1 + ûw sech²(wz + b)', () => {
    for (const [u, w, b] of [[0.7, 1.2, -0.3], [-3, 0.8, 0.5], [2, -1.5, 0.1], [-0.4, 0.05, 1]]) {
      const layer = new Planar({ dim: 1, seed: 1 });
      setVariables(layer, { u: [u], w: [w], b: [b] });
      const uHat = u + (-1 + softplus(w * u) - w * u) / w;
      const x = tf.tensor2d(zs, [zs.length, 1]);
      const r = layer.forward(x);
      const out = r.out.dataSync();
      const logDet = r.logDet.dataSync();
      zs.forEach((z, i) => {
        const s = w * z + b;
        expect(out[i]).toBeCloseTo(z + uHat * Math.tanh(s), 5);
        expect(logDet[i]).toBeCloseTo(Math.log(Math.abs(1 + uHat * w / Math.cosh(s) ** 2)), 4);
      });
      tf.dispose([x, r.out, r.logDet]);
      layer.dispose();
    }
  });

  test('Radial: f(z) = z + β (z - z0) / (α + |z - z0|), f\'(z) = 1 + βα / (α + r)²', () => {
    for (const [z0, alpha, beta] of [[0.3, 0.5, 2], [-1, 2, -1.9], [0, 0.1, -0.0999], [1.5, 1, 0]]) {
      const layer = new Radial({ dim: 1, seed: 1 });
      setVariables(layer, { z0: [z0], alphaRaw: [inverseSoftplus(alpha)], betaRaw: [inverseSoftplus(alpha + beta)] });
      const x = tf.tensor2d(zs, [zs.length, 1]);
      const r = layer.forward(x);
      const out = r.out.dataSync();
      const logDet = r.logDet.dataSync();
      zs.forEach((z, i) => {
        const rad = Math.abs(z - z0);
        expect(out[i]).toBeCloseTo(z + (beta * (z - z0)) / (alpha + rad), 4);
        expect(logDet[i]).toBeCloseTo(Math.log(1 + (beta * alpha) / (alpha + rad) ** 2), 3);
      });
      tf.dispose([x, r.out, r.logDet]);
      layer.dispose();
    }
  });
});

describe('numerical inverse', () => {
  for (const kind of kinds) {
    test(`${kind.name}: exactInverse is false, also through a Chain`, () => {
      const b = kind.make(2, 0, 1);
      const chain = new Chain([b]);
      expect(b.exactInverse).toBe(false);
      expect(chain.exactInverse).toBe(false);
      chain.dispose();
    });

    // At |y| <= 3 float32 rounding of the forward pass is far below the 1e-5 tolerance, so the
    // residual measured here is the solver's (see test/catalog/planarRadial.ts for larger scales).
    test(`${kind.name}: |forward(inverse(y)) - y| <= TOLERANCES.numericalInverse per row`, () => {
      let worst = 0;
      for (let seed = 0; seed < 30; seed++) {
        const dim = 1 + (seed % 6);
        const contextDim = seed % 3 === 0 ? 0 : 3;
        const b = kind.make(dim, contextDim, seed);
        randomise(b, seed + 100, 1);
        for (const scale of [0.01, 1, 3]) {
          const y = randomMatrix(16, dim, scale, seed + 7);
          const ctx = contextDim ? randomMatrix(16, contextDim, 1, seed + 8) : undefined;
          const inv = b.inverse(y, ctx);
          const back = b.forward(inv.out, ctx);
          worst = Math.max(worst, ...rowResiduals(back.out, y));
          // The inverse log-det is minus the forward log-det at the solution.
          expect(worstRatio(inv.logDet.dataSync(), back.logDet.dataSync().map((v) => -v), TOLERANCES.logDetAbs, TOLERANCES.logDetRel)).toBeLessThanOrEqual(1);
          tf.dispose([y, ctx, inv.out, inv.logDet, back.out, back.logDet]);
        }
        b.dispose();
      }
      expect(worst).toBeLessThanOrEqual(TOLERANCES.numericalInverse);
    });

    test(`${kind.name}: the inverse is differentiable (its Jacobian and parameter gradients)`, () => {
      const b = kind.make(2, 0, 3);
      randomise(b, 4, 0.8);
      const y = randomMatrix(5, 2, 2, 5);
      // Jacobian of the inverse by autodiff against its reported log-det.
      const inv = b.inverse(y);
      const fromAutodiff = rowJacobians((input) => b.inverse(input).out, y).map(logAbsDet);
      expect(worstRatio(inv.logDet.dataSync(), fromAutodiff, TOLERANCES.logDetAbs, TOLERANCES.logDetRel)).toBeLessThanOrEqual(1);
      // Gradient of sum(z) + sum(logDet) with respect to each variable against central differences.
      const loss = () => tf.tidy(() => {
        const r = b.inverse(y);
        return tf.add(tf.sum(r.out), tf.sum(r.logDet)) as tf.Scalar;
      });
      const { value, grads } = tf.variableGrads(loss, b.trainableVariables());
      for (const v of b.trainableVariables()) {
        const g = grads[v.name].dataSync();
        const base = v.dataSync().slice();
        for (let k = 0; k < base.length; k++) {
          const h = 1e-2;
          const at = (delta: number) => {
            const shifted = base.slice();
            shifted[k] += delta;
            tf.tidy(() => v.assign(tf.tensor(shifted, v.shape)));
            const l = loss();
            const out = l.dataSync()[0];
            l.dispose();
            return out;
          };
          const fd = (at(h) - at(-h)) / (2 * h);
          tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
          expect(Math.abs(g[k] - fd), `${v.name}[${k}]: autodiff ${g[k]}, finite difference ${fd}`).toBeLessThanOrEqual(5e-3 * (1 + Math.abs(fd)));
        }
      }
      tf.dispose([y, inv.out, inv.logDet, value, ...Object.values(grads)]);
      b.dispose();
    });
  }

  test('Planar: a clear error when the iteration cap is reached', () => {
    const b = new Planar({ dim: 1, maxIterations: 1, seed: 1 });
    setVariables(b, { u: [5], w: [1], b: [0] });
    const y = tf.tensor2d([[3], [0]]);
    expect(() => b.inverse(y)).toThrow(
      /^Planar\.inverse: the numerical inverse did not converge: the residual \|f\(z\) - y\| must reach 0\.00001 \(TOLERANCES\.numericalInverse\) within 1 iterations; received 1 of 2 row\(s\) above it, worst [0-9.e-]+ at row 0/,
    );
    y.dispose();
    b.dispose();
  });

  // Regression (property seed 78488221, a conditional Planar with û w = ψ = 5.33): Newton on
  // s + ψ tanh(s) = c has an attracting 2-cycle for c in about ±[3.739, 3.759] (s ≈ -1.48 <-> 3.56,
  // each step landing just inside the bracket the other left), which a bracket-only safeguard never
  // broke: 100 iterations left |f(z) - y| ≈ 4.2. The solver must bisect when Newton stops shrinking.
  test('Planar: the inverse converges where undamped Newton cycles (ψ = 5.33, c ≈ ±3.75)', () => {
    const w = 2.7668827671863165;
    const psi = 5.332766096224958;
    const b = new Planar({ dim: 1, seed: 1 });
    setVariables(b, { u: [inverseSoftplus(1 + psi) / w], w: [w], b: [0] });
    const cs = Array.from({ length: 11 }, (_, k) => 3.74 + 0.0018 * k).flatMap((c) => [c, -c]);
    const y = tf.tensor2d(cs.map((c) => [c / w]));
    const inv = b.inverse(y);
    const back = b.forward(inv.out);
    expect(Math.max(...rowResiduals(back.out, y))).toBeLessThanOrEqual(TOLERANCES.numericalInverse);
    tf.dispose([y, inv.out, inv.logDet, back.out, back.logDet]);
    b.dispose();
  });

  // Regression (property seed 1625897485, a conditional Planar row with |w| = 3.14, wᵀu = -10.8, so
  // 1 + wᵀû = softplus(wᵀu) = 2e-5): the map is nearly singular at s = wᵀz + b ≈ 0, where
  // s + ψ tanh(s) ≈ 2e-5 s + s³/3. The solver stopped at the first iterate with |f(z) - y| <= 1e-5
  // (1.3e-6 at s = 0.04173 against the root 0.04039); the log-det log(softplus(wᵀu) sech²(s) + tanh²(s))
  // has slope 48 in s there, so forward and inverse log-dets differed by 0.065. The root must be
  // resolved in float64, not only to the data-space tolerance.
  test('Planar: inverse log-det = -forward log-det where the map is nearly singular (1 + wᵀû = 2e-5)', () => {
    const w = 3.1419277517034114;
    const b = new Planar({ dim: 1, seed: 1 });
    setVariables(b, { u: [-10.8 / w], w: [w], b: [0] });
    const z = tf.tensor2d(Array.from({ length: 12 }, (_, k) => [(0.005 + 0.01 * k) / w]));
    const f = b.forward(z);
    const back = b.inverse(f.out);
    const minusBack = Array.from(back.logDet.dataSync(), (v) => -v);
    expect(worstRatio(f.logDet.dataSync(), minusBack, TOLERANCES.logDetAbs, TOLERANCES.logDetRel)).toBeLessThanOrEqual(1);
    // dz/dy = 1 / (2e-5 + tanh²(s)) <= 1e4 carries the float32 rounding of y (~1e-9) into z.
    expect(Math.max(...rowResiduals(back.out, z))).toBeLessThanOrEqual(1e-5);
    tf.dispose([z, f.out, f.logDet, back.out, back.logDet]);
    b.dispose();
  });

  test('Radial: a clear error when the iteration cap is reached', () => {
    const b = new Radial({ dim: 2, maxIterations: 1, seed: 1 });
    setVariables(b, { z0: [0, 0], alphaRaw: [inverseSoftplus(0.01)], betaRaw: [inverseSoftplus(5.01)] });
    const y = tf.tensor2d([[3, 0]]);
    expect(() => b.inverse(y)).toThrow(/^Radial\.inverse: the numerical inverse did not converge: .*within 1 iterations; received 1 of 1 row\(s\) above it/);
    y.dispose();
    b.dispose();
  });

  test('non-finite inputs let through by withoutValidation fail loudly, not as silent NaN', () => {
    const b = new Planar({ dim: 2, seed: 1 });
    const y = tf.tensor2d([[1, NaN]]);
    const before = tf.memory().numTensors;
    expect(() => withoutValidation(() => b.inverse(y))).toThrow(/Planar\.inverse: .*worst NaN at row 0 \(NaN: non-finite parameters or inputs\)/);
    expect(tf.memory().numTensors).toBe(before);
    y.dispose();
    b.dispose();
  });
});

describe('conditional layers', () => {
  test('Planar: u, w, b differ per context row, and so does the map', () => {
    const b = new Planar({ dim: 3, contextDim: 2, seed: 2 });
    const ctx = tf.tensor2d([[0.5, -1], [2, 0.3], [0.5, -1]]);
    const { u, w, b: bias } = b.parameters(ctx);
    for (const p of [u, w, bias]) {
      const rows = p.arraySync() as number[][];
      expect(rows[0]).not.toEqual(rows[1]);
      expect(rows[0]).toEqual(rows[2]);
    }
    const z = tf.tensor2d([[0.1, 0.2, 0.3], [0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]);
    const out = b.forward(z, ctx).out.arraySync() as number[][];
    expect(out[0]).not.toEqual(out[1]);
    expect(out[0]).toEqual(out[2]);
    tf.dispose([ctx, u, w, bias, z]);
    b.dispose();
  });

  test('Radial: z0, α, β differ per context row', () => {
    const b = new Radial({ dim: 3, contextDim: 2, seed: 2 });
    const ctx = tf.tensor2d([[0.5, -1], [2, 0.3]]);
    const { z0, alpha, beta } = b.parameters(ctx);
    for (const p of [z0, alpha, beta]) {
      const rows = p.arraySync() as number[][];
      expect(rows[0]).not.toEqual(rows[1]);
    }
    expect(() => b.parameters()).toThrow(/^Radial\.parameters: this layer is conditional and needs a context of shape \[batch, 2\]; received none/);
    tf.dispose([ctx, z0, alpha, beta]);
    b.dispose();
  });
});

describe('saving configs', () => {
  test('Planar, Radial and their flows rebuild from toConfig', () => {
    for (const flow of [planarFlow({ dim: 2, contextDim: 3, layers: 2, seed: 1 }), radialFlow({ dim: 2, layers: 3, seed: 1 })]) {
      const config = flow.toConfig();
      const rebuilt = moduleFromConfig<Flow>(JSON.parse(JSON.stringify(config)));
      expect(rebuilt.toConfig()).toEqual(config);
      expect(rebuilt.parameterCount()).toBe(flow.parameterCount());
      flow.dispose();
      rebuilt.dispose();
    }
    const b = new Planar({ dim: 4, contextDim: 2, maxIterations: 30 });
    expect(b.toConfig()).toEqual({ type: 'Planar', dim: 4, contextDim: 2, maxIterations: 30 });
    b.dispose();
  });
});

describe('flow builders: sampleAndLogProb matches logProb at its samples', () => {
  for (const [name, build] of [['planarFlow', planarFlow], ['radialFlow', radialFlow]] as const) {
    test(`${name} (unconditional, 10 layers)`, () => {
      const flow = build({ dim: 3, seed: 4 });
      expect(flow.bijector).toBeInstanceOf(Chain);
      expect((flow.bijector as Chain).bijectors).toHaveLength(10);
      for (const v of flow.trainableVariables()) tf.tidy(() => v.assign(tf.mul(v, 2)));
      const before = tf.memory().numTensors;
      const { sample, logProb } = flow.sampleAndLogProb(200, { seed: 5 });
      const again = flow.logProb(sample);
      expect(sample.shape).toEqual([200, 3]);
      expect(worstRatio(again.dataSync(), logProb.dataSync(), TOLERANCES.logDetAbs, TOLERANCES.logDetRel)).toBeLessThanOrEqual(1);
      tf.dispose([sample, logProb, again]);
      expect(tf.memory().numTensors).toBe(before);
      flow.dispose();
    });

    test(`${name} (conditional)`, () => {
      const flow = build({ dim: 2, contextDim: 3, layers: 4, seed: 6 });
      const ctx = tf.tensor2d([[0.3, -1, 2], [1, 0, -0.5]]);
      const { sample, logProb } = flow.sampleAndLogProb(50, { seed: 7, context: ctx });
      expect(sample.shape).toEqual([2, 50, 2]);
      expect(logProb.shape).toEqual([2, 50]);
      const perDraw = tf.tidy(() => tf.reshape(tf.tile(tf.reshape(ctx, [2, 1, 3]), [1, 50, 1]), [100, 3]) as tf.Tensor2D);
      const flat = tf.reshape(sample, [100, 2]) as tf.Tensor2D;
      const again = flow.logProb(flat, perDraw);
      expect(worstRatio(again.dataSync(), logProb.dataSync(), TOLERANCES.logDetAbs, TOLERANCES.logDetRel)).toBeLessThanOrEqual(1);
      tf.dispose([ctx, sample, logProb, perDraw, flat, again]);
      flow.dispose();
    });
  }

  test('planarFlow rejects bad options', () => {
    expect(() => planarFlow({ dim: 2, layers: 0 })).toThrow(/^planarFlow: layers must be a positive integer; received 0/);
    expect(() => radialFlow({ dim: 1.5 })).toThrow(/^radialFlow: dim must be a positive integer; received 1.5/);
  });
});
