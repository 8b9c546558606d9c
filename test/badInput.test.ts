// Bad inputs to the core bijectors, distributions and flows: each must raise an error whose message
// names Class.method, the expected shape (or that values must be finite) and what was received.
// Also: withoutValidation skips the value checks (finite, domain) and only those.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from '../src/bijectors/bijector.js';
import { MaskedAutoregressive } from '../src/bijectors/maskedAutoregressive.js';
import { Coupling } from '../src/bijectors/coupling.js';
import { Chain } from '../src/bijectors/chain.js';
import { Invert } from '../src/bijectors/invert.js';
import { Permutation } from '../src/bijectors/permutation.js';
import type { Distribution } from '../src/distributions/distribution.js';
import { DiagonalNormal } from '../src/distributions/diagonalNormal.js';
import { BoxUniform } from '../src/distributions/boxUniform.js';
import { maf, realNVP } from '../src/flows/builders.js';
import { validateArgsEnabled, withoutValidation } from '../src/validation.js';

const D = 3;
const C = 2;
const B = 4;

/** Escape a literal for a RegExp. */
const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A message that starts with `where: ` and contains every part, in order. */
const message = (where: string, ...parts: string[]) => new RegExp(`^${lit(where)}: .*${parts.map(lit).join('.*')}`);

/** A [B, D] matrix of ones with one entry replaced. */
function withValue(rows: number, cols: number, value: number): tf.Tensor2D {
  const data = new Array(rows * cols).fill(0.5);
  data[cols + 1] = value;
  return tf.tensor2d(data, [rows, cols]);
}

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  // Failing argument checks must not leak tensors.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

interface BijectorUnderTest {
  name: string;
  make: () => Bijector;
  conditional: boolean;
}

const bijectors: BijectorUnderTest[] = [
  { name: 'MaskedAutoregressive', conditional: true, make: () => new MaskedAutoregressive({ dim: D, contextDim: C, hidden: [8], seed: 1 }) },
  { name: 'Coupling', conditional: true, make: () => new Coupling({ dim: D, contextDim: C, hidden: [8], seed: 1 }) },
  { name: 'Coupling', conditional: false, make: () => new Coupling({ dim: D, hidden: [8], seed: 1 }) },
  {
    name: 'Chain',
    conditional: true,
    make: () => new Chain([new MaskedAutoregressive({ dim: D, contextDim: C, hidden: [8], seed: 1 }), Permutation.reverse(D)]),
  },
  { name: 'Invert(MaskedAutoregressive)', conditional: true, make: () => new Invert(new MaskedAutoregressive({ dim: D, contextDim: C, hidden: [8], seed: 1 })) },
  { name: 'Permutation', conditional: false, make: () => Permutation.reverse(D) },
];

describe('bijectors reject bad inputs', () => {
  for (const c of bijectors) {
    for (const method of ['forward', 'inverse'] as const) {
      const label = `${c.name}.${method}${c.conditional ? ' (conditional)' : ''}`;
      const where = `${c.name}.${method}`;
      const call = (b: Bijector, x: unknown, ctx?: unknown) => {
        const r = b[method](x as tf.Tensor2D, ctx as tf.Tensor2D);
        tf.dispose([r.out, r.logDet]);
      };

      test(`${label}: input shape and type`, () => {
        const b = c.make();
        const ctx = c.conditional ? tf.ones([B, C]) : undefined;
        const cases: [tf.Tensor | unknown, RegExp][] = [
          [tf.ones([B, D + 1]), message(where, `input must have shape [batch, ${D}]`, `received [${B}, ${D + 1}]`)],
          [tf.ones([D]), message(where, `input must be a tensor of shape [batch, ${D}]`, `received a tensor of shape [${D}] (float32)`)],
          [tf.ones([B, D, 1]), message(where, `input must be a tensor of shape [batch, ${D}]`, `received a tensor of shape [${B}, ${D}, 1]`)],
          [[[1, 2, 3]], message(where, `input must be a tensor of shape [batch, ${D}]`, 'received a plain array (not a tensor)')],
          [tf.ones([B, D], 'int32'), message(where, 'input must be float32', 'received int32')],
        ];
        for (const [x, expected] of cases) {
          expect(() => call(b, x, ctx)).toThrow(expected);
          if (x instanceof tf.Tensor) x.dispose();
        }
        ctx?.dispose();
        b.dispose();
      });

      test(`${label}: NaN or Infinity in the input`, () => {
        const b = c.make();
        const ctx = c.conditional ? tf.ones([B, C]) : undefined;
        for (const bad of [NaN, Infinity, -Infinity]) {
          const x = withValue(B, D, bad);
          expect(() => call(b, x, ctx)).toThrow(
            message(where, 'input must be finite', `received 1 non-finite value(s) (NaN or Infinity) in a tensor of shape [${B}, ${D}]`),
          );
          x.dispose();
        }
        ctx?.dispose();
        b.dispose();
      });

      if (!c.conditional) continue;

      test(`${label}: missing, misshapen or non-finite context`, () => {
        const b = c.make();
        const x = tf.ones([B, D]);
        const cases: [unknown, RegExp][] = [
          [undefined, message(where, `is conditional and needs a context of shape [${B}, ${C}]`, 'received none')],
          [tf.ones([B, C + 1]), message(where, `context must have shape [batch, ${C}]`, `received [${B}, ${C + 1}]`)],
          [tf.ones([B + 1, C]), message(where, `context must have one row per input row, shape [${B}, ${C}]`, `received [${B + 1}, ${C}]`)],
          [tf.ones([C]), message(where, `context must be a tensor of shape [batch, ${C}]`, `received a tensor of shape [${C}]`)],
          [[[1, 2]], message(where, `context must be a tensor of shape [batch, ${C}]`, 'received a plain array (not a tensor)')],
          [withValue(B, C, NaN), message(where, 'context must be finite', `received 1 non-finite value(s) (NaN or Infinity) in a tensor of shape [${B}, ${C}]`)],
          [withValue(B, C, Infinity), message(where, 'context must be finite', 'received 1 non-finite value(s)')],
        ];
        for (const [ctx, expected] of cases) {
          expect(() => call(b, x, ctx)).toThrow(expected);
          if (ctx instanceof tf.Tensor) ctx.dispose();
        }
        x.dispose();
        b.dispose();
      });
    }
  }
});

interface DistributionUnderTest {
  name: string;
  make: () => Distribution;
  conditional: boolean;
}

const distributions: DistributionUnderTest[] = [
  { name: 'DiagonalNormal', conditional: false, make: () => new DiagonalNormal({ dim: D }) },
  { name: 'BoxUniform', conditional: false, make: () => new BoxUniform([0, 0, 0], [1, 1, 1]) },
  { name: 'Flow', conditional: false, make: () => realNVP({ dim: D, hidden: [8], transforms: 2, seed: 1 }) },
  { name: 'Flow', conditional: true, make: () => maf({ dim: D, contextDim: C, hidden: [8], transforms: 2, seed: 1 }) },
];

describe('distributions and flows reject bad inputs', () => {
  for (const c of distributions) {
    const label = `${c.name}${c.conditional ? ' (conditional)' : ''}`;
    const goodContext = () => (c.conditional ? (tf.ones([B, C]) as tf.Tensor2D) : undefined);

    test(`${label}.logProb: x shape, type and values`, () => {
      const d = c.make();
      const ctx = goodContext();
      const where = `${c.name}.logProb`;
      const cases: [unknown, RegExp][] = [
        [tf.ones([B, D + 1]), message(where, `x must have shape [batch, ${D}]`, `received [${B}, ${D + 1}]`)],
        [tf.ones([D]), message(where, `x must be a tensor of shape [batch, ${D}]`, `received a tensor of shape [${D}] (float32)`)],
        [tf.ones([B, D, 1]), message(where, `x must be a tensor of shape [batch, ${D}]`, `received a tensor of shape [${B}, ${D}, 1]`)],
        [[[0.5, 0.5, 0.5]], message(where, `x must be a tensor of shape [batch, ${D}]`, 'received a plain array (not a tensor)')],
        [withValue(B, D, NaN), message(where, 'x must be finite', `received 1 non-finite value(s) (NaN or Infinity) in a tensor of shape [${B}, ${D}]`)],
        [withValue(B, D, Infinity), message(where, 'x must be finite', 'received 1 non-finite value(s)')],
      ];
      for (const [x, expected] of cases) {
        expect(() => tf.dispose(d.logProb(x as tf.Tensor2D, ctx))).toThrow(expected);
        if (x instanceof tf.Tensor) x.dispose();
      }
      ctx?.dispose();
      d.dispose();
    });

    test(`${label}.sample and sampleAndLogProb: n must be a positive integer`, () => {
      const d = c.make();
      const ctx = goodContext();
      for (const method of ['sample', 'sampleAndLogProb'] as const) {
        for (const n of [0, -1, 2.5, NaN, Infinity]) {
          expect(() => tf.dispose(d[method](n, { seed: 1, context: ctx }) as tf.TensorContainer)).toThrow(
            message(`${c.name}.${method}`, 'n must be a positive integer', `received ${n}`),
          );
        }
      }
      ctx?.dispose();
      d.dispose();
    });

    if (!c.conditional) {
      test(`${label}: a context given to an unconditional distribution`, () => {
        const d = c.make();
        const x = tf.fill([B, D], 0.5) as tf.Tensor2D;
        const ctx = tf.ones([B, C]) as tf.Tensor2D;
        const expected = (method: string) => message(`${c.name}.${method}`, 'is unconditional (no context)', `received a context of shape [${B}, ${C}]`);
        expect(() => tf.dispose(d.logProb(x, ctx))).toThrow(expected('logProb'));
        expect(() => tf.dispose(d.sample(2, { context: ctx }))).toThrow(expected('sample'));
        expect(() => tf.dispose(d.sampleAndLogProb(2, { context: ctx }) as unknown as tf.TensorContainer)).toThrow(expected('sampleAndLogProb'));
        tf.dispose([x, ctx]);
        d.dispose();
      });
      continue;
    }

    test(`${label}: missing, misshapen or non-finite context`, () => {
      const d = c.make();
      const x = tf.ones([B, D]) as tf.Tensor2D;
      const logProb: [unknown, RegExp][] = [
        [undefined, message('Flow.logProb', `is conditional and needs a context of shape [${B}, ${C}]`, 'received none')],
        [tf.ones([B, C + 1]), message('Flow.logProb', `context must have shape [batch, ${C}]`, `received [${B}, ${C + 1}]`)],
        [tf.ones([B + 1, C]), message('Flow.logProb', `context must have one row per input row, shape [${B}, ${C}]`, `received [${B + 1}, ${C}]`)],
        [tf.ones([B, C, 1]), message('Flow.logProb', `context must be a tensor of shape [batch, ${C}]`, `received a tensor of shape [${B}, ${C}, 1]`)],
        [withValue(B, C, NaN), message('Flow.logProb', 'context must be finite', `received 1 non-finite value(s) (NaN or Infinity) in a tensor of shape [${B}, ${C}]`)],
      ];
      for (const [ctx, expected] of logProb) {
        expect(() => tf.dispose(d.logProb(x, ctx as tf.Tensor2D))).toThrow(expected);
        if (ctx instanceof tf.Tensor) ctx.dispose();
      }
      for (const method of ['sample', 'sampleAndLogProb'] as const) {
        const where = `Flow.${method}`;
        const sampling: [unknown, RegExp][] = [
          [undefined, message(where, `is conditional and needs options.context of shape [b, ${C}]`, 'received none')],
          [tf.ones([B, C + 1]), message(where, `context must have shape [batch, ${C}]`, `received [${B}, ${C + 1}]`)],
          [[[1, 2]], message(where, `context must be a tensor of shape [batch, ${C}]`, 'received a plain array (not a tensor)')],
          [withValue(B, C, Infinity), message(where, 'context must be finite', `in a tensor of shape [${B}, ${C}]`)],
        ];
        for (const [ctx, expected] of sampling) {
          expect(() => tf.dispose(d[method](3, { seed: 1, context: ctx as tf.Tensor2D }) as tf.TensorContainer)).toThrow(expected);
          if (ctx instanceof tf.Tensor) ctx.dispose();
        }
      }
      x.dispose();
      d.dispose();
    });
  }
});

/** A bijector with a domain, to check that domain checks are value checks. */
class UnitInterval extends Bijector {
  constructor() {
    super(1);
    this.forwardDomain = { low: 0, high: 1 };
  }
  protected forwardImpl(x: tf.Tensor2D): BijectorOutput {
    return { out: tf.clone(x), logDet: tf.zeros([x.shape[0]]) };
  }
  protected inverseImpl(y: tf.Tensor2D): BijectorOutput {
    return this.forwardImpl(y);
  }
}

describe('withoutValidation skips only the value checks', () => {
  test('non-finite inputs and contexts pass through, shape and argument checks still run', () => {
    const b = new MaskedAutoregressive({ dim: D, contextDim: C, hidden: [8], seed: 1 });
    const flow = maf({ dim: D, contextDim: C, hidden: [8], transforms: 2, seed: 1 });
    const unconditional = realNVP({ dim: D, hidden: [8], transforms: 1, seed: 1 });
    const nanX = withValue(B, D, NaN);
    const nanCtx = withValue(B, C, NaN);
    const ctx = tf.ones([B, C]) as tf.Tensor2D;
    const wide = tf.ones([B, D + 1]) as tf.Tensor2D;
    withoutValidation(() => {
      expect(validateArgsEnabled()).toBe(false);
      // Value checks are skipped: NaN flows through to the output instead of raising.
      const r = b.forward(nanX, ctx);
      expect(Array.from(r.out.dataSync()).some(Number.isNaN)).toBe(true);
      const ones = tf.onesLike(nanX) as tf.Tensor2D;
      const r2 = b.inverse(ones, nanCtx);
      expect(Array.from(r2.out.dataSync()).some(Number.isNaN)).toBe(true);
      tf.dispose([r.out, r.logDet, r2.out, r2.logDet, ones]);
      tf.dispose(flow.logProb(nanX, ctx));
      tf.dispose(flow.sample(2, { seed: 1, context: nanCtx }));
      // Shape and argument checks still run.
      expect(() => b.forward(wide, ctx)).toThrow(message('MaskedAutoregressive.forward', `input must have shape [batch, ${D}]`));
      expect(() => b.forward(nanX)).toThrow(message('MaskedAutoregressive.forward', 'needs a context', 'received none'));
      expect(() => flow.logProb(nanX, wide)).toThrow(message('Flow.logProb', `context must have shape [batch, ${C}]`));
      expect(() => flow.sample(0, { context: ctx })).toThrow(message('Flow.sample', 'n must be a positive integer', 'received 0'));
      expect(() => unconditional.logProb(nanX, ctx)).toThrow(/^Flow\.logProb: this distribution is unconditional/);
    });
    expect(validateArgsEnabled()).toBe(true);
    tf.dispose([nanX, nanCtx, ctx, wide]);
    b.dispose();
    flow.dispose();
    unconditional.dispose();
  });

  test('domain checks are value checks; the setting is restored after an error', () => {
    const b = new UnitInterval();
    const outside = tf.tensor2d([[0.5], [1.5]]);
    expect(() => b.forward(outside)).toThrow(/^UnitInterval\.forward: input must lie in \(0, 1\); received values from 0\.5 to 1\.5/);
    withoutValidation(() => tf.dispose(Object.values(b.forward(outside))));
    expect(() => withoutValidation(() => b.forward([[0.5]] as unknown as tf.Tensor2D))).toThrow(/^UnitInterval\.forward: input must be a tensor/);
    expect(validateArgsEnabled()).toBe(true);
    outside.dispose();
  });
});
