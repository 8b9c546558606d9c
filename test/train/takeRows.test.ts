import { expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { TensorDataset } from '../../src/train/dataset.js';
import { takeRows } from '../../src/train/fit.js';

test('takeRows returns the requested rows of every column, in order, as a gather would', () => {
  const before = tf.memory().numTensors;
  const a = Float32Array.from({ length: 40 * 3 }, (_, i) => i * 0.5 - 7);
  const b = Float32Array.from({ length: 40 * 5 }, (_, i) => Math.sin(i));
  const { train } = new TensorDataset([{ values: a, width: 3 }, { values: b, width: 5 }]).split(0, 1);
  const rows = Int32Array.from([7, 0, 39, 7, 12]);
  const got = takeRows(train, rows);
  const want = tf.tidy(() => train.columns.map((c) => tf.gather(c, tf.tensor1d(rows, 'int32'))));
  got.forEach((g, k) => {
    expect(g.shape).toEqual([5, train.columns[k].shape[1]]);
    expect(Array.from(g.dataSync())).toEqual(Array.from(want[k].dataSync()));
  });
  tf.dispose([...got, ...want, ...train.columns]);
  expect(tf.memory().numTensors).toBe(before);
});
