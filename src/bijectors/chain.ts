import * as tf from '@tensorflow/tfjs';
import { Bijector, type BijectorOutput } from './bijector.js';
import { moduleFromConfig, registerModule, type ModuleConfig } from '../io/registry.js';

/**
 * Composition of bijectors. The list reads from base to data:
 * `new Chain([a, b, c]).forward(x) = c(b(a(x)))` and its inverse undoes c first. (TFP's `Chain`
 * lists the other way round; Pyro's `ComposeTransform` and this class read in application order.)
 * By the chain rule the log-dets add: log|det J_chain| = sum_k log|det J_k| at the intermediate
 * points. A context is passed to every member; unconditional members ignore it.
 */
export class Chain extends Bijector {
  readonly bijectors: readonly Bijector[];

  constructor(bijectors: Bijector[]) {
    const dims = bijectors.map((b) => b.dim).filter((d): d is number => d !== undefined);
    if (dims.some((d) => d !== dims[0])) {
      throw new Error(`Chain: all members must have the same width; received widths ${dims.join(', ')}`);
    }
    const contextDims = [...new Set(bijectors.map((b) => b.contextDim).filter((c) => c > 0))];
    if (contextDims.length > 1) {
      throw new Error(`Chain: conditional members must share one context width; received ${contextDims.join(', ')}`);
    }
    super(dims[0], contextDims[0] ?? 0);
    this.bijectors = bijectors;
    bijectors.forEach((b, i) => this.addModule(String(i), b));
  }

  protected forwardImpl(x: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    let out = x;
    let logDet: tf.Tensor1D | null = null;
    for (const b of this.bijectors) {
      const r = b.forward(out, context);
      out = r.out;
      logDet = addLogDet(logDet, r.logDet, b);
    }
    return { out, logDet: logDet ?? (tf.zeros([x.shape[0]]) as tf.Tensor1D) };
  }

  protected inverseImpl(y: tf.Tensor2D, context?: tf.Tensor2D): BijectorOutput {
    let out = y;
    let logDet: tf.Tensor1D | null = null;
    for (let i = this.bijectors.length - 1; i >= 0; i--) {
      const r = this.bijectors[i].inverse(out, context);
      out = r.out;
      logDet = addLogDet(logDet, r.logDet, this.bijectors[i]);
    }
    return { out, logDet: logDet ?? (tf.zeros([y.shape[0]]) as tf.Tensor1D) };
  }

  override get exactInverse(): boolean {
    return this.bijectors.every((b) => b.exactInverse);
  }

  override toConfig(): ModuleConfig {
    return { type: 'Chain', bijectors: this.bijectors.map((b) => b.toConfig()) };
  }
}

/** The running sum of log-dets: members that preserve volume add nothing, the first one starts it. */
function addLogDet(sum: tf.Tensor1D | null, logDet: tf.Tensor1D, member: Bijector): tf.Tensor1D | null {
  if (member.volumePreserving) return sum;
  return sum ? (tf.add(sum, logDet) as tf.Tensor1D) : logDet;
}

registerModule('Chain', (c) => new Chain((c.bijectors as ModuleConfig[]).map((b) => moduleFromConfig<Bijector>(b))));
