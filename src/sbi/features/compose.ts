/**
 * Composing feature modules: {@link FeatureChain} applies them one after the other,
 * {@link FeatureConcat} applies each to the same input and joins their outputs side by side (e.g.
 * summaries of a series followed by the series itself, each block for its own embedding).
 */
import { moduleFromConfig, registerModule, type ModuleConfig } from '../../io/registry.js';
import { FeatureModule } from './featureModule.js';

/** What both compositions share: the child modules, registered in order, and their config. */
abstract class FeatureComposition extends FeatureModule {
  readonly modules: FeatureModule[];

  /** `type` is the registered name (explicit: class names do not survive minification). */
  constructor(private readonly type: 'FeatureChain' | 'FeatureConcat', modules: FeatureModule[]) {
    super();
    if (modules.length === 0) throw new Error(`${type}: needs at least one feature module; received none`);
    this.modules = modules.map((m, k) => this.addModule(`${k}`, m));
  }

  toConfig(): ModuleConfig {
    return { type: this.type, modules: this.modules.map((m) => m.toConfig()) };
  }
}

/** f_k(... f_1(x)): each module's output width must be the next one's input width. */
export class FeatureChain extends FeatureComposition {
  readonly inputDim: number;
  readonly outputDim: number;

  constructor(modules: FeatureModule[]) {
    super('FeatureChain', modules);
    modules.forEach((m, k) => {
      if (k > 0 && m.inputDim !== modules[k - 1].outputDim) {
        throw new Error(`FeatureChain: module ${k} takes width ${m.inputDim} but module ${k - 1} gives ${modules[k - 1].outputDim}`);
      }
    });
    this.inputDim = modules[0].inputDim;
    this.outputDim = modules[modules.length - 1].outputDim;
  }

  transformRows(values: Float64Array, n: number): Float64Array {
    return this.modules.reduce((v, m) => m.transformRows(v, n), values);
  }
}

/** [f_1(x), ..., f_k(x)] side by side: every module takes the same input width. */
export class FeatureConcat extends FeatureComposition {
  readonly inputDim: number;
  readonly outputDim: number;

  constructor(modules: FeatureModule[]) {
    super('FeatureConcat', modules);
    modules.forEach((m, k) => {
      if (m.inputDim !== modules[0].inputDim) throw new Error(`FeatureConcat: module ${k} takes width ${m.inputDim} but module 0 takes ${modules[0].inputDim}`);
    });
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
}

const children = (c: ModuleConfig) => (c.modules as ModuleConfig[]).map((m) => moduleFromConfig<FeatureModule>(m));
registerModule('FeatureChain', (c) => new FeatureChain(children(c)));
registerModule('FeatureConcat', (c) => new FeatureConcat(children(c)));
