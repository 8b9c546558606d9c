/**
 * Hamiltonian dynamics on the host for HMC and NUTS, with a diagonal metric M = diag(1 / m) (m is
 * the inverse metric, the adapted posterior variances): H(q, p) = -log p(q) + p' diag(m) p / 2.
 * Only the gradient evaluation leaves the host, by yielding the new position to the lockstep
 * driver (`lockstep.ts`).
 */
import type { Random } from '../random.js';
import type { PointEvaluation, Transition } from './lockstep.js';

/** A point in phase space with its log density and gradient. */
export interface PhasePoint {
  q: Float64Array;
  p: Float64Array;
  logp: number;
  grad: Float64Array;
}

/** p ~ N(0, M) with M = diag(1 / inverseMass). */
export function sampleMomentum(inverseMass: Float64Array, random: Random): Float64Array {
  return Float64Array.from(inverseMass, (m) => random.normal() / Math.sqrt(m));
}

/** The Hamiltonian -log p(q) + p' diag(m) p / 2; +Infinity when it is not finite. */
export function hamiltonian(z: PhasePoint, inverseMass: Float64Array): number {
  let k = 0;
  for (let i = 0; i < z.p.length; i++) k += z.p[i] * z.p[i] * inverseMass[i];
  const h = -z.logp + 0.5 * k;
  return Number.isNaN(h) ? Infinity : h;
}

/** diag(m) p: the velocity dq/dt ("p sharp" in Stan). */
export function velocity(p: Float64Array, inverseMass: Float64Array): Float64Array {
  return Float64Array.from(p, (v, i) => v * inverseMass[i]);
}

/**
 * One leapfrog step of size eps (negative: backward in time) returning a new point:
 * p += eps/2 grad; q += eps m p; (evaluate); p += eps/2 grad. A non-finite gradient makes the
 * point's log density -Infinity (infinite energy), which the samplers treat as a divergence.
 */
export function* leapfrog(z: PhasePoint, eps: number, inverseMass: Float64Array): Transition<PhasePoint> {
  const d = z.q.length;
  const p = new Float64Array(d);
  const q = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    p[i] = z.p[i] + 0.5 * eps * z.grad[i];
    q[i] = z.q[i] + eps * inverseMass[i] * p[i];
  }
  const e: PointEvaluation = yield q;
  const grad = e.grad!;
  let finite = Number.isFinite(e.logp);
  for (let i = 0; i < d; i++) {
    p[i] += 0.5 * eps * grad[i];
    if (!Number.isFinite(grad[i])) finite = false;
  }
  return { q, p, logp: finite ? e.logp : -Infinity, grad };
}

/**
 * Stan's heuristic for a first step size (Hoffman & Gelman 2014, algorithm 4): from eps, double
 * it while one leapfrog step from a fresh momentum keeps exp(H0 - H1) above 0.8, or halve it while
 * it stays below. Returns the step size reached (within [1e-8, 1e7]).
 */
export function* findStepSize(q: Float64Array, logp: number, grad: Float64Array, eps: number, inverseMass: Float64Array, random: Random): Transition<number> {
  const logTarget = Math.log(0.8);
  let direction = 0;
  for (let k = 0; k < 100; k++) {
    const z: PhasePoint = { q, p: sampleMomentum(inverseMass, random), logp, grad };
    const h0 = hamiltonian(z, inverseMass);
    const next = yield* leapfrog(z, eps, inverseMass);
    const deltaH = h0 - hamiltonian(next, inverseMass);
    const up = deltaH > logTarget;
    if (direction === 0) direction = up ? 1 : -1;
    else if ((direction === 1 && !up) || (direction === -1 && up)) break;
    const candidate = direction === 1 ? 2 * eps : eps / 2;
    if (candidate > 1e7 || candidate < 1e-8) break;
    eps = candidate;
  }
  return eps;
}
