// PosteriorEnsemble: the mixture log density against its members, stratified sampling (shape,
// share of each member, seeded), bounds, saving and loading, and no tensor leaks.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainNPE } from '../../../src/sbi/npe/trainNPE.js';
import { PosteriorEnsemble } from '../../../src/sbi/npe/ensemble.js';
import { deserializeModule, serializeModule } from '../../../src/io/format.js';
import { noisyPairs } from '../../helpers/noisyPairs.js';
import { Random } from '../../../src/random.js';

const data = (n: number, seed: number) => noisyPairs(n, seed, 0.5);

const bounds = { low: [-2, -2], high: [2, 2] };
const member = (seed: number) =>
  trainNPE({ ...data(600, 1), bounds, seed, density: 'maf', flow: { hidden: [16], transforms: 2 }, maxEpochs: 3 }).posterior;

describe('PosteriorEnsemble', () => {
  test('grouped observations: logProb(theta [b L], xo [b]) equals logProb with every observation repeated L times; bad row counts are errors', () => {
    const before = tf.memory().numTensors;
    const single = member(4);
    const ensemble = new PosteriorEnsemble([member(5), member(6)]);
    tf.tidy(() => {
      const xo = tf.tensor2d([[0.3, -0.5], [1.5, 1.0], [-1, 0.2]]);
      const theta = tf.reshape(single.sample(xo, 4, 3), [12, 2]) as tf.Tensor2D;
      const repeated = tf.reshape(tf.tile(tf.reshape(xo, [3, 1, 2]), [1, 4, 1]), [12, 2]) as tf.Tensor2D;
      for (const posterior of [single, ensemble]) {
        expect(posterior.groupedLogProb).toBe(true);
        const grouped = Array.from(posterior.logProb(theta, xo).dataSync());
        const plain = Array.from(posterior.logProb(theta, repeated).dataSync());
        grouped.forEach((v, i) => expect(v).toBeCloseTo(plain[i], 5));
      }
      expect(() => single.logProb(theta, tf.zeros([5, 2]))).toThrow(/xo must have 1 row, one per theta row \(12\), or a number of rows that divides 12.*received 5/);
    });
    single.dispose();
    ensemble.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('log density is the log of the mean member density; samples come from both members, inside the bounds', () => {
    const before = tf.memory().numTensors;
    const ensemble = new PosteriorEnsemble([member(2), member(3)]);
    tf.tidy(() => {
      const xo = tf.tensor2d([[0.3, -0.5], [1.5, 1.0]]);
      const theta = tf.tensor2d([[0.1, -0.2], [1.2, 0.9], [3, 0]]); // the last lies outside the box
      const x3 = tf.tensor2d([[0.3, -0.5], [1.5, 1.0], [0, 0]]);
      const lp = Array.from(ensemble.logProb(theta, x3).dataSync());
      const parts = ensemble.members.map((m) => Array.from(m.logProb(theta, x3).dataSync()));
      for (let i = 0; i < 2; i++) expect(lp[i]).toBeCloseTo(Math.log((Math.exp(parts[0][i]) + Math.exp(parts[1][i])) / 2), 4);
      expect(lp[2]).toBe(-Infinity);

      const s = ensemble.sample(xo, 7, 11);
      expect(s.shape).toEqual([2, 7, 2]);
      const v = s.dataSync();
      for (let i = 0; i < v.length; i++) expect(Math.abs(v[i])).toBeLessThan(2);
      // Same seed, same draws.
      expect(Array.from(ensemble.sample(xo, 7, 11).dataSync())).toEqual(Array.from(v));
      const own = [ensemble.members[0], ensemble.members[1]].map((m) => m.sample(xo, 4, 0).shape);
      expect(own[0]).toEqual([2, 4, 2]);
      const means = ensemble.mean(xo, 200, 5);
      expect(means.shape).toEqual([2, 2]);
      expect(ensemble.map(xo, { candidates: 50, seed: 6 }).shape).toEqual([2, 2]);
    });
    // Called without an enclosing tidy, each method leaves only its result.
    const xo = tf.tensor2d([[0.3, -0.5]]);
    const theta = tf.tensor2d([[0.1, -0.2]]);
    const held = tf.memory().numTensors;
    const results = [ensemble.sample(xo, 5, 1), ensemble.logProb(theta, xo), ensemble.mean(xo, 10, 2), ensemble.map(xo, { candidates: 10, seed: 3 })];
    expect(tf.memory().numTensors - held).toBe(results.length);
    tf.dispose([xo, theta, ...results]);
    ensemble.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('stratified sampling: each member contributes its share, in random order', () => {
    const ensemble = new PosteriorEnsemble([member(4), member(5)]);
    const xo = tf.tensor2d([[0, 0]]);
    // Member draws with the ensemble's forked seeds are reproduced as a multiset.
    const draws = Array.from(ensemble.sample(xo, 9, 21).dataSync());
    const pairs = (a: number[]) => Array.from({ length: a.length / 2 }, (_, i) => `${a[2 * i].toFixed(5)},${a[2 * i + 1].toFixed(5)}`).sort();
    const random = new Random(21);
    const a = Array.from(ensemble.members[0].sample(xo, 5, random.fork()).dataSync());
    const b = Array.from(ensemble.members[1].sample(xo, 4, random.fork()).dataSync());
    expect(pairs(draws)).toEqual(pairs([...a, ...b]));
    expect(draws.slice(0, 10)).not.toEqual(a.slice(0, 10)); // shuffled, not concatenated
    xo.dispose();
    ensemble.dispose();
  });

  test('saving and loading reproduce the log density; mismatched members are an error', () => {
    const ensemble = new PosteriorEnsemble([member(6), member(7)]);
    const { json, weights } = serializeModule(ensemble);
    const loaded = deserializeModule<PosteriorEnsemble>(json, weights);
    expect(loaded).toBeInstanceOf(PosteriorEnsemble);
    const theta = tf.tensor2d([[0.5, 0.5], [-1, 1]]);
    const xo = tf.tensor2d([[0.4, 0.6]]);
    expect(Array.from(loaded.logProb(theta, xo).dataSync())).toEqual(Array.from(ensemble.logProb(theta, xo).dataSync()));
    const other = trainNPE({ thetas: [[0], [1], [2], [0.5]], xs: [[0, 1], [1, 2], [2, 3], [1, 1]], seed: 1, maxEpochs: 1, validationFraction: 0.25, flow: { hidden: [4], transforms: 1 } }).posterior;
    expect(() => new PosteriorEnsemble([ensemble.members[0], other])).toThrow(/member 1 has thetaDim 1/);
    expect(() => new PosteriorEnsemble([])).toThrow(/at least one member/);
    tf.dispose([theta, xo]);
    [ensemble, loaded, other].forEach((m) => m.dispose());
  });
});
