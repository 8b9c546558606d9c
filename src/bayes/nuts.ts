/**
 * The No-U-Turn sampler (M. D. Hoffman & A. Gelman, JMLR 15, 2014) in Stan's multinomial form
 * (Betancourt 2017): each transition doubles a trajectory in random directions until it makes a
 * U-turn (or reaches 2^maxTreeDepth steps), and draws the next state from all its points with
 * weights exp(-H), favouring the newest doubling (biased progressive sampling). Step size by dual
 * averaging toward a mean acceptance statistic of 0.8, diagonal metric from Stan's warm-up windows.
 *
 * Batching: every chain builds its own tree (a generator, `nutsTree.ts`) on host arrays, and the
 * lockstep driver evaluates the gradients of all chains that need one in a single call. Trees of
 * different depths are the price: a chain that has finished waits (its row is re-evaluated) while
 * the others grow. On wasm a call costs mostly its per-op dispatch, so this is still far cheaper
 * than one call per chain, and every chain follows exactly Stan's algorithm.
 */
import type { Random } from '../random.js';
import type { BatchLogDensity } from './logDensity.js';
import type { Transition } from './lockstep.js';
import { findStepSize, hamiltonian, sampleMomentum, velocity, type PhasePoint } from './leapfrog.js';
import { addVectors, buildTree, logAddExp, noUTurn, type Subtree, type TreeCounters } from './nutsTree.js';
import { runSampler, type ChainState, type Kernel, type SamplerOptions, type TransitionResult } from './sampler.js';
import type { McmcResult } from './mcmcResult.js';

/** Options of {@link nuts}. */
export interface NutsOptions extends SamplerOptions {
  /** Largest tree depth: at most 2^maxTreeDepth leapfrog steps per draw (default 10). */
  maxTreeDepth?: number;
}

function* nutsTransition(state: ChainState, eps: number, inverseMass: Float64Array, random: Random, maxDepth: number): Transition<TransitionResult> {
  const p = sampleMomentum(inverseMass, random);
  const z0: PhasePoint = { q: state.q, p, logp: state.logp, grad: state.grad };
  const h0 = hamiltonian(z0, inverseMass);
  const sharp0 = velocity(p, inverseMass);
  let forward = z0;
  let backward = z0;
  // Momenta and velocities at the four ends of the backward and forward halves of the tree.
  let [pFwdFwd, pFwdBck, pBckFwd, pBckBck]: Float64Array[] = [p, p, p, p];
  let [sFwdFwd, sFwdBck, sBckFwd, sBckBck]: Float64Array[] = [sharp0, sharp0, sharp0, sharp0];
  let rho: Float64Array = p.slice();
  let rhoFwd = rho;
  let rhoBck = rho;
  let logSumWeight = 0;
  let sample: PhasePoint = z0;
  const counters: TreeCounters = { leapfrogs: 0, sumMetropolisProb: 0, divergent: false };
  let depth = 0;
  while (depth < maxDepth) {
    let sub: Subtree;
    if (random.uniform() > 0.5) {
      rhoBck = rho;
      pBckFwd = pFwdFwd;
      sBckFwd = sFwdFwd;
      sub = yield* buildTree(depth, forward, eps, h0, inverseMass, random, counters);
      forward = sub.last;
      [rhoFwd, pFwdBck, sFwdBck, pFwdFwd, sFwdFwd] = [sub.rho, sub.pBegin, sub.sharpBegin, sub.pEnd, sub.sharpEnd];
    } else {
      rhoFwd = rho;
      pFwdBck = pBckBck;
      sFwdBck = sBckBck;
      sub = yield* buildTree(depth, backward, -eps, h0, inverseMass, random, counters);
      backward = sub.last;
      [rhoBck, pBckFwd, sBckFwd, pBckBck, sBckBck] = [sub.rho, sub.pBegin, sub.sharpBegin, sub.pEnd, sub.sharpEnd];
    }
    if (!sub.valid) break;
    depth += 1;
    if (sub.logSumWeight > logSumWeight || random.uniform() < Math.exp(sub.logSumWeight - logSumWeight)) sample = sub.propose;
    logSumWeight = logAddExp(logSumWeight, sub.logSumWeight);
    rho = addVectors(rhoBck, rhoFwd);
    const persist =
      noUTurn(sBckBck, sFwdFwd, rho) &&
      noUTurn(sBckBck, sFwdBck, addVectors(rhoBck, pFwdBck)) &&
      noUTurn(sBckFwd, sFwdFwd, addVectors(rhoFwd, pBckFwd));
    if (!persist) break;
  }
  // Points are never mutated after a leapfrog step creates them, so the draw needs no copy.
  return {
    q: sample.q,
    logp: sample.logp,
    grad: sample.grad,
    acceptStat: counters.leapfrogs > 0 ? counters.sumMetropolisProb / counters.leapfrogs : 0,
    divergent: counters.divergent,
    treeDepth: depth,
  };
}

/**
 * Sample from an unnormalised density with NUTS, several chains at once (one per row of
 * `options.initial`). `logDensity` maps `[chains, dim]` to `[chains]` and must be differentiable
 * by TF.js autodiff. Returns draws `[chains, samples, dim]` with acceptance, divergences, tree
 * depths, R-hat and ESS. Errors name `nuts` for a wrong output shape, a non-finite log density or
 * gradient at the initial point, and bad options.
 *
 *   const run = nuts(logDensity, { initial: [[0, 0], [1, 1], [-1, 1], [1, -1]], warmup: 500, samples: 1000, seed: 1 });
 */
export function nuts(logDensity: BatchLogDensity, options: NutsOptions): McmcResult {
  const maxDepth = options?.maxTreeDepth ?? 10;
  if (!(Number.isInteger(maxDepth) && maxDepth >= 1 && maxDepth <= 20)) {
    throw new Error(`nuts: options.maxTreeDepth must be an integer in [1, 20]; received ${maxDepth}`);
  }
  const kernel: Kernel = {
    name: 'nuts',
    usesGradient: true,
    defaultTargetAcceptance: 0.8,
    initialStepSize: (s, m, random, previous) => findStepSize(s.q, s.logp, s.grad, previous ?? 1, m, random),
    transition: (s, eps, m, random) => nutsTransition(s, eps, m, random, maxDepth),
  };
  return runSampler(kernel, logDensity, options);
}
