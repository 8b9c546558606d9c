import * as tf from '@tensorflow/tfjs';
import { Module } from '../module.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';

/**
 * An embedding network: maps an observation x [batch, inputDim] to features [batch, outputDim]
 * that condition a posterior; trained jointly with it. `MLP`, `Conv1DEmbedding` and
 * `BlockEmbedding` qualify, and so does any module with these members that registers itself.
 */
export interface Embedding extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  apply(x: tf.Tensor2D): tf.Tensor2D;
  toConfig(): ModuleConfig;
}

/** The input and output widths of an embedding, checked. */
export function embeddingDims(net: Module & { toConfig(): ModuleConfig }): { inputDim: number; outputDim: number } {
  const e = net as unknown as Embedding;
  if (!Number.isInteger(e.inputDim) || !Number.isInteger(e.outputDim)) {
    throw new Error(`embeddingDims: ${net.constructor.name} must expose integer inputDim and outputDim`);
  }
  return { inputDim: e.inputDim, outputDim: e.outputDim };
}

/**
 * Embeds consecutive column blocks of x with their own networks and joins the features:
 * [x_1 | x_2 | ...] ↦ [f_1(x_1) | f_2(x_2) | ...]. E.g. hand-made summaries through an MLP beside
 * the raw series through a convolutional net.
 */
export class BlockEmbedding extends Module {
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly nets: (Module & { apply(x: tf.Tensor2D): tf.Tensor2D; toConfig(): ModuleConfig })[];
  private readonly widths: number[];

  constructor(nets: (Module & { apply(x: tf.Tensor2D): tf.Tensor2D; toConfig(): ModuleConfig })[]) {
    super();
    if (nets.length === 0) throw new Error('BlockEmbedding: needs at least one network; received none');
    const dims = nets.map(embeddingDims);
    this.nets = nets;
    this.widths = dims.map((d) => d.inputDim);
    this.inputDim = dims.reduce((s, d) => s + d.inputDim, 0);
    this.outputDim = dims.reduce((s, d) => s + d.outputDim, 0);
    nets.forEach((n, i) => this.addModule(String(i), n));
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (x.shape[1] !== this.inputDim) {
      throw new Error(`BlockEmbedding.apply: x must have shape [batch, ${this.inputDim}]; received [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      let offset = 0;
      const parts = this.nets.map((net, i) => {
        const block = tf.slice(x, [0, offset], [-1, this.widths[i]]) as tf.Tensor2D;
        offset += this.widths[i];
        return net.apply(block);
      });
      return parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D);
    });
  }

  toConfig(): ModuleConfig {
    return { type: 'BlockEmbedding', nets: this.nets.map((n) => n.toConfig()) };
  }
}

registerModule('BlockEmbedding', (c) => new BlockEmbedding((c.nets as ModuleConfig[]).map((n) => moduleFromConfig(n))));
