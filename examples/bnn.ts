/**
 * Bayesian inference beyond SBI, on the course's running examples:
 * (1) Bayesian linear regression: the exact posterior beside Metropolis, HMC, NUTS and mean-field
 *     VI draws (one panel per coefficient) and the posterior predictive band;
 * (2) a Bayesian MLP classifier on two moons: predictive maps of MAP, NUTS, mean-field VI and
 *     flow VI, with test accuracy, test log-likelihood, calibration, ELBOs and each predictive's
 *     distance to NUTS's;
 * (3) how Metropolis, HMC and NUTS mix as the network grows (R-hat, ESS per second).
 * Figures and metrics.json (every figure printed) go to --out (default out/bnn).
 *
 *   npm run example:bnn -- [--seed 1] [--out out/bnn] [--quick]
 */
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ready } from '../src/index.js';
import { renderVegaLite, writePng } from '../src/node/png.js';
import { parseFlags } from '../src/cli/args.js';
import { regressionPart } from './bnn/regression.js';
import { moonsPart } from './bnn/moons.js';
import { sweepPart } from './bnn/sweep.js';
import { mixingSweep } from './bnn/figures.js';

const flags = parseFlags('bnn', {
  seed: { default: 1, help: 'seed' },
  out: { default: 'out/bnn', help: 'output folder' },
  quick: { default: false, help: 'smaller runs (a smoke test of the pipeline)' },
});
const backend = await ready({ quiet: true });
mkdirSync(flags.out, { recursive: true });
const started = performance.now();
const metrics: Record<string, unknown> = { seed: flags.seed, quick: flags.quick, backend };

console.log('1. Bayesian linear regression');
metrics.regression = await regressionPart(flags.out, flags.seed, flags.quick);
console.log(JSON.stringify(metrics.regression, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(5)) : v), 1));

console.log('2. Bayesian MLP on two moons');
const moons = await moonsPart(flags.out, flags.seed, flags.quick);
metrics.moons = moons;
console.table(moons.methods);
const m = moons.methods as Record<string, Record<string, number>>;
const flowCloser = m['flow VI'].meanKLFromNUTSOverGrid < m['mean-field VI'].meanKLFromNUTSOverGrid;
const flowHigherElbo = m['flow VI'].elbo > m['mean-field VI'].elbo;
metrics.moonsChecks = { flowPredictiveCloserToNUTSThanMeanField: flowCloser, flowElboHigherThanMeanField: flowHigherElbo };
console.log(`flow VI predictive closer to NUTS than mean-field's: ${flowCloser} (mean KL ${m['flow VI'].meanKLFromNUTSOverGrid.toFixed(4)} vs ${m['mean-field VI'].meanKLFromNUTSOverGrid.toFixed(4)})`);
console.log(`flow VI ELBO higher than mean-field's: ${flowHigherElbo} (${m['flow VI'].elbo.toFixed(2)} vs ${m['mean-field VI'].elbo.toFixed(2)})`);

console.log('3. Mixing as the network grows (times are wall-clock on a shared machine: noisy)');
const sweep = await sweepPart(flags.seed, flags.quick);
metrics.mixing = sweep;
await writePng(path.join(flags.out, 'mixing.png'), renderVegaLite(mixingSweep(sweep, 'Two-moons BNN: mixing against the number of weights (4 chains)')));

const seconds = (performance.now() - started) / 1000;
metrics.seconds = seconds;
writeFileSync(path.join(flags.out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
console.log(`figures and metrics.json written to ${flags.out} (${seconds.toFixed(0)} s)`);
