// Property 6: gradients of a loss through forward and inverse (and their log-dets) with respect
// to every trainable variable exist and are finite.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { catalog } from '../catalog/index.js';
import { contextFor, describeDraw, drawArbitrary, inputsFor, instantiate } from '../helpers/harness.js';

describe('gradients exist and are finite', () => {
  for (const c of catalog) {
    test(c.name, () => {
      fc.assert(
        fc.property(drawArbitrary(c), (d) => {
          const b = instantiate(c, { ...d });
          const vars = b.trainableVariables();
          if (vars.length === 0) {
            b.dispose();
            return;
          }
          const x = inputsFor(c.forwardDomain, { ...d, magnitude: Math.min(d.magnitude, 3) });
          const y = inputsFor(c.inverseDomain, { ...d, magnitude: Math.min(d.magnitude, 3) });
          const ctx = contextFor(d);
          try {
            const { value, grads } = tf.variableGrads(() => {
              const f = b.forward(x, ctx);
              let loss = tf.add(tf.mean(tf.square(f.out)), tf.mean(f.logDet));
              if (!c.numericalInverse) {
                const i = b.inverse(y, ctx);
                loss = tf.add(loss, tf.add(tf.mean(tf.square(i.out)), tf.mean(i.logDet)));
              }
              return loss as tf.Scalar;
            }, vars);
            try {
              expect(Number.isFinite(value.dataSync()[0]), describeDraw(c, d)).toBe(true);
              for (const v of vars) {
                const g = grads[v.name];
                expect(g, `${describeDraw(c, d)}: no gradient for ${v.name}`).toBeDefined();
                const finite = tf.tidy(() => tf.all(tf.isFinite(g)).dataSync()[0]);
                expect(finite, `${describeDraw(c, d)}: non-finite gradient for ${v.name}`).toBe(1);
              }
            } finally {
              value.dispose();
              tf.dispose(Object.values(grads));
            }
          } finally {
            tf.dispose([x, y]);
            ctx?.dispose();
            b.dispose();
          }
        }),
        { numRuns: 8 },
      );
    });
  }
});
