import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '../distributions/distribution.js';
import { TensorDataset, type ColumnInput } from './dataset.js';
import { fit, type FitOptions, type FitResult } from './fit.js';

export interface FitFlowOptions extends FitOptions {
  /** Contexts aligned with the data rows, for a conditional flow q(x | c). */
  context?: ColumnInput;
}

/**
 * Maximum-likelihood training of a flow (or any distribution with trainable variables) on data:
 * minimises the mean negative log-likelihood -1/N sum_n log q(x_n | c_n), i.e. the forward KL
 * divergence KL(p_data || q) up to a constant. Returns the history of `fit`, whose losses are
 * negative log-likelihoods in nats per row.
 */
export function fitFlow(flow: Distribution, data: ColumnInput, options: FitFlowOptions = {}): FitResult {
  const conditional = flow.contextDim > 0;
  if (conditional && options.context === undefined) {
    throw new Error(`fitFlow: the flow is conditional (context width ${flow.contextDim}); pass options.context aligned with the data rows`);
  }
  if (!conditional && options.context !== undefined) {
    throw new Error('fitFlow: the flow is unconditional; received options.context');
  }
  const dataset = new TensorDataset(conditional ? [data, options.context!] : [data], {
    where: 'fitFlow',
    names: ['data', 'context'],
    widths: [flow.dim, flow.contextDim],
  });
  return fit({
    ...options,
    where: 'fitFlow',
    model: flow,
    data: dataset,
    loss: ([x, c]) => tf.neg(tf.mean(conditional ? flow.logProb(x, c) : flow.logProb(x))) as tf.Scalar,
  });
}
