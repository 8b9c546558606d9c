import * as tf from '@tensorflow/tfjs';

/**
 * A copy of a set of variables' values (in JavaScript memory, so that in-place optimiser updates
 * cannot reach it), for keeping the best weights seen during training and restoring them after
 * early stopping or a non-finite loss.
 */
export class WeightSnapshot {
  private values: Float32Array[] = [];

  constructor(private readonly variables: tf.Variable[]) {
    this.capture();
  }

  /** Replace the stored copy by the current values. */
  capture(): void {
    this.values = this.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  }

  /** Write the stored copy back into the variables. */
  restore(): void {
    this.variables.forEach((v, i) => {
      const t = tf.tensor(this.values[i], v.shape, 'float32');
      v.assign(t);
      t.dispose();
    });
  }

  dispose(): void {
    this.values = [];
  }
}
