/**
 * The base of everything that owns variables: layers, bijectors, distributions, flows.
 *
 * Like PyTorch's `nn.Module` (and zuko, which builds on it), a module registers its variables and
 * its child modules by name. From that it derives, recursively and in a stable order, the list of
 * trainable variables (what an optimiser updates), all variables (what saving stores, running
 * statistics included), the training/evaluation mode, and disposal.
 */
import * as tf from '@tensorflow/tfjs';

let nextVariableId = 0;

/**
 * A container of named variables and child modules (the file comment explains what it derives
 * from them: trainable variables, all variables for saving, train/eval mode, dispose).
 */
export class Module {
  private readonly ownVariables = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Module>();
  private isTraining = true;
  private disposed = false;

  /**
   * Register a variable initialised from `initial` (which the module takes over and disposes).
   * Non-trainable variables (running statistics, initialisation flags) are saved but not optimised.
   */
  protected addVariable<R extends tf.Rank>(
    name: string,
    initial: tf.Tensor<R>,
    trainable = true,
  ): tf.Variable<R> {
    if (this.ownVariables.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}.addVariable: the name "${name}" is already used`);
    }
    const v = tf.variable(initial, trainable, `${this.constructor.name}_${name}_${nextVariableId++}`);
    initial.dispose();
    this.ownVariables.set(name, v as tf.Variable);
    return v;
  }

  /** Register a child module; its variables become part of this module's. */
  protected addModule<M extends Module>(name: string, child: M): M {
    if (this.ownVariables.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}.addModule: the name "${name}" is already used`);
    }
    this.children.set(name, child);
    return child;
  }

  /** Every variable with its dotted path ("layers.0.kernel"), in registration order. */
  namedVariables(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [name, v] of this.ownVariables) out.push([prefix + name, v]);
    for (const [name, child] of this.children) out.push(...child.namedVariables(`${prefix}${name}.`));
    return out;
  }

  /** All variables, trainable or not (what a checkpoint stores). */
  variables(): tf.Variable[] {
    return this.namedVariables().map(([, v]) => v);
  }

  /** The variables an optimiser updates. */
  trainableVariables(): tf.Variable[] {
    return this.variables().filter((v) => v.trainable);
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /** Training mode (BatchNorm uses batch statistics and updates its running ones). */
  get training(): boolean {
    return this.isTraining;
  }

  /** Set training (true) or evaluation (false) mode, recursively. Returns this. */
  train(mode = true): this {
    this.isTraining = mode;
    for (const child of this.children.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Dispose every variable, recursively. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.ownVariables.values()) v.dispose();
    for (const child of this.children.values()) child.dispose();
  }
}
