/**
 * Composing feature modules: {@link FeatureChain} applies them one after the other,
 * {@link FeatureConcat} applies each to the same input and joins their outputs side by side (e.g.
 * summaries of a series followed by the series itself, each block for its own embedding).
 */
import { moduleFromConfig, registerModule, type ModuleConfig } from '../../io/registry.js';
import { FeatureModule } from './featureModule.js';

/** f_k(... f_1(x)): each module's output width must be the next one's input width. */
export class FeatureChain extends FeatureModule {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly modules: FeatureModule[];

  constructor(modules: FeatureModule[]) {
    super();
    if (modules.length === 0) throw new Error('FeatureChain: needs at least one feature module; received none');
    modules.forEach((m, k) => {
      if (k > 0 && m.inputDim !== modules[k - 1].outputDim) {
        throw new Error(`FeatureChain: module ${k} takes width ${m.inputDim} but module ${k - 1} gives ${modules[k - 1].outputDim}`);
      }
    });
    this.modules = modules.map((m, k) => this.addModule(`${k}`, m));
    this.inputDim = modules[0].inputDim;
    this.outputDim = modules[modules.length - 1].outputDim;
  }

  transformRows(values: Float64Array, n: number): Float64Array {
    return this.modules.reduce((v, m) => m.transformRows(v, n), values);
  }

  toConfig(): ModuleConfig {
    return { type: 'FeatureChain', modules: this.modules.map((m) => m.toConfig()) };
  }
}

/** [f_1(x), ..., f_k(x)] side by side: every module takes the same input width. */
export class FeatureConcat extends FeatureModule {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly modules: FeatureModule[];

  constructor(modules: FeatureModule[]) {
    super();
    if (modules.length === 0) throw new Error('FeatureConcat: needs at least one feature module; received none');
    modules.forEach((m, k) => {
      if (m.inputDim !== modules[0].inputDim) throw new Error(`FeatureConcat: module ${k} takes width ${m.inputDim} but module 0 takes ${modules[0].inputDim}`);
    });
    this.modules = modules.map((m, k) => this.addModule(`${k}`, m));
    this.inputDim = modules[0].inputDim;
    this.outputDim = modules.reduce((s, m) => s + m.outputDim, 0);
  }

  /** Output widths of the blocks, in order (e.g. to size one embedding per block). */
  get blockWidths(): number[] {
    return this.modules.map((m) => m.outputDim);
  }

  transformRows(values: Float64Array, n: number): Float64Array {
    const out = new Float64Array(n * this.outputDim);
    let col = 0;
    for (const m of this.modules) {
      const block = m.transformRows(values, n);
      for (let i = 0; i < n; i++) out.set(block.subarray(i * m.outputDim, (i + 1) * m.outputDim), i * this.outputDim + col);
      col += m.outputDim;
    }
    return out;
  }

  toConfig(): ModuleConfig {
    return { type: 'FeatureConcat', modules: this.modules.map((m) => m.toConfig()) };
  }
}

const children = (c: ModuleConfig) => (c.modules as ModuleConfig[]).map((m) => moduleFromConfig<FeatureModule>(m));
registerModule('FeatureChain', (c) => new FeatureChain(children(c)));
registerModule('FeatureConcat', (c) => new FeatureConcat(children(c)));
