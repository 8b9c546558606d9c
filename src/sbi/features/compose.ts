/**
 * Composing feature modules: {@link FeatureChain} applies them one after the other,
 * {@link FeatureConcat} applies each to the same input and joins their outputs side by side (e.g.
 * summaries of a series followed by the series itself, each block for its own embedding).
 */
import { moduleFromConfig, registerModule, type ModuleConfig } from '../../io/registry.js';
import { FeatureModule } from './featureModule.js';

/**
 * What both compositions share: the child modules (checked by `mismatch`, which describes what is
 * wrong with module k or returns null), registered in order, the input width of the first, and the
 * config.
 */
abstract class FeatureComposition extends FeatureModule {
  readonly modules: FeatureModule[];
  readonly inputDim: number;

  /** `type` is the registered name (explicit: class names do not survive minification). */
  constructor(private readonly type: 'FeatureChain' | 'FeatureConcat', modules: FeatureModule[], mismatch: (k: number) => string | null) {
    super();
    if (modules.length === 0) throw new Error(`${type}: needs at least one feature module; received none`);
    modules.forEach((_, k) => {
      const problem = mismatch(k);
      if (problem) throw new Error(`${type}: ${problem}`);
    });
    this.modules = modules.map((m, k) => this.addModule(`${k}`, m));
    this.inputDim = modules[0].inputDim;
  }

  toConfig(): ModuleConfig {
    return { type: this.type, modules: this.modules.map((m) => m.toConfig()) };
  }
}

/** f_k(... f_1(x)): each module's output width must be the next one's input width. */
export class FeatureChain extends FeatureComposition {
  readonly outputDim: number;

  constructor(modules: FeatureModule[]) {
    super('FeatureChain', modules, (k) =>
      k > 0 && modules[k].inputDim !== modules[k - 1].outputDim ? `module ${k} takes width ${modules[k].inputDim} but module ${k - 1} gives ${modules[k - 1].outputDim}` : null,
    );
    this.outputDim = modules[modules.length - 1].outputDim;
  }

  transformRows(values: Float64Array, n: number): Float64Array {
    return this.modules.reduce((v, m) => m.transformRows(v, n), values);
  }
}

/** [f_1(x), ..., f_k(x)] side by side: every module takes the same input width. */
export class FeatureConcat extends FeatureComposition {
  readonly outputDim: number;

  constructor(modules: FeatureModule[]) {
    super('FeatureConcat', modules, (k) =>
      modules[k].inputDim !== modules[0].inputDim ? `module ${k} takes width ${modules[k].inputDim} but module 0 takes ${modules[0].inputDim}` : null,
    );
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
