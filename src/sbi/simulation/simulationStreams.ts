/**
 * Fast seeded streams for simulators: one independent stream per simulation, derived from
 * (seed, global index), so that a batch gives the same numbers however it is split into chunks or
 * spread over worker threads.
 *
 * The generator is xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021): 128 bits of state, 32-bit outputs, only 32-bit integer operations,
 * so it runs at full speed in JavaScript (`Math.imul`, `>>>`). The state of stream (seed, i) is
 * filled by SplitMix32-style finalisers (the MurmurHash3 `fmix32` mixer) of a key that hashes
 * seed and index, as SplitMix64 seeds xoshiro in the reference code.
 *
 * `src/random.ts` (seedrandom `alea`) stays the library-wide stream; this one is for hot loops.
 */

const TWO_M32 = 2 ** -32;
const GOLDEN = 0x9e3779b9;

/**
 * Ziggurat tables of Marsaglia & Tsang (2000), `zigset` for the normal with 128 layers:
 * r = 3.442619855899 (right edge of the base strip), v = 9.91256303526217e-3 (area of each layer),
 * x_127 = r, x_{i} = sqrt(-2 log(v / x_{i+1} + f(x_{i+1}))), f(x) = exp(-x^2 / 2);
 * k_i = 2^31 x_{i-1} / x_i (acceptance threshold), w_i = x_i / 2^31, f_i = f(x_i).
 */
const ZIG_R = 3.442619855899;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
{
  const m1 = 2147483648;
  const v = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = v / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * m1;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m1;
  ZIG_W[127] = dn / m1;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(v / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * m1;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m1;
  }
}

/** MurmurHash3's 32-bit finaliser: a bijection of 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function checkSeed(fn: string, name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new Error(`${fn}: ${name} must be a non-negative safe integer; received ${v}`);
  }
}

/**
 * A 32-bit key for stream (seed, index): both split into 32-bit halves and folded through
 * `fmix32` with distinct odd constants, so neighbouring seeds and indices give unrelated keys.
 */
function streamKey(seed: number, index: number): number {
  const sLo = seed >>> 0;
  const sHi = Math.floor(seed / 4294967296) >>> 0;
  const iLo = index >>> 0;
  const iHi = Math.floor(index / 4294967296) >>> 0;
  let h = fmix32(sLo ^ 0x2545f491);
  h = fmix32((h + Math.imul(sHi, 0x7feb352d)) ^ 0x68e31da4);
  h = fmix32((h + Math.imul(iLo + 1, 0x846ca68b)) ^ 0x1b873593);
  return fmix32((h + Math.imul(iHi, 0xcc9e2d51)) ^ 0x5bd1e995);
}

/**
 * An integer seed in [0, 2^31) for simulation `index` of the batch seeded by `seed`: what
 * {@link simulatorFromFunction} hands to a user's per-simulation function.
 */
export function deriveSeed(seed: number, index: number): number {
  checkSeed('deriveSeed', 'seed', seed);
  checkSeed('deriveSeed', 'index', index);
  return fmix32(streamKey(seed, index) + GOLDEN) >>> 1;
}

/**
 * xoshiro128** with uniform and ziggurat normal draws. Re-seed in place with {@link Xoshiro128.reset} (no
 * allocation per simulation).
 */
export class Xoshiro128 {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed = 0, index = 0) {
    this.reset(seed, index);
  }

  /** Restart as stream (seed, index); seed and index are non-negative safe integers. */
  reset(seed: number, index: number): void {
    if (!(Number.isSafeInteger(seed) && seed >= 0 && Number.isSafeInteger(index) && index >= 0)) {
      throw new Error(`Xoshiro128.reset: seed and index must be non-negative safe integers; received seed ${seed}, index ${index}`);
    }
    let k = streamKey(seed, index);
    k = (k + GOLDEN) | 0;
    this.s0 = fmix32(k) | 0;
    k = (k + GOLDEN) | 0;
    this.s1 = fmix32(k) | 0;
    k = (k + GOLDEN) | 0;
    this.s2 = fmix32(k) | 0;
    k = (k + GOLDEN) | 0;
    this.s3 = fmix32(k) | 0;
    // fmix32 is a bijection and the four inputs differ, so at most one word is zero: never all.
  }

  /** The next 32-bit output, as an unsigned integer in [0, 2^32). */
  nextU32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const r = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    const s3 = this.s3;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return r >>> 0;
  }

  /** Uniform on the open interval (0, 1) with 32-bit resolution: (k + 1/2) 2^-32. Safe under log. */
  uniform(): number {
    return (this.nextU32() + 0.5) * TWO_M32;
  }

  /**
   * Standard normal by the ziggurat method of Marsaglia & Tsang ("The ziggurat method for
   * generating random variables", J. Stat. Software 5(8), 2000; RNOR with 128 layers): a signed
   * 32-bit draw j picks layer i = j & 127 and x = j w_i; x is returned at once when |j| < k_i
   * (98.8% of draws: no log, exp or sqrt), otherwise {@link normalSlow} finishes exactly.
   */
  normal(): number {
    const j = this.nextU32() | 0;
    const i = j & 127;
    if (Math.abs(j) < ZIG_K[i]) return j * ZIG_W[i];
    return this.normalSlow(j, i);
  }

  /**
   * The ziggurat's rare path: the base strip's tail beyond r = 3.442619855899 by Marsaglia's
   * method (x = -log(u1) / r, y = -log(u2), accept if 2y > x^2, return r + x), and the wedges of
   * the other layers by rejection against f(x) = exp(-x^2 / 2).
   */
  private normalSlow(j: number, i: number): number {
    for (;;) {
      const x = j * ZIG_W[i];
      if (i === 0) {
        let t: number, y: number;
        do {
          t = -Math.log(this.uniform()) / ZIG_R;
          y = -Math.log(this.uniform());
        } while (y + y < t * t);
        return j > 0 ? ZIG_R + t : -ZIG_R - t;
      }
      if (ZIG_F[i] + this.uniform() * (ZIG_F[i - 1] - ZIG_F[i]) < Math.exp(-0.5 * x * x)) return x;
      j = this.nextU32() | 0;
      i = j & 127;
      if (Math.abs(j) < ZIG_K[i]) return j * ZIG_W[i];
    }
  }
}
