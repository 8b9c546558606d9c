/**
 * Tree building of the multinomial No-U-Turn sampler as in Stan (M. Betancourt, "A Conceptual
 * Introduction to Hamiltonian Monte Carlo", 2017, appendix A; Stan's `base_nuts.hpp`): a subtree
 * of 2^depth leapfrog steps in one direction, with
 * - multinomial sampling of its proposal, each point weighted by exp(H0 - H), progressively
 *   (the final half replaces the initial half's proposal with probability w_final / w_subtree);
 * - the generalised no-U-turn criterion on the summed momenta rho (p#_minus . rho > 0 and
 *   p#_plus . rho > 0, p# = M^-1 p), checked on the merged subtree and, as Stan does since 2.23,
 *   also across the seam between its halves (each half extended by the neighbouring point);
 * - divergence when H - H0 exceeds 1000.
 * Written as a generator so that many chains' trees advance in lockstep (`lockstep.ts`).
 */
import type { Random } from '../random.js';
import type { Transition } from './lockstep.js';
import { hamiltonian, leapfrog, velocity, type PhasePoint } from './leapfrog.js';

/** Energy error beyond which a trajectory counts as divergent (Stan's max_deltaH). */
export const MAX_DELTA_H = 1000;

/** Counters of one NUTS transition, shared by all the subtrees it builds. */
export interface TreeCounters {
  leapfrogs: number;
  sumMetropolisProb: number;
  divergent: boolean;
}

/** A built subtree: its proposal, weight, summed momentum and the momenta at both ends. */
export interface Subtree {
  valid: boolean;
  logSumWeight: number;
  propose: PhasePoint;
  rho: Float64Array;
  /** Momentum and velocity at the end nearest the starting point ... */
  pBegin: Float64Array;
  sharpBegin: Float64Array;
  /** ... and at the far end. */
  pEnd: Float64Array;
  sharpEnd: Float64Array;
  /** The far-end point, from which the trajectory continues. */
  last: PhasePoint;
}

/** The generalised no-U-turn criterion: both end velocities still point along rho. */
export function noUTurn(sharpMinus: Float64Array, sharpPlus: Float64Array, rho: Float64Array): boolean {
  let a = 0;
  let b = 0;
  for (let i = 0; i < rho.length; i++) {
    a += sharpPlus[i] * rho[i];
    b += sharpMinus[i] * rho[i];
  }
  return a > 0 && b > 0;
}

/** x + y elementwise (a new array). */
export function addVectors(x: Float64Array, y: Float64Array): Float64Array {
  return Float64Array.from(x, (v, i) => v + y[i]);
}

/** log(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** Build a subtree of 2^depth steps of size eps (signed) from the frontier point z. */
export function* buildTree(
  depth: number,
  z: PhasePoint,
  eps: number,
  h0: number,
  inverseMass: Float64Array,
  random: Random,
  counters: TreeCounters,
): Transition<Subtree> {
  if (depth === 0) {
    const next = yield* leapfrog(z, eps, inverseMass);
    counters.leapfrogs += 1;
    const h = hamiltonian(next, inverseMass);
    if (h - h0 > MAX_DELTA_H) counters.divergent = true;
    const logWeight = h0 - h;
    counters.sumMetropolisProb += logWeight > 0 ? 1 : Math.exp(logWeight);
    const sharp = velocity(next.p, inverseMass);
    return {
      valid: !counters.divergent,
      logSumWeight: logWeight,
      propose: next,
      rho: next.p.slice(),
      pBegin: next.p,
      sharpBegin: sharp,
      pEnd: next.p,
      sharpEnd: sharp,
      last: next,
    };
  }
  const init = yield* buildTree(depth - 1, z, eps, h0, inverseMass, random, counters);
  if (!init.valid) return init;
  const final = yield* buildTree(depth - 1, init.last, eps, h0, inverseMass, random, counters);
  if (!final.valid) return final;
  const logSumWeight = logAddExp(init.logSumWeight, final.logSumWeight);
  const takeFinal = final.logSumWeight > logSumWeight || random.uniform() < Math.exp(final.logSumWeight - logSumWeight);
  const rho = addVectors(init.rho, final.rho);
  const valid =
    noUTurn(init.sharpBegin, final.sharpEnd, rho) &&
    noUTurn(init.sharpBegin, final.sharpBegin, addVectors(init.rho, final.pBegin)) &&
    noUTurn(init.sharpEnd, final.sharpEnd, addVectors(final.rho, init.pEnd));
  return {
    valid,
    logSumWeight,
    propose: takeFinal ? final.propose : init.propose,
    rho,
    pBegin: init.pBegin,
    sharpBegin: init.sharpBegin,
    pEnd: final.pEnd,
    sharpEnd: final.sharpEnd,
    last: final.last,
  };
}
