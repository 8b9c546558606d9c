/**
 * A feature module applying one fixed function to every value: `asinh` (linear near 0,
 * logarithmic beyond: for statistics spanning orders of magnitude with either sign), `log1p` (for
 * counts), `log` (for positive data), `identity` (the values themselves, e.g. as one channel
 * among several transforms of a series) or `isZero` (1 where the value is 0, else 0: the zero
 * counts of a series as their own channel).
 */
import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { checkWidth, FeatureModule } from './featureModule.js';

/** The functions a {@link PointwiseFeatures} module can apply. */
export type PointwiseFunction = 'asinh' | 'log1p' | 'log' | 'identity' | 'isZero';
const FUNCTIONS: Record<PointwiseFunction, (v: number) => number> = {
  asinh: Math.asinh,
  log1p: Math.log1p,
  log: Math.log,
  identity: (v) => v,
  isZero: (v) => (v === 0 ? 1 : 0),
};

/** y_ij = f(x_ij) for a fixed f ({@link PointwiseFunction}); width unchanged. */
export class PointwiseFeatures extends FeatureModule {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly fn: PointwiseFunction;

  constructor(options: { dim: number; fn: PointwiseFunction }) {
    super();
    this.inputDim = this.outputDim = checkWidth('PointwiseFeatures', 'dim', options.dim);
    if (!(options.fn in FUNCTIONS)) throw new Error(`PointwiseFeatures: fn must be one of ${Object.keys(FUNCTIONS).join(', ')}; received ${String(options.fn)}`);
    this.fn = options.fn;
  }

  transformRows(values: Float64Array, n: number): Float64Array {
    const f = FUNCTIONS[this.fn];
    const out = new Float64Array(n * this.outputDim);
    for (let i = 0; i < out.length; i++) out[i] = f(values[i]);
    return out;
  }

  toConfig(): ModuleConfig {
    return { type: 'PointwiseFeatures', dim: this.inputDim, fn: this.fn };
  }
}

registerModule('PointwiseFeatures', (c) => new PointwiseFeatures({ dim: c.dim as number, fn: c.fn as PointwiseFunction }));
