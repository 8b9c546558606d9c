/**
 * Particle marginal Metropolis-Hastings (C. Andrieu, A. Doucet & R. Holenstein, "Particle Markov
 * chain Monte Carlo methods", J. R. Stat. Soc. B 72, 2010): exact Bayesian inference for the
 * parameters of a {@link StateSpaceModel} whose likelihood is intractable but can be estimated
 * without bias by a particle filter (`particleFilter.ts`). From the current theta with estimate
 * p_hat(y | theta), propose theta' ~ q(. | theta), run a fresh filter for p_hat(y | theta'), accept
 * with probability
 *
 *   min(1, p_hat(y | theta') p(theta') / (p_hat(y | theta) p(theta)))        (q symmetric),
 *
 * and keep the estimate with the state (never re-estimate the current one). Because p_hat is
 * unbiased, the chain leaves the exact posterior p(theta | y) invariant for any number of
 * particles (the "pseudo-marginal" argument; Andrieu & Roberts, Ann. Statist. 37, 2009); the
 * particle count only affects mixing (`tuneParticles.ts`).
 *
 * Scheme (per chain): burn-in of B iterations with a Gaussian random walk whose covariance adapts
 * (`adaptiveProposal.ts`) at iterations B/16, B/8, B/4, B/2 and B (each time from the draws since
 * the previous update), then `iterations` x `thin` iterations with that proposal fixed, keeping
 * every thin-th state. With `particles: 'auto'` the burn-in starts with `pilotParticles`; at B/2
 * the particle count is set by {@link tuneParticles} at the coordinatewise median over chains of
 * the chains' means over [B/4, B/2) (an estimate of the posterior centre), and every chain
 * re-estimates its current likelihood with the new count.
 *
 * Getting every chain to the posterior: a chain started in a region of negligible posterior mass
 * can stay there for the whole run (for the Ricker model, at small sigma the filter's estimates
 * are so poor that no move is ever accepted). Two burn-in measures keep that from spoiling the
 * run, neither of which touches the kept draws: each chain starts at the best (highest
 * log prior + log p_hat) of `initialCandidates` prior draws, and at B/8, B/4 and B/2 a chain whose
 * mean log posterior estimate over the window just ended lies more than `rescueThreshold` below
 * the best chain's (posterior density ratio below e^-50 by default: no posterior mass worth
 * exploring) restarts from the best chain's state and proposal. Chains in separate modes of
 * comparable height are left alone, so R-hat still reveals genuine multimodality.
 *
 * Chains run one after the other on the calling thread (the benchmark's Ricker posterior,
 * bench/pmmhRicker.ts: 4 x 9500 iterations with about 200 particles, takes about 30 s of CPU).
 * Chain c draws everything (initial value, proposals, accept/reject, filters) from its own
 * stream `Xoshiro128(s, c + 1)` and particle tuning from `Xoshiro128(s, 0)`, s the integer seed,
 * so results are identical for a seed however the chains would be scheduled (they could be
 * spread over worker threads without changing them).
 *
 * Diagnostics (`mcmcDiagnostics.ts`): rank-normalised split-R-hat, bulk and tail ESS per
 * parameter over the kept draws of all chains.
 */
import { toRandom, type SeedLike } from '../../random.js';
import type { Prior } from '../simulation/prior.js';
import type { StateSpaceModel } from './stateSpace.js';
import { Xoshiro128 } from '../simulation/simulationStreams.js';
import { BootstrapParticleFilter } from './particleFilter.js';
import { AdaptiveRandomWalk } from './adaptiveProposal.js';
import { tuneParticles, type TuneParticlesResult } from './tuneParticles.js';
import { summarizeDraws, type DrawSummary } from './mcmcDiagnostics.js';

export interface PmmhProposalOptions {
  /**
   * Initial proposal covariance (d x d, row-major). Default: diagonal with variances
   * (prior sd / 10)^2, the prior sd from the prior's bounds (width / sqrt 12) or from 1000 draws.
   */
  covariance?: ArrayLike<number>;
  /** s_d, the factor on the adapted covariance (default 2.38^2 / d). */
  scale?: number;
  /** Adapt the covariance during burn-in (default true). */
  adapt?: boolean;
}

export interface PmmhOptions {
  model: StateSpaceModel;
  /** The observed series, row-major T x model.obsDim. */
  observed: ArrayLike<number>;
  /** Prior: logProb (and sample, for initial values); its dim must equal model.thetaDim. */
  prior: Pick<Prior, 'dim' | 'logProb' | 'sample' | 'bounds'>;
  /** Kept iterations per chain (after burn-in and thinning). */
  iterations: number;
  /** Burn-in iterations per chain, discarded (default max(1000, iterations / 2)). */
  burnIn?: number;
  /** Keep every thin-th state after burn-in (default 1). */
  thin?: number;
  /** Number of chains (default 4). */
  chains?: number;
  /**
   * Particles per likelihood estimate: a number, or 'auto' (default) to tune them during burn-in
   * for an sd of log p_hat of `targetLogLikSd` at the estimated posterior centre.
   */
  particles?: number | 'auto';
  /** Particles before tuning with 'auto' (default 100). */
  pilotParticles?: number;
  /** Target sd of log p_hat for 'auto' (default 1.2; Doucet et al. 2015). */
  targetLogLikSd?: number;
  /** Resampling threshold of the particle filter (ESS fraction; default 0.5). */
  resampleThreshold?: number;
  /**
   * Initial values: one point for every chain, one point per chain, or (default) draws from the
   * prior: the best of `initialCandidates` per chain (see the file comment).
   */
  initial?: ArrayLike<number> | readonly ArrayLike<number>[];
  /** Prior draws per chain to start from the best of (default 10; 1 = a plain prior draw). */
  initialCandidates?: number;
  /** Burn-in restart threshold on the log posterior (default 50; Infinity: never). */
  rescueThreshold?: number;
  proposal?: PmmhProposalOptions;
  seed?: SeedLike;
  /** Called with (iterations done, total) over all chains, about 200 times per run. */
  onProgress?: (done: number, total: number) => void;
}

export interface PmmhResult {
  /** Kept draws of each chain, row-major iterations x dim. */
  samples: Float64Array[];
  /** The log-likelihood estimate carried with each kept draw, per chain. */
  logLikelihoods: Float64Array[];
  dim: number;
  chains: number;
  iterations: number;
  /** Acceptance rate of each chain after burn-in. */
  acceptanceRate: number[];
  /** Acceptance rate of each chain during burn-in. */
  burnInAcceptanceRate: number[];
  /** Per parameter: pooled mean, sd, quantiles, rank-normalised split-R-hat, bulk and tail ESS. */
  summary: DrawSummary[];
  /** Shortcuts into `summary`. */
  rhat: number[];
  ess: number[];
  mean: number[];
  sd: number[];
  /** Particles used after burn-in. */
  particles: number;
  particleTuning?: TuneParticlesResult;
  /** Burn-in restarts: chain `chain` moved to the state of chain `from` at burn-in iteration `iteration`. */
  rescues: { chain: number; from: number; iteration: number }[];
  /** Final proposal covariance of each chain (d x d). */
  proposalCovariance: Float64Array[];
  wallTimeMs: number;
}

/** One PMMH chain: its stream, filter, proposal and current state. */
class PmmhChain {
  readonly theta: Float64Array;
  readonly proposed: Float64Array;
  logPrior = -Infinity;
  logLik = -Infinity;
  accepted = 0;
  steps = 0;
  filter: BootstrapParticleFilter;
  readonly windowSum: Float64Array;
  windowLogPost = 0;
  windowCount = 0;

  constructor(
    readonly rng: Xoshiro128,
    readonly proposal: AdaptiveRandomWalk,
    readonly prior: PmmhOptions['prior'],
    filter: BootstrapParticleFilter,
    d: number,
  ) {
    this.theta = new Float64Array(d);
    this.proposed = new Float64Array(d);
    this.windowSum = new Float64Array(d);
    this.filter = filter;
  }

  /** Set the state to theta and estimate its likelihood; false if prior or estimate is zero. */
  reset(theta: ArrayLike<number>): boolean {
    this.theta.set(theta);
    this.logPrior = this.prior.logProb(this.theta, 1)[0];
    this.logLik = this.logPrior > -Infinity ? this.filter.logLikelihood(this.theta, this.rng) : -Infinity;
    return this.logPrior > -Infinity && this.logLik > -Infinity;
  }

  step(adapting: boolean): void {
    const { theta, proposed, rng } = this;
    this.proposal.propose(theta, proposed, rng);
    let accept = false;
    const lp = this.prior.logProb(proposed, 1)[0];
    if (lp > -Infinity) {
      const ll = this.filter.logLikelihood(proposed, rng);
      const logRatio = ll + lp - this.logLik - this.logPrior;
      if (ll > -Infinity && (logRatio >= 0 || Math.log(rng.uniform()) < logRatio || this.logLik === -Infinity)) {
        accept = true;
        theta.set(proposed);
        this.logPrior = lp;
        this.logLik = ll;
      }
    }
    this.steps++;
    if (accept) this.accepted++;
    if (adapting) this.proposal.record(theta, accept);
    for (let j = 0; j < theta.length; j++) this.windowSum[j] += theta[j];
    this.windowLogPost += this.logPrior + this.logLik;
    this.windowCount++;
  }

  windowMean(): Float64Array {
    return this.windowSum.map((s) => s / this.windowCount);
  }

  clearWindow(): void {
    this.windowSum.fill(0);
    this.windowLogPost = 0;
    this.windowCount = 0;
  }
}

function integerSeed(seed?: SeedLike): number {
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return seed;
  return toRandom(seed).nextSeed();
}

function positiveInt(fn: string, name: string, v: number, min = 1): number {
  if (!(Number.isInteger(v) && v >= min)) throw new Error(`${fn}: ${name} must be an integer >= ${min}; received ${v}`);
  return v;
}

/** Prior sds: from the bounds (width / sqrt 12) or from 1000 prior draws. */
function priorScale(prior: PmmhOptions['prior'], d: number, seed: number): Float64Array {
  const sd = new Float64Array(d);
  if (prior.bounds && prior.bounds.low.every((l, j) => Number.isFinite(l) && Number.isFinite(prior.bounds!.high[j]))) {
    for (let j = 0; j < d; j++) sd[j] = (prior.bounds.high[j] - prior.bounds.low[j]) / Math.sqrt(12);
    return sd;
  }
  const n = 1000;
  const x = prior.sample(n, seed);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i * d + j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * d + j] - m) ** 2;
    sd[j] = Math.sqrt(v / (n - 1)) || 1;
  }
  return sd;
}

/** Coordinatewise median of points. */
function median(points: Float64Array[], d: number): Float64Array {
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const v = points.map((p) => p[j]).sort((a, b) => a - b);
    const h = v.length >> 1;
    out[j] = v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
  }
  return out;
}

/** Run PMMH (see the file comment). */
export function pmmh(options: PmmhOptions): PmmhResult {
  const fn = 'pmmh';
  const start = performance.now();
  const { model, observed, prior, onProgress } = options;
  const d = prior.dim;
  if (model.thetaDim !== d) throw new Error(`${fn}: prior.dim (${d}) must equal model.thetaDim (${model.thetaDim})`);
  const iterations = positiveInt(fn, 'iterations', options.iterations);
  const burnIn = positiveInt(fn, 'burnIn', options.burnIn ?? Math.max(1000, Math.floor(iterations / 2)), 0);
  const thin = positiveInt(fn, 'thin', options.thin ?? 1);
  const nChains = positiveInt(fn, 'chains', options.chains ?? 4);
  const auto = (options.particles ?? 'auto') === 'auto';
  let particles = auto ? positiveInt(fn, 'pilotParticles', options.pilotParticles ?? 100) : positiveInt(fn, 'particles', options.particles as number);
  const resampleThreshold = options.resampleThreshold;
  const seed = integerSeed(options.seed);
  const adapt = options.proposal?.adapt ?? true;
  const candidates = positiveInt(fn, 'initialCandidates', options.initialCandidates ?? 10);
  const rescueThreshold = options.rescueThreshold ?? 50;
  if (!(rescueThreshold > 0)) throw new Error(`${fn}: rescueThreshold must be > 0; received ${rescueThreshold}`);

  const sd0 = priorScale(prior, d, seed);
  let cov0: Float64Array;
  if (options.proposal?.covariance) {
    cov0 = Float64Array.from(options.proposal.covariance);
  } else {
    cov0 = new Float64Array(d * d);
    for (let j = 0; j < d; j++) cov0[j * d + j] = (sd0[j] / 10) ** 2;
  }
  const eps = sd0.map((s) => (1e-4 * s) ** 2);

  const initial = options.initial;
  const perChainInitial = initial !== undefined && typeof (initial as ArrayLike<unknown>)[0] === 'object';
  if (perChainInitial && (initial as readonly ArrayLike<number>[]).length !== nChains) {
    throw new Error(`${fn}: initial must give one point per chain (${nChains}); received ${(initial as readonly ArrayLike<number>[]).length}`);
  }

  const chains: PmmhChain[] = [];
  for (let c = 0; c < nChains; c++) {
    const rng = new Xoshiro128(seed, c + 1);
    const filter = new BootstrapParticleFilter(model, observed, { particles, resampleThreshold });
    const chain = new PmmhChain(rng, new AdaptiveRandomWalk(cov0, d, eps, options.proposal?.scale), prior, filter, d);
    if (initial !== undefined) {
      const point = perChainInitial ? (initial as readonly ArrayLike<number>[])[c] : (initial as ArrayLike<number>);
      if (point.length !== d) throw new Error(`${fn}: an initial point must have ${d} values; received ${point.length}`);
      if (!chain.reset(point)) {
        throw new Error(`${fn}: the initial point of chain ${c} has zero prior density or likelihood estimate (log prior ${chain.logPrior}, log-likelihood estimate ${chain.logLik})`);
      }
    } else {
      let best: Float64Array | null = null;
      let bestLogPost = -Infinity;
      let found = 0;
      for (let k = 0; k < 100 && found < candidates; k++) {
        const draw = prior.sample(1, rng.nextU32());
        if (!chain.reset(draw)) continue;
        found++;
        if (chain.logPrior + chain.logLik > bestLogPost) {
          bestLogPost = chain.logPrior + chain.logLik;
          best = draw;
        }
      }
      if (!best) throw new Error(`${fn}: found no prior draw with a positive likelihood estimate in 100 tries for chain ${c}`);
      if (found > 1) chain.reset(best);
    }
    chains.push(chain);
  }

  // Burn-in boundaries B/16, B/8, B/4, B/2, B (distinct and positive); particle tuning at B/2.
  const boundaries = [...new Set([16, 8, 4, 2, 1].map((k) => Math.floor(burnIn / k)).filter((b) => b > 0))];
  const tuneAt = auto ? (burnIn > 0 ? Math.floor(burnIn / 2) : 0) : -1;
  const total = nChains * (burnIn + iterations * thin);
  const every = Math.max(1, Math.floor(total / 200));
  let done = 0;
  const progress = (): void => {
    done++;
    if (onProgress && (done % every === 0 || done === total)) onProgress(done, total);
  };
  onProgress?.(0, total);

  let particleTuning: TuneParticlesResult | undefined;
  const tune = (): void => {
    const centre = median(chains.map((ch) => (ch.windowCount > 0 ? ch.windowMean() : ch.theta.slice())), d);
    particleTuning = tuneParticles(model, observed, centre, {
      targetSd: options.targetLogLikSd ?? 1.2,
      initial: particles,
      resampleThreshold,
      seed: new Xoshiro128(seed, 0),
    });
    particles = particleTuning.particles;
    for (const ch of chains) {
      ch.filter = new BootstrapParticleFilter(model, observed, { particles, resampleThreshold });
      ch.logLik = ch.filter.logLikelihood(ch.theta, ch.rng);
    }
  };

  const rescues: PmmhResult['rescues'] = [];
  const rescueAt = new Set([8, 4, 2].map((k) => Math.floor(burnIn / k)));
  const rescue = (iteration: number): void => {
    const score = chains.map((ch) => (ch.windowCount > 0 ? ch.windowLogPost / ch.windowCount : -Infinity));
    let best = 0;
    for (let c = 1; c < nChains; c++) if (score[c] > score[best]) best = c;
    if (score[best] === -Infinity) return;
    chains.forEach((ch, c) => {
      if (c === best || !(score[c] < score[best] - rescueThreshold)) return;
      ch.reset(chains[best].theta);
      ch.proposal.copyFrom(chains[best].proposal);
      ch.clearWindow();
      rescues.push({ chain: c, from: best, iteration });
    });
  };

  let it = 0;
  if (tuneAt === 0) tune();
  for (const b of boundaries) {
    for (const ch of chains) {
      for (let i = it; i < b; i++) {
        ch.step(adapt);
        progress();
      }
    }
    it = b;
    if (adapt) for (const ch of chains) ch.proposal.endWindow();
    if (b < burnIn && rescueAt.has(b)) rescue(b);
    // The tuning point is the chains' mean over the window ending at B/2 (which starts at B/4).
    if (b === tuneAt) tune();
    for (const ch of chains) ch.clearWindow();
  }

  const samples: Float64Array[] = [];
  const logLikelihoods: Float64Array[] = [];
  const burnInAcceptanceRate: number[] = [];
  const acceptanceRate: number[] = [];
  for (const ch of chains) {
    burnInAcceptanceRate.push(burnIn > 0 ? ch.accepted / ch.steps : NaN);
    ch.accepted = 0;
    ch.steps = 0;
    const s = new Float64Array(iterations * d);
    const ll = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      for (let k = 0; k < thin; k++) {
        ch.step(false);
        progress();
      }
      s.set(ch.theta, i * d);
      ll[i] = ch.logLik;
    }
    samples.push(s);
    logLikelihoods.push(ll);
    acceptanceRate.push(ch.accepted / ch.steps);
  }

  const summary = summarizeDraws(samples, d);
  return {
    samples,
    logLikelihoods,
    dim: d,
    chains: nChains,
    iterations,
    acceptanceRate,
    burnInAcceptanceRate,
    summary,
    rhat: summary.map((s) => s.rhat),
    ess: summary.map((s) => s.essBulk),
    mean: summary.map((s) => s.mean),
    sd: summary.map((s) => s.sd),
    particles,
    particleTuning,
    rescues,
    proposalCovariance: chains.map((ch) => ch.proposal.covariance()),
    wallTimeMs: performance.now() - start,
  };
}

/**
 * The kept draws of all chains pooled (row-major n x dim). With n given, each chain is thinned
 * evenly to ceil(n / chains) draws (ending at its last draw) and the chains are interleaved until
 * n draws are taken, e.g. 2000 reference samples for a classifier two-sample test.
 */
export function pmmhDraws(result: Pick<PmmhResult, 'samples' | 'dim'>, n?: number): Float64Array {
  const d = result.dim;
  const m = result.samples.length;
  const perChain = result.samples[0].length / d;
  const want = n ?? perChain * m;
  if (!(Number.isInteger(want) && want >= 1 && want <= perChain * m)) {
    throw new Error(`pmmhDraws: n must be an integer in [1, ${perChain * m}]; received ${n}`);
  }
  const k = Math.ceil(want / m);
  const out = new Float64Array(want * d);
  let taken = 0;
  for (let r = 0; r < k && taken < want; r++) {
    const i = Math.floor(((r + 1) * perChain) / k) - 1;
    for (let c = 0; c < m && taken < want; c++) out.set(result.samples[c].subarray(i * d, (i + 1) * d), d * taken++);
  }
  return out;
}
