// The Ricker 'windows' features: the summaries, then log1p(y), y and 1[y = 0] as three channels of
// length T, and the embedding that reads them (summary MLP beside the sliding-window deep set).
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { rickerFeatureModule, rickerFeatureWidths, rickerSeriesChannels } from '../../../simulators/ricker/features.js';
import { rickerEmbedding, RICKER_NPE_DEFAULTS } from '../../../simulators/ricker/npe.js';
import { rickerSummaries, RICKER_SUMMARY_COUNT } from '../../../simulators/ricker/summaries.js';
import { ricker, rickerPrior } from '../../../simulators/ricker/ricker.js';

describe("Ricker 'windows' features", () => {
  const T = 20;
  const n = 3;
  const ys = ricker({ T }).simulate(rickerPrior().sample(n, 1), n, 2);

  test('columns: asinh(summaries), then log1p(y), y and 1[y = 0], each of length T', () => {
    const widths = rickerFeatureWidths('windows', T);
    expect(widths).toEqual({ summaryWidth: RICKER_SUMMARY_COUNT, rawWidth: 3 * T, width: RICKER_SUMMARY_COUNT + 3 * T });
    expect(rickerSeriesChannels('windows')).toBe(3);
    const module = rickerFeatureModule('windows', T);
    const f = module.transformRows(ys, n);
    const summaries = rickerSummaries(ys, n, T);
    for (let i = 0; i < n; i++) {
      const row = f.subarray(i * widths.width, (i + 1) * widths.width);
      for (let j = 0; j < RICKER_SUMMARY_COUNT; j++) expect(row[j]).toBeCloseTo(Math.asinh(summaries[i * RICKER_SUMMARY_COUNT + j]), 12);
      for (let t = 0; t < T; t++) {
        const y = ys[i * T + t];
        expect([row[RICKER_SUMMARY_COUNT + t], row[RICKER_SUMMARY_COUNT + T + t], row[RICKER_SUMMARY_COUNT + 2 * T + t]]).toEqual([Math.log1p(y), y, y === 0 ? 1 : 0]);
      }
    }
    module.dispose();
  });

  test('the embedding reads those columns and gives a 64-wide context; the default mode is windows', () => {
    expect(RICKER_NPE_DEFAULTS.features).toBe('windows');
    const { summaryWidth, rawWidth, width } = rickerFeatureWidths('windows', T);
    const net = rickerEmbedding('windows', summaryWidth, rawWidth, 3)!;
    expect([net.inputDim, net.outputDim]).toEqual([width, 64]);
    const x = tf.randomNormal([4, width], 0, 1, 'float32', 4) as tf.Tensor2D;
    const y = net.apply(x);
    expect(y.shape).toEqual([4, 64]);
    tf.dispose([x, y]);
    net.dispose();
  });
});
