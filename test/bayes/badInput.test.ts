// Bad input to the samplers gets an error that names the sampler and the problem.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { metropolis } from '../../src/bayes/metropolis.js';
import { hmc } from '../../src/bayes/hmc.js';
import { nuts } from '../../src/bayes/nuts.js';
import type { BatchLogDensity } from '../../src/bayes/logDensity.js';

const gaussian: BatchLogDensity = (x) => tf.tidy(() => tf.mul(-0.5, tf.sum(tf.square(x), 1)) as tf.Tensor1D);
const samplers = { metropolis, hmc, nuts } as const;
const initial = [[0.5, -0.5], [1, 1]];
const short = { initial, warmup: 5, samples: 5, seed: 1 };

describe.each(Object.entries(samplers))('%s rejects bad input', (name, sampler) => {
  test('a log density of the wrong shape', () => {
    const perCoordinate: BatchLogDensity = (x) => tf.tidy(() => tf.mul(-0.5, tf.square(x)) as unknown as tf.Tensor1D);
    expect(() => sampler(perCoordinate, short)).toThrow(new RegExp(`^${name}: the log density must return a tensor of shape \\[2\\].*received shape \\[2, 2\\]`));
    const scalar: BatchLogDensity = (x) => tf.tidy(() => tf.sum(tf.square(x)) as unknown as tf.Tensor1D);
    expect(() => sampler(scalar, short)).toThrow(new RegExp(`^${name}: .*received shape \\[\\]`));
  });

  test('NaN (or -Infinity) at the initial point', () => {
    const logOfNegative: BatchLogDensity = (x) => tf.tidy(() => tf.sum(tf.log(tf.sub(x, 0.75)), 1) as tf.Tensor1D);
    expect(() => sampler(logOfNegative, short)).toThrow(new RegExp(`^${name}: the log density must be finite at the initial point; received NaN in chain 0`));
    expect(() => sampler(gaussian, { ...short, initial: [[0, NaN], [0, 0]] })).toThrow(new RegExp(`^${name}: the initial positions must be finite; received NaN in chain 0, coordinate 1`));
  });

  test('initial points of the wrong shape and bad options', () => {
    expect(() => sampler(gaussian, { ...short, initial: [1, 2] as unknown as number[][] })).toThrow(new RegExp(`^${name}: options.initial must be \\[chains, dim\\]`));
    expect(() => sampler(gaussian, { ...short, initial: [[1, 2], [3]] })).toThrow(new RegExp(`^${name}: options.initial must be \\[chains, dim\\]`));
    expect(() => sampler(gaussian, { ...short, samples: 0 })).toThrow(new RegExp(`^${name}: options.samples must be an integer >= 1; received 0`));
    expect(() => sampler(gaussian, { ...short, targetAcceptance: 1.5 })).toThrow(new RegExp(`^${name}: options.targetAcceptance must be in \\(0, 1\\)`));
  });
});

describe('gradient-based samplers reject non-finite gradients', () => {
  // -sum sqrt|x| is finite everywhere but its gradient is infinite at 0.
  const cusp: BatchLogDensity = (x) => tf.tidy(() => tf.neg(tf.sum(tf.sqrt(tf.abs(x)), 1)) as tf.Tensor1D);
  test.each(['hmc', 'nuts'] as const)('%s', (name) => {
    expect(() => samplers[name](cusp, { ...short, initial: [[1, 0], [1, 1]] })).toThrow(
      new RegExp(`^${name}: the gradient of the log density must be finite at the initial point; received (NaN|-?Infinity) in chain 0, coordinate 1`),
    );
  });

  test('metropolis needs no gradient and runs on the same density', () => {
    const run = metropolis(cusp, { ...short, initial: [[1, 0], [1, 1]] });
    expect(run.chainDraws.length).toBe(2);
  });
});
