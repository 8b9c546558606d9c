import * as tf from '@tensorflow/tfjs';
import type { Module } from '../module.js';
import { Adam } from './adam.js';
import { WeightSnapshot } from './snapshot.js';
import type { LearningRateSchedule } from './schedules.js';
import { combineGradients } from './gradientWorkers.js';
import { readValues } from '../backend/memory.js';

/** Helper threads' share of a step (see `GradientWorkers.collect`): their mean-loss gradient and mean loss over `rows` rows. */
export interface RemoteGradient {
  gradient: Float32Array;
  loss: number;
  rows: number;
}

/** Options shared by every training routine (maximum likelihood, variational, VAE). */
export interface LoopOptions {
  /** Adam learning rate (default 5e-4, sbi's NPE default). */
  learningRate?: number;
  /** Maximum number of epochs (default 500; early stopping usually ends sooner). */
  maxEpochs?: number;
  /** Epochs without improvement of the validation loss before stopping (default 20). */
  patience?: number;
  /** Global gradient-norm clipping threshold; null disables it (default 5). */
  clipNorm?: number | null;
  /**
   * Learning rate by training progress in epochs (0-based), e.g. cosine decay; default constant.
   * Evaluated once per epoch, or before every step at fractional progress when the schedule is
   * marked `perStep` (see `cosineSchedule`).
   */
  schedule?: LearningRateSchedule;
  /** Stop after this much wall time (the best weights are kept). */
  maxTimeMs?: number;
  /** Read losses back every this many steps (default 25): fewer syncs, same results. */
  lossCheckEvery?: number;
  /** Called after every epoch; return 'stop' to end training (best weights are kept). */
  onEpochEnd?: (info: EpochInfo) => void | 'stop';
}

export interface EpochInfo {
  /** 1-based epoch just finished. */
  epoch: number;
  maxEpochs: number;
  trainLoss: number;
  validationLoss: number;
  bestEpoch: number;
  bestValidationLoss: number;
  elapsedMs: number;
  learningRate: number;
}

export type StopReason = 'patience' | 'maxEpochs' | 'time' | 'callback';

/** What a training routine returns. Losses are per epoch, index 0 = epoch 1. */
export interface TrainHistory {
  trainLoss: number[];
  validationLoss: number[];
  /** 1-based epoch whose weights were kept. */
  bestEpoch: number;
  bestValidationLoss: number;
  epochs: number;
  steps: number;
  wallTimeMs: number;
  stopReason: StopReason;
}

/** Training stopped on a NaN or infinite loss; the best weights so far were restored. */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
    readonly history: TrainHistory,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

export const LOOP_DEFAULTS = {
  learningRate: 5e-4,
  maxEpochs: 500,
  patience: 20,
  clipNorm: 5,
  lossCheckEvery: 25,
} as const;

/**
 * The machinery every training routine shares: Adam updates with global-norm clipping, losses
 * accumulated on the backend and read back every few steps, non-finite loss detection that names
 * the epoch and step, best-weight snapshots, early stopping with patience, a wall-time budget,
 * a learning-rate schedule, and the history. A routine supplies what one epoch and one
 * validation pass are; see `fit` and `fitVariational`.
 */
export class TrainingLoop {
  readonly optimizer: Adam;
  private readonly variables: tf.Variable[];
  private readonly snapshot: WeightSnapshot;
  private readonly options: Required<Omit<LoopOptions, 'schedule' | 'maxTimeMs' | 'onEpochEnd'>> & LoopOptions;
  private readonly startTime = performance.now();
  private readonly history: TrainHistory;
  private pending: tf.Scalar[] = [];
  private pendingRows: number[] = [];
  private pendingFirstStep = 0;
  private epochLossSum = 0;
  private epochRows = 0;
  private epoch = 0;
  private stepInEpoch = 0;
  private stepsPerEpoch = 0;

  constructor(
    private readonly where: string,
    private readonly module: Module,
    options: LoopOptions,
  ) {
    this.options = { ...LOOP_DEFAULTS, ...stripUndefined(options) } as TrainingLoop['options'];
    const { learningRate, maxEpochs, patience, clipNorm, lossCheckEvery } = this.options;
    if (!(learningRate > 0)) throw new Error(`${where}: learningRate must be > 0; received ${learningRate}`);
    if (!(Number.isInteger(maxEpochs) && maxEpochs >= 1)) throw new Error(`${where}: maxEpochs must be a positive integer; received ${maxEpochs}`);
    if (!(Number.isInteger(patience) && patience >= 1)) throw new Error(`${where}: patience must be a positive integer; received ${patience}`);
    if (clipNorm !== null && !(clipNorm > 0)) throw new Error(`${where}: clipNorm must be > 0 or null; received ${clipNorm}`);
    if (!(Number.isInteger(lossCheckEvery) && lossCheckEvery >= 1)) throw new Error(`${where}: lossCheckEvery must be a positive integer; received ${lossCheckEvery}`);
    this.variables = module.trainableVariables();
    if (this.variables.length === 0) throw new Error(`${where}: the model has no trainable variables`);
    this.optimizer = new Adam({ learningRate });
    this.snapshot = new WeightSnapshot(module.variables());
    this.history = {
      trainLoss: [],
      validationLoss: [],
      bestEpoch: 0,
      bestValidationLoss: Infinity,
      epochs: 0,
      steps: 0,
      wallTimeMs: 0,
      stopReason: 'maxEpochs',
    };
  }

  /**
   * One optimisation step on `loss` (a function returning the mean loss of `rows` rows).
   * The loss value is recorded on the backend and checked for finiteness every few steps.
   * With `remote` (data-parallel training, see `GradientWorkers`), the step follows the
   * row-weighted mean of this gradient and the helpers' one, which `remote` waits for.
   */
  step(loss: () => tf.Scalar, rows: number, remote?: () => RemoteGradient): void {
    if (this.options.schedule?.perStep && this.stepsPerEpoch > 0) {
      this.setLearningRate(this.epoch - 1 + Math.min(this.stepInEpoch / this.stepsPerEpoch, 1));
    }
    let total = rows;
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables);
      let gradients = this.variables.map((v) => grads[v.name]);
      let stepLoss = value;
      if (remote) {
        // Data-parallel step: this thread's rows and the helpers' rows weigh by their counts.
        const r = remote();
        total = rows + r.rows;
        const combined = combineGradients(gradients.map(readValues), rows, r.gradient, r.rows);
        gradients = combined.map((g, i) => tf.tensor(g, gradients[i].shape));
        stepLoss = tf.scalar((value.dataSync()[0] * rows + r.loss * r.rows) / total);
      }
      this.optimizer.update(this.variables, gradients, this.options.clipNorm);
      return stepLoss;
    });
    if (this.pending.length === 0) this.pendingFirstStep = this.stepInEpoch + 1;
    this.pending.push(value);
    this.pendingRows.push(total);
    this.stepInEpoch += 1;
    this.history.steps += 1;
    if (this.pending.length >= this.options.lossCheckEvery) this.flushLosses();
  }

  /** Read the recorded step losses back; throws NonFiniteLossError on the first bad one. */
  private flushLosses(): void {
    if (this.pending.length === 0) return;
    const values = tf.tidy(() => tf.stack(this.pending).dataSync());
    tf.dispose(this.pending);
    const rows = this.pendingRows;
    const first = this.pendingFirstStep;
    this.pending = [];
    this.pendingRows = [];
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) this.failNonFinite(first + i, values[i]);
      this.epochLossSum += values[i] * rows[i];
      this.epochRows += rows[i];
    }
  }

  private failNonFinite(step: number, value: number): never {
    this.snapshot.restore();
    this.finish('maxEpochs');
    const kept = this.history.bestEpoch > 0 ? `the weights of epoch ${this.history.bestEpoch} (the best so far)` : 'the initial weights';
    throw new NonFiniteLossError(
      `${this.where}: the training loss became ${value} at epoch ${this.epoch}, step ${step} of that epoch; ` +
        `training stopped and ${kept} were restored. Try a lower learning rate, standardised data, or gradient clipping.`,
      this.epoch,
      step,
      this.history,
    );
  }

  /**
   * Start an epoch: sets the scheduled learning rate and training mode. Returns false when
   * training must end. `stepsPerEpoch` (the number of `step` calls to come in this epoch) lets a
   * `perStep` schedule advance within the epoch; without it such a schedule moves per epoch.
   */
  beginEpoch(stepsPerEpoch = 0): boolean {
    if (this.epoch >= this.options.maxEpochs) return this.stop('maxEpochs');
    if (this.options.maxTimeMs !== undefined && performance.now() - this.startTime >= this.options.maxTimeMs) return this.stop('time');
    this.epoch += 1;
    this.stepInEpoch = 0;
    this.epochLossSum = 0;
    this.epochRows = 0;
    this.stepsPerEpoch = stepsPerEpoch;
    if (this.options.schedule) this.setLearningRate(this.epoch - 1);
    this.module.train(true);
    return true;
  }

  private setLearningRate(progress: number): void {
    const lr = this.options.schedule!(progress, this.options.learningRate);
    if (!(lr > 0)) throw new Error(`${this.where}: the learning-rate schedule returned ${lr} at epoch ${this.epoch}`);
    this.optimizer.learningRate = lr;
  }

  /**
   * End an epoch with its validation loss (computed by the caller in evaluation mode). Keeps the
   * best weights, applies patience and the callback. Returns false when training must end.
   */
  endEpoch(validationLoss: number): boolean {
    this.flushLosses();
    const trainLoss = this.epochRows > 0 ? this.epochLossSum / this.epochRows : NaN;
    this.history.trainLoss.push(trainLoss);
    this.history.validationLoss.push(validationLoss);
    if (!Number.isFinite(validationLoss)) this.failNonFinite(this.stepInEpoch, validationLoss);
    if (validationLoss < this.history.bestValidationLoss) {
      this.history.bestValidationLoss = validationLoss;
      this.history.bestEpoch = this.epoch;
      this.snapshot.capture();
    }
    const info: EpochInfo = {
      epoch: this.epoch,
      maxEpochs: this.options.maxEpochs,
      trainLoss,
      validationLoss,
      bestEpoch: this.history.bestEpoch,
      bestValidationLoss: this.history.bestValidationLoss,
      elapsedMs: performance.now() - this.startTime,
      learningRate: this.optimizer.learningRate,
    };
    if (this.options.onEpochEnd?.(info) === 'stop') return this.stop('callback');
    if (this.epoch - this.history.bestEpoch >= this.options.patience) return this.stop('patience');
    return true;
  }

  /** Restore the best weights, switch to evaluation mode and return the history. */
  finish(reason?: StopReason): TrainHistory {
    if (reason) this.history.stopReason = reason;
    tf.dispose(this.pending);
    this.pending = [];
    if (this.history.bestEpoch > 0) this.snapshot.restore();
    this.snapshot.dispose();
    this.optimizer.dispose();
    this.module.train(false);
    this.history.epochs = this.epoch;
    this.history.wallTimeMs = performance.now() - this.startTime;
    return this.history;
  }

  private stop(reason: StopReason): false {
    this.history.stopReason = reason;
    return false;
  }

  /** Mean training loss of each finished epoch so far (for live curves). */
  get trainLosses(): readonly number[] {
    return this.history.trainLoss;
  }

  /** The reason recorded by the last stop. */
  get stopReason(): StopReason {
    return this.history.stopReason;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
