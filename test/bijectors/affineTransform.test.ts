// The affine transform's hand-written backward pass (one tape node per direction) against plain
// autodiff of the same formulas: values and every gradient (input, shift and raw log-scale, through
// both the output and the log-derivative), for raw parameters beyond the soft-clipping bound too.
import { afterEach, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AffineTransform } from '../../src/bijectors/monotonic/affine.js';
import { setFastGradients } from '../../src/nn/linearKernel.js';
import { TOLERANCES } from '../../src/numerics.js';

afterEach(() => setFastGradients(true));

function run(direction: 'forward' | 'inverse', fast: boolean, x: tf.Tensor2D, params: tf.Tensor3D, wOut: tf.Tensor, wLog: tf.Tensor) {
  setFastGradients(fast);
  const t = new AffineTransform({ logScaleBound: 3 });
  const loss = (a: tf.Tensor, p: tf.Tensor) => {
    const r = t[direction](a as tf.Tensor2D, p as tf.Tensor3D);
    return tf.add(tf.sum(tf.mul(r.out, wOut)), tf.sum(tf.mul(r.logAbsDet, wLog))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(loss)([x, params]);
  const out = [value.dataSync()[0], ...grads.map((g) => Array.from(g.dataSync()))];
  tf.dispose([value, ...grads]);
  return out as [number, number[], number[]];
}

describe('AffineTransform: hand-written gradients match autodiff', () => {
  test('inverseSummed: values and gradients equal the inverse with a row sum of its log-derivatives', () => {
    const y = tf.randomNormal([9, 3], 0, 2, 'float32', 7) as tf.Tensor2D;
    const params = tf.mul(tf.randomNormal([9, 2, 3], 0, 1, 'float32', 8), 3) as tf.Tensor3D;
    const wOut = tf.randomNormal([9, 3], 0, 1, 'float32', 9);
    const wLog = tf.randomNormal([9], 0, 1, 'float32', 10);
    const t = new AffineTransform();
    const viaSum = (a: tf.Tensor, p: tf.Tensor) => {
      const r = t.inverse(a as tf.Tensor2D, p as tf.Tensor3D);
      return tf.add(tf.sum(tf.mul(r.out, wOut)), tf.sum(tf.mul(tf.sum(r.logAbsDet, 1), wLog))) as tf.Scalar;
    };
    const summed = (a: tf.Tensor, p: tf.Tensor) => {
      const r = t.inverseSummed(a as tf.Tensor2D, p as tf.Tensor3D);
      return tf.add(tf.sum(tf.mul(r.out, wOut)), tf.sum(tf.mul(r.logDet, wLog))) as tf.Scalar;
    };
    const a = tf.valueAndGrads(viaSum)([y, params]);
    const b = tf.valueAndGrads(summed)([y, params]);
    expect(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0])).toBeLessThanOrEqual(1e-4);
    a.grads.forEach((g, k) => {
      const x = g.dataSync();
      const z = b.grads[k].dataSync();
      x.forEach((v, i) => expect(Math.abs(v - z[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    });
    tf.dispose([y, params, wOut, wLog, a.value, b.value, ...a.grads, ...b.grads]);
  });

  for (const direction of ['forward', 'inverse'] as const) {
    test(direction, () => {
      const x = tf.randomNormal([11, 4], 0, 2, 'float32', 1) as tf.Tensor2D;
      // Raw log-scales up to +-8, beyond the bound 3, where soft clipping bends.
      const params = tf.mul(tf.randomNormal([11, 2, 4], 0, 1, 'float32', 2), tf.tensor([2, 4], [1, 2, 1])) as tf.Tensor3D;
      const wOut = tf.randomNormal([11, 4], 0, 1, 'float32', 3);
      const wLog = tf.randomNormal([11, 4], 0, 1, 'float32', 4);
      const before = tf.memory().numTensors;
      const [vf, gxf, gpf] = run(direction, true, x, params, wOut, wLog);
      expect(tf.memory().numTensors).toBe(before);
      const [va, gxa, gpa] = run(direction, false, x, params, wOut, wLog);
      expect(Math.abs(vf - va)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(va)));
      for (const [f, a] of [[gxf, gxa], [gpf, gpa]]) {
        const scale = Math.max(...a.map(Math.abs), 1e-6);
        const worst = Math.max(...f.map((v, i) => Math.abs(v - a[i]) / scale));
        expect(worst).toBeLessThanOrEqual(TOLERANCES.gradientRel);
      }
      tf.dispose([x, params, wOut, wLog]);
    });
  }
});
