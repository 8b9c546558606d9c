import * as tf from '@tensorflow/tfjs';

/**
 * A copy of a set of variables' values, for keeping the best weights seen during training and
 * restoring them after early stopping or a non-finite loss.
 */
export class WeightSnapshot {
  private values: tf.Tensor[] = [];

  constructor(private readonly variables: tf.Variable[]) {
    this.capture();
  }

  /** Replace the stored copy by the current values. */
  capture(): void {
    tf.dispose(this.values);
    this.values = this.variables.map((v) => tf.keep(tf.clone(v)));
  }

  /** Write the stored copy back into the variables. */
  restore(): void {
    this.variables.forEach((v, i) => v.assign(this.values[i]));
  }

  dispose(): void {
    tf.dispose(this.values);
    this.values = [];
  }
}
