/**
 * Scores of a binary classifier's predictive probabilities p_j = P(y_j = 1 | x_j, data) against
 * labels: accuracy (threshold 0.5), mean log-likelihood, expected calibration error over equal-width
 * bins (M. P. Naeini et al., AAAI 2015) with the reliability-diagram points, and the mean KL
 * divergence between two sets of predictive Bernoullis (how far one posterior's predictions are
 * from another's). Probabilities are clipped to [1e-7, 1 - 1e-7] inside logarithms.
 */

const clip = (p: number): number => Math.min(1 - 1e-7, Math.max(1e-7, p));

function checkPaired(where: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length || a.length === 0) throw new Error(`${where}: expected two non-empty arrays of the same length; received ${a.length} and ${b.length}`);
}

/** Fraction of labels matched by p >= 0.5. */
export function accuracy(p: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired('accuracy', p, y);
  let hits = 0;
  for (let i = 0; i < p.length; i++) if ((p[i] >= 0.5 ? 1 : 0) === y[i]) hits++;
  return hits / p.length;
}

/** Mean of log p_j^y_j (1 - p_j)^(1 - y_j). */
export function bernoulliLogLikelihood(p: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPaired('bernoulliLogLikelihood', p, y);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += y[i] === 1 ? Math.log(clip(p[i])) : Math.log(1 - clip(p[i]));
  return s / p.length;
}

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  /** Mean predicted probability, observed frequency of y = 1, and the count in the bin. */
  confidence: number;
  frequency: number;
  count: number;
}

/**
 * Expected calibration error sum_b (n_b / n) |freq_b - conf_b| over `bins` equal-width bins of the
 * predicted probability of y = 1, and the non-empty bins.
 */
export function calibration(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): { ece: number; bins: CalibrationBin[] } {
  checkPaired('calibration', p, y);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.floor(p[i] * bins));
    sumP[b] += p[i];
    sumY[b] += y[i];
    count[b] += 1;
  }
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    const confidence = sumP[b] / count[b];
    const frequency = sumY[b] / count[b];
    ece += (count[b] / p.length) * Math.abs(frequency - confidence);
    out.push({ confidence, frequency, count: count[b] });
  }
  return { ece, bins: out };
}

/** Mean over points of KL(Bernoulli(p_j) || Bernoulli(q_j)). */
export function meanBernoulliKL(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkPaired('meanBernoulliKL', p, q);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = clip(p[i]);
    const b = clip(q[i]);
    s += a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
  }
  return s / p.length;
}
