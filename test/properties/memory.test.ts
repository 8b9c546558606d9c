// Property 7: tf.memory().numTensors returns to its baseline after forward, inverse, sampling
// from a flow built on the bijector, and an optimiser step.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Flow } from '../../src/flows/flow.js';
import { StandardNormal } from '../../src/distributions/standardNormal.js';
import { catalog } from '../catalog/index.js';
import { contextFor, describeDraw, disposeAll, assertProperty, drawArbitrary, inputsFor, instantiate } from '../helpers/harness.js';

/** Draws per seed (fixed and fresh). */
const RUNS = 5;

describe('no tensor leaks', () => {
  for (const c of catalog) {
    test(c.name, () => {
      assertProperty(
        drawArbitrary(c), (d) => {
          const flow = new Flow(new StandardNormal(d.dim), instantiate(c, d));
          const x = inputsFor(c.forwardDomain, d);
          const y = inputsFor(c.inverseDomain, d);
          const ctx = contextFor(d);
          // SGD keeps no slots, so a step must leave the count unchanged.
          const optimizer = tf.train.sgd(1e-3);
          try {
            const baseline = tf.memory().numTensors;
            disposeAll(flow.bijector.forward(x, ctx), flow.bijector.inverse(y, ctx));
            tf.dispose(ctx ? flow.sample(3, { seed: 1, context: ctx }) : flow.sample(3, { seed: 1 }));
            const vars = flow.trainableVariables();
            if (vars.length > 0) {
              const loss = optimizer.minimize(
                () => tf.neg(tf.mean(c.numericalInverse ? flow.sampleAndLogProb(4, { seed: 2, ...(ctx ? { context: ctx.slice([0, 0], [1, -1]) } : {}) }).logProb : flow.logProb(y, ctx))) as tf.Scalar,
                true,
                vars,
              );
              loss?.dispose();
            }
            expect(tf.memory().numTensors, describeDraw(c, d)).toBe(baseline);
          } finally {
            tf.dispose([x, y]);
            ctx?.dispose();
            optimizer.dispose();
            flow.dispose();
          }
        },
        RUNS,
      );
    });
  }
});
