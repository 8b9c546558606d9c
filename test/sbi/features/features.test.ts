// Feature modules: the values they compute, saving them inside a posterior (which then samples
// from the raw observation with nothing but the file), loading posteriors saved before they
// existed, and the errors of wrong compositions.
import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { FeatureChain, FeatureConcat } from '../../../src/sbi/features/compose.js';
import { PointwiseFeatures } from '../../../src/sbi/features/pointwise.js';
import { SeriesSummaries, seriesSummaries } from '../../../src/sbi/features/seriesSummaries.js';
import { FeatureModule } from '../../../src/sbi/features/featureModule.js';
import { trainNPE } from '../../../src/sbi/npe/trainNPE.js';
import { NPEPosterior } from '../../../src/sbi/npe/posterior.js';
import { PosteriorEnsemble } from '../../../src/sbi/npe/ensemble.js';
import { serializeModule } from '../../../src/io/format.js';
import { loadModelFromBytes } from '../../../src/io/load.js';
import { Random } from '../../../src/random.js';
import { Standardize } from '../../../src/nn/standardize.js';
import { maf } from '../../../src/flows/builders.js';
import { registerModule, type ModuleConfig } from '../../../src/io/registry.js';

const T = 12;
function series(n: number, seed: number): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n * T }, () => Math.floor(20 * r.uniform() ** 2));
}
const summariesThenSeries = () =>
  new FeatureConcat([new FeatureChain([new SeriesSummaries({ length: T }), new PointwiseFeatures({ dim: 18, fn: 'asinh' })]), new PointwiseFeatures({ dim: T, fn: 'log1p' })]);

describe('feature modules', () => {
  test('a composition computes asinh(summaries) then log1p(series), row by row', () => {
    const ys = series(3, 1);
    const f = summariesThenSeries().transform({ values: ys, width: T });
    expect(f.width).toBe(18 + T);
    const s = seriesSummaries(ys, 3, T);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 18; j++) expect(f.values[i * f.width + j]).toBe(Math.asinh(s[i * 18 + j]));
      for (let t = 0; t < T; t++) expect(f.values[i * f.width + 18 + t]).toBe(Math.log1p(ys[i * T + t]));
    }
    expect(new SeriesSummaries({ length: T, lags: 2, quantiles: [0.5] }).outputDim).toBe(11);
  });

  test('a posterior holds its features: saved, loaded from bytes, it samples from raw series', () => {
    const n = 300;
    const r = new Random(2);
    const thetas = Array.from({ length: n }, () => [r.uniform() * 10]);
    const ys = Float64Array.from({ length: n * T }, (_, k) => Math.round(thetas[Math.floor(k / T)][0] * (1 + 0.3 * r.normal()) ** 2));
    const { posterior } = trainNPE({ thetas, xs: { values: ys, width: T }, features: summariesThenSeries(), bounds: { low: [0], high: [10] }, seed: 3, density: 'maf', flow: { hidden: [8], transforms: 1 }, maxEpochs: 1 });
    expect(posterior.xDim).toBe(T);
    const { json, weights } = serializeModule(posterior);
    const loaded = loadModelFromBytes<NPEPosterior>(JSON.stringify(json), weights).module;
    expect(loaded.features).toBeInstanceOf(FeatureConcat);
    const raw = Array.from(ys.subarray(0, T));
    const a = posterior.sample([raw], 30, 4);
    const b = loaded.sample([raw], 30, 4);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b]);

    // Saved before feature modules (no "features" key) and as "NPEEnsemble": still loads, takes features.
    const legacy = new PosteriorEnsemble([
      new NPEPosterior({ xStandardizer: new Standardize({ dim: 2 }), embedding: null, flow: maf({ dim: 1, contextDim: 2, transforms: 1, hidden: [4], seed: 5 }) }),
    ]);
    const old = serializeModule(legacy).json;
    const oldConfig = JSON.parse(JSON.stringify(old)) as { model: ModuleConfig & { members: ModuleConfig[] } };
    oldConfig.model.type = 'NPEEnsemble';
    delete oldConfig.model.members[0].features;
    const reloaded = loadModelFromBytes<PosteriorEnsemble>(oldConfig, serializeModule(legacy).weights).module;
    expect(reloaded).toBeInstanceOf(PosteriorEnsemble);
    expect(reloaded.features).toBeNull();
    expect(reloaded.xDim).toBe(2);
    [posterior, loaded, legacy, reloaded].forEach((m) => m.dispose());
  });

  test('identity and isZero: the values, and 1 exactly where a value is 0', () => {
    expect(Array.from(new PointwiseFeatures({ dim: 4, fn: 'identity' }).transformRows(Float64Array.from([0, 3, 0.5, 7]), 1))).toEqual([0, 3, 0.5, 7]);
    expect(Array.from(new PointwiseFeatures({ dim: 4, fn: 'isZero' }).transformRows(Float64Array.from([0, 3, 0, 1e-9]), 1))).toEqual([1, 0, 1, 0]);
  });

  test('wrong compositions and modules with variables are errors', () => {
    expect(() => new FeatureChain([new SeriesSummaries({ length: T }), new PointwiseFeatures({ dim: 5, fn: 'log' })])).toThrow(/FeatureChain: module 1 takes width 5 but module 0 gives 18/);
    expect(() => new FeatureConcat([new PointwiseFeatures({ dim: 3, fn: 'log' }), new PointwiseFeatures({ dim: 4, fn: 'log' })])).toThrow(/FeatureConcat: module 1 takes width 4 but module 0 takes 3/);
    expect(() => new PointwiseFeatures({ dim: 3, fn: 'exp' as 'log' })).toThrow(/PointwiseFeatures: fn must be one of asinh, log1p, log, identity, isZero; received exp/);
    expect(() => summariesThenSeries().transform([[1, 2, 3]])).toThrow(/FeatureConcat.transform: x must have width 12; received width 3/);

    class Learned extends FeatureModule {
      readonly inputDim = 2;
      readonly outputDim = 2;
      constructor() {
        super();
        this.addVariable('w', tf.ones([2]));
      }
      transformRows(values: Float64Array): Float64Array {
        return values;
      }
      toConfig(): ModuleConfig {
        return { type: 'LearnedFeatures' };
      }
    }
    registerModule('LearnedFeatures', () => new Learned());
    const flow = maf({ dim: 1, contextDim: 2, transforms: 1, hidden: [4], seed: 6 });
    expect(() => new NPEPosterior({ features: new Learned(), xStandardizer: new Standardize({ dim: 2 }), embedding: null, flow })).toThrow(/NPEPosterior: a feature module must have no variables; Learned has 1/);
    flow.dispose();
  });
});
