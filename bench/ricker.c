/*
 * Reference C implementation of the stochastic Ricker simulator (Wood 2010, Nature 466) for
 * bench/rickerSim.ts: the same algorithms as simulators/ricker.ts (xoshiro128** streams seeded
 * from (seed, index), ziggurat normals (Marsaglia & Tsang 2000), Poisson by inversion below
 * mean 10 and Hoermann's 1993 PTRS above), one core.
 *
 *   N_t = r N_{t-1} exp(-N_{t-1} + e_t), e_t ~ N(0, sigma^2), y_t ~ Poisson(phi N_t), N_0 = 1.
 *
 * Parameters: uniforms of stream (SEED + 1, 0) scaled to Wood's prior box (log r in [3, 5],
 * sigma in [0, 0.6], phi in [4, 20]), as bench/rickerSim.ts draws them too.
 * Usage: ricker N T RUNS SEED. Prints one line per run:
 * "<sims per wall-clock second> <sims per CPU second> <mean count>".
 * Build: gcc -O2 -o ricker ricker.c -lm
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  uint32_t s[4];
} rng_t;

static inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static void rng_reset(rng_t *g, uint64_t seed, uint64_t index) {
  uint32_t h = fmix32((uint32_t)seed ^ 0x2545f491u);
  h = fmix32((h + (uint32_t)(seed >> 32) * 0x7feb352du) ^ 0x68e31da4u);
  h = fmix32((h + ((uint32_t)index + 1u) * 0x846ca68bu) ^ 0x1b873593u);
  h = fmix32((h + (uint32_t)(index >> 32) * 0xcc9e2d51u) ^ 0x5bd1e995u);
  for (int i = 0; i < 4; i++) {
    h += 0x9e3779b9u;
    g->s[i] = fmix32(h);
  }
}

static inline uint32_t next_u32(rng_t *g) {
  uint32_t *s = g->s;
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

static inline double uniform(rng_t *g) { return ((double)next_u32(g) + 0.5) * 0x1p-32; }

/* Ziggurat normal (Marsaglia & Tsang 2000, RNOR, 128 layers), as in src/sbi/stream.ts. */
static double zig_k[128], zig_w[128], zig_f[128];
static const double ZIG_R = 3.442619855899;

static void zig_setup(void) {
  const double m1 = 2147483648.0, v = 9.91256303526217e-3;
  double dn = ZIG_R, tn = dn, q = v / exp(-0.5 * dn * dn);
  zig_k[0] = (dn / q) * m1;
  zig_k[1] = 0;
  zig_w[0] = q / m1;
  zig_w[127] = dn / m1;
  zig_f[0] = 1;
  zig_f[127] = exp(-0.5 * dn * dn);
  for (int i = 126; i >= 1; i--) {
    dn = sqrt(-2 * log(v / dn + exp(-0.5 * dn * dn)));
    zig_k[i + 1] = (dn / tn) * m1;
    tn = dn;
    zig_f[i] = exp(-0.5 * dn * dn);
    zig_w[i] = dn / m1;
  }
}

static double normal_slow(rng_t *g, int32_t j, int i) {
  for (;;) {
    double x = j * zig_w[i];
    if (i == 0) {
      double t, y;
      do {
        t = -log(uniform(g)) / ZIG_R;
        y = -log(uniform(g));
      } while (y + y < t * t);
      return j > 0 ? ZIG_R + t : -ZIG_R - t;
    }
    if (zig_f[i] + uniform(g) * (zig_f[i - 1] - zig_f[i]) < exp(-0.5 * x * x)) return x;
    j = (int32_t)next_u32(g);
    i = j & 127;
    if (fabs((double)j) < zig_k[i]) return j * zig_w[i];
  }
}

static inline double normal(rng_t *g) {
  int32_t j = (int32_t)next_u32(g);
  int i = j & 127;
  if (fabs((double)j) < zig_k[i]) return j * zig_w[i];
  return normal_slow(g, j, i);
}

#define TABLE 256
static double log_factorial[TABLE];
#define MAX_SEARCH 200
static double inv_k[MAX_SEARCH + 1];

static double poisson_log_pmf(double k, double lam, double loglam) {
  if (k < TABLE) return -lam + k * loglam - log_factorial[(int)k];
  double d = k - lam, ik = 1.0 / k, ik2 = ik * ik;
  double series = ik * (1.0 / 12 - ik2 * (1.0 / 360 - ik2 / 1260));
  return d - k * log1p(d / lam) - 0.5 * log(k) - 0.5 * log(2 * M_PI) - series;
}

static double poisson(rng_t *g, double lam) {
  if (lam < 10) {
    double u = uniform(g);
    if (u <= 1 - lam) return 0;
    double p0 = exp(-lam);
    for (;;) {
      double p = p0, s = p0;
      int k = 0;
      while (u > s && k < MAX_SEARCH) {
        k++;
        p *= lam * inv_k[k];
        s += p;
      }
      if (k < MAX_SEARCH) return k;
      u = uniform(g);
    }
  }
  double b = 0.931 + 2.53 * sqrt(lam);
  double a = -0.059 + 0.02483 * b;
  double alpha = 1.1239 + 1.1328 / (b - 3.4);
  double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double U = uniform(g) - 0.5, V = uniform(g);
    double us = 0.5 - fabs(U);
    double k = floor((2 * a / us + b) * U + lam + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (log(V * alpha / (a / (us * us) + b)) <= poisson_log_pmf(k, lam, log(lam))) return k;
  }
}

static void simulate(const double *theta, long n, int T, uint64_t seed, double *out) {
  rng_t g;
  for (long i = 0; i < n; i++) {
    rng_reset(&g, seed, (uint64_t)i);
    double r = exp(theta[3 * i]), sigma = theta[3 * i + 1], phi = theta[3 * i + 2], N = 1.0;
    double *y = out + i * T;
    for (int t = 0; t < T; t++) {
      N = r * N * exp(sigma * normal(&g) - N);
      double lam = phi * N;
      if (!(lam <= 0x1p52)) {
        for (int j = 0; j < T; j++) y[j] = NAN;
        break;
      }
      y[t] = poisson(&g, lam);
    }
  }
}

static double now(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  int T = argc > 2 ? atoi(argv[2]) : 50;
  int runs = argc > 3 ? atoi(argv[3]) : 5;
  uint64_t seed = argc > 4 ? strtoull(argv[4], 0, 10) : 1;
  zig_setup();
  for (int k = 1; k <= MAX_SEARCH; k++) inv_k[k] = 1.0 / k;
  for (int k = 1; k < TABLE; k++) log_factorial[k] = log_factorial[k - 1] + log((double)k);
  double *theta = malloc(sizeof(double) * 3 * n);
  const double low[3] = {3, 0, 4}, high[3] = {5, 0.6, 20};
  rng_t g;
  rng_reset(&g, seed + 1, 0);
  for (long i = 0; i < 3 * n; i++) theta[i] = low[i % 3] + (high[i % 3] - low[i % 3]) * uniform(&g);
  for (int run = 0; run < runs; run++) {
    double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    /* A fresh output buffer per run, as the TypeScript simulator returns a new array. */
    double *out = malloc(sizeof(double) * n * T);
    simulate(theta, n, T, seed, out);
    double dt = now(CLOCK_MONOTONIC) - t0, dc = now(CLOCK_PROCESS_CPUTIME_ID) - c0, sum = 0;
    for (long i = 0; i < n * T; i++) sum += out[i];
    printf("%.0f %.0f %.6f\n", n / dt, n / dc, sum / ((double)n * T));
    free(out);
  }
  free(theta);
  return 0;
}
