// The Ricker command line: bad input is a clear message, exit status 2 and no files; a small run
// writes every documented file; a saved posterior is reused for a new observation.
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defaultHelpers } from '../../src/node/dataParallel.js';
import { RICKER_NPE_DEFAULTS, RICKER_ROUND_DEFAULTS } from '../../simulators/ricker/npe.js';
import { RICKER_IMPORTANCE_DEFAULTS } from '../../simulators/ricker/importance.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-cli-'));
function ricker(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ricker.ts', '--quiet', ...args], {
    encoding: 'utf8',
    env: { ...process.env, FLOWSBI_QUIET: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function obsFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}
/** A saved plain Flow (not a posterior), written once. */
function savedFlow(): string {
  const file = path.join(dir, 'flow.json');
  const script = path.join(dir, 'saveFlow.mts');
  writeFileSync(
    script,
    [
      `import { maf } from ${JSON.stringify(path.resolve('src/flows/builders.js'))};`,
      `import { saveModel } from ${JSON.stringify(path.resolve('src/node/files.js'))};`,
      `await saveModel(maf({ dim: 3, seed: 1 }), ${JSON.stringify(file)});`,
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env: { ...process.env, FLOWSBI_QUIET: '1' } });
  if (r.status !== 0) throw new Error(`savedFlow: ${r.stderr}`);
  return file;
}
const valid = Array.from({ length: 50 }, (_, t) => (t * 7) % 13);

describe('npm run ricker', () => {
  const bad: [string, string[], RegExp][] = [
    ['a missing file', ['--obs', path.join(dir, 'nope.json')], /cannot read the observation file .*nope\.json/],
    ['invalid JSON', ['--obs', obsFile('bad.json', '[1, 2,')], /is not valid JSON/],
    ['not an array', ['--obs', obsFile('obj.json', '{"y": 1}')], /must be a JSON array of 50 counts; received object/],
    ['the wrong length', ['--obs', obsFile('short.json', JSON.stringify(valid.slice(0, 49)))], /must have 50 counts \(the series length T\); received 49/],
    ['a negative count', ['--obs', obsFile('neg.json', JSON.stringify([...valid.slice(0, 49), -1]))], /entry 49 must be a non-negative integer count; received -1/],
    ['a non-integer count', ['--obs', obsFile('frac.json', JSON.stringify([2.5, ...valid.slice(1)]))], /entry 0 must be a non-negative integer count; received 2.5/],
    ['NaN', ['--obs', obsFile('nan.json', JSON.stringify(valid).replace('[0', '["NaN"'))], /entry 0 must be a finite number; received "NaN"/],
    ['an unknown flag', ['--bogus'], /unknown argument "--bogus"/],
    ['an unknown method', ['--method', 'mcmc'], /--method must be npe, abc or pmmh; received "mcmc"/],
    ['too few simulations', ['--simulations', '10'], /--simulations must be an integer >= 100; received 10/],
    ['zero rounds', ['--rounds', '0'], /--rounds must be an integer >= 1; received 0/],
    ['zero ensemble', ['--ensemble', '0'], /--ensemble must be an integer >= 1; received 0/],
    ['zero round epochs', ['--round-epochs', '0'], /--round-epochs must be an integer >= 1; received 0/],
    ['zero first-round epochs', ['--first-round-epochs', '0'], /--first-round-epochs must be an integer >= 1; received 0/],
    ['negative round learning rate', ['--round-learning-rate', '-1'], /--round-learning-rate must be > 0; received -1/],
    ['an unknown round training set', ['--round-training', 'some'], /--round-training must be all or region; received "some"/],
    ['an unknown thread count', ['--training-threads', '3'], /--training-threads must be auto, 1 or 2; received "3"/],
    ['rounds with ABC', ['--rounds', '2', '--method', 'abc'], /--rounds > 1 trains NPE for the observation; it cannot be combined with --method abc/],
    // Regressions: these exited with status 1, or with "n must be a positive integer" for a Flow.
    ['a missing --posterior file', ['--posterior', path.join(dir, 'none.json')], /--posterior .*none\.json: .*(no such file|ENOENT|cannot read)/i],
    ['a corrupted --posterior file', ['--posterior', obsFile('corrupt.json', '{"format": "flowsbi", ')], /--posterior .*corrupt\.json: /],
    ['a saved Flow as --posterior', ['--posterior', savedFlow()], /--posterior .*flow\.json holds a Flow, not a posterior saved by npm run ricker/],
  ];
  for (const [what, args, message] of bad) {
    test(`${what}: message, exit status 2, nothing written`, () => {
      const out = path.join(dir, `out-${what.replace(/\W+/g, '-')}`);
      const r = ricker([...args, '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }

  test('a small run writes every documented file, and --posterior reuses the saved posterior', () => {
    const out = path.join(dir, 'run');
    const r = ricker(['--simulations', '400', '--max-epochs', '2', '--samples', '300', '--calibration', '40', '--out', out]);
    // A posterior trained this briefly is a poor proposal: the low-ESS warning is the only message allowed.
    expect(r.stderr).toMatch(/^(ricker: warning: importance sampling's effective sample size is [\d.]+ of 2000 proposals[^\n]*\n)?$/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/log r +3\.800/);
    expect(readdirSync(out).sort()).toEqual(
      ['coverage.png', 'pair_plot.png', 'posterior.json', 'posterior.weights.bin', 'posterior_samples.csv', 'sbc_ranks.png', 'summary.json', 'training_curves.png'].sort(),
    );
    const csv = readFileSync(path.join(out, 'posterior_samples.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('logr,sigma,phi');
    expect(csv).toHaveLength(301);
    for (const line of csv.slice(1)) {
      const [logr, sigma, phi] = line.split(',').map(Number);
      expect(logr > 3 && logr < 5 && sigma > 0 && sigma < 0.6 && phi > 4 && phi < 20).toBe(true);
    }
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.simulations).toMatchObject({ requested: 400, dropped: expect.any(Number) });
    expect(summary.posteriorSamples.table.map((p: { name: string }) => p.name)).toEqual(['log r', 'sigma', 'phi']);
    for (const stage of ['simulate', 'train', 'sample', 'calibration', 'total']) expect(summary.wallTimeSeconds[stage]).toBeGreaterThan(0);
    expect(summary.training).toMatchObject({ ensemble: 1, epochs: [2], features: 'windows', threads: 1 + defaultHelpers() }); // the defaults: one posterior on the sliding-window features

    // The draws are importance-sampled against the particle-filter likelihood by default.
    expect(summary.importanceSampling).toMatchObject({ proposals: RICKER_IMPORTANCE_DEFAULTS.proposals, particles: RICKER_IMPORTANCE_DEFAULTS.particles });
    expect(summary.importanceSampling.ess).toBeGreaterThan(0);
    expect(summary.importanceSampling.neuralPosterior.map((p: { name: string }) => p.name)).toEqual(['log r', 'sigma', 'phi']);
    expect(summary.calibration.of).toMatch(/neural posterior/);

    // --importance-proposals 0: the network's own draws, which the fresh process below reproduces.
    const reuse = path.join(dir, 'reuse');
    const r2 = ricker(['--posterior', path.join(out, 'posterior.json'), '--obs', obsFile('valid.json', JSON.stringify(valid)), '--samples', '200', '--importance-proposals', '0', '--out', reuse]);
    expect(r2.status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(reuse, 'summary.json'), 'utf8')).importanceSampling).toBeUndefined();
    expect(readFileSync(path.join(reuse, 'posterior_samples.csv'), 'utf8').trim().split('\n')).toHaveLength(201);
    expect(JSON.parse(readFileSync(path.join(reuse, 'summary.json'), 'utf8')).method).toBe('npe (saved posterior)');
    expect(existsSync(path.join(reuse, 'training_curves.png'))).toBe(false);

    // A fresh process that imports only the root entry loads the saved posterior from bytes and
    // samples the raw series: the same draws as the command line's --posterior for the same seed.
    const script = path.join(dir, 'fresh.mts');
    writeFileSync(script, [
      "import { readFileSync } from 'node:fs';",
      `import { loadModelFromBytes, ready } from ${JSON.stringify(path.resolve('src/index.ts'))};`,
      'const [json, weights, obs] = process.argv.slice(2);',
      'await ready({ quiet: true });',
      'const { module: posterior } = loadModelFromBytes(readFileSync(json), readFileSync(weights));',
      "const draws = (posterior as unknown as { sample(x: number[], n: number, seed: number): { dataSync(): Float32Array } }).sample(JSON.parse(readFileSync(obs, 'utf8')), 200, 1).dataSync();",
      "const lines = ['logr,sigma,phi'];",
      "for (let i = 0; i < draws.length; i += 3) lines.push([0, 1, 2].map((j) => Number(draws[i + j]).toPrecision(7)).join(','));",
      "console.log(lines.join('\\n'));",
    ].join('\n'));
    const fresh = spawnSync(process.execPath, ['--import', 'tsx', script, path.join(out, 'posterior.json'), path.join(out, 'posterior.weights.bin'), path.join(dir, 'valid.json')], {
      encoding: 'utf8',
      env: { ...process.env, FLOWSBI_QUIET: '1' },
    });
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout.trim()).toBe(readFileSync(path.join(reuse, 'posterior_samples.csv'), 'utf8').trim());
  });

  test('--help: the defaults it repeats are those measured in RICKER_NPE_DEFAULTS, RICKER_ROUND_DEFAULTS and RICKER_IMPORTANCE_DEFAULTS', () => {
    const r = ricker(['--help']);
    expect(r.status).toBe(0);
    const defaults = Object.fromEntries([...r.stdout.matchAll(/--([a-z-]+) \(default ([^)]*)\)/g)].map((m) => [m[1], m[2]]));
    const N = RICKER_NPE_DEFAULTS;
    const R = RICKER_ROUND_DEFAULTS;
    expect(defaults).toMatchObject({
      simulations: String(N.simulations), features: N.features, 'max-epochs': String(N.maxEpochs), ensemble: 'auto',
      'batch-size': String(N.batchSize), 'learning-rate': String(N.learningRate),
      'first-round-epochs': String(R.firstRoundEpochs), 'round-epochs': String(R.maxEpochs), 'round-learning-rate': String(R.learningRate),
      'round-training': R.trainOn,
      'importance-proposals': String(RICKER_IMPORTANCE_DEFAULTS.proposals), 'importance-particles': String(RICKER_IMPORTANCE_DEFAULTS.particles),
    });
    expect(r.stdout).toContain(`auto: ${N.ensemble} for the amortized posterior, ${R.ensemble} with --rounds > 1`);
  });

  test('--rounds 2: truncated sequential NPE, per-round figures in the summary, valid for this observation only', () => {
    const out = path.join(dir, 'rounds');
    const r = ricker(['--rounds', '2', '--simulations', '400', '--round-simulations', '200', '--first-round-epochs', '2', '--round-epochs', '1', '--samples', '100', '--importance-proposals', '0', '--no-figures', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/valid for this observation only/);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.rounds).toMatchObject({ rounds: 2, simulationsPerLaterRound: 200, totalSimulations: 600, validFor: expect.stringMatching(/this observation only/) });
    expect(summary.rounds.firstRound).toEqual({ maxEpochs: 2 });
    expect(summary.rounds.laterRounds).toEqual({ continueTraining: true, maxEpochs: 1, learningRate: 2e-3, trainOn: 'region' });
    expect(summary.training.epochs).toEqual([1, 1]); // the last round's histories (--round-epochs), one per posterior
    expect(summary.training.ensemble).toBe(2); // --ensemble auto: two posteriors with --rounds > 1
    const [first, second] = summary.rounds.perRound;
    expect(first).toMatchObject({ round: 1, simulations: 400, threshold: null, acceptanceRate: 1 });
    expect(second).toMatchObject({ round: 2, simulations: 200 });
    // Round 2 trains on its own draws and on the round-1 draws inside its region (--round-training region).
    expect(second.trainingRows).toBeGreaterThanOrEqual(second.kept);
    expect(second.trainingRows).toBeLessThanOrEqual(first.kept + second.kept);
    expect(second.acceptanceRate).toBeGreaterThan(0);
    expect(second.acceptanceRate).toBeLessThanOrEqual(1);
    expect(second.seconds.total).toBeGreaterThan(0);
    expect(summary.calibration.skipped).toMatch(/not valid/);
    expect(summary.wallTimeSeconds.rounds).toBeGreaterThan(0);
    const saved = JSON.parse(readFileSync(path.join(out, 'posterior.json'), 'utf8'));
    expect(JSON.stringify(saved)).toMatch(/only the observation it was trained for/);
    // Reusing it for another observation warns.
    const r2 = ricker(['--posterior', path.join(out, 'posterior.json'), '--obs', obsFile('valid2.json', JSON.stringify(valid)), '--samples', '50', '--out', path.join(dir, 'rounds-reuse')]);
    expect(r2.status).toBe(0);
    expect(r2.stderr).toMatch(/trained with --rounds 2 for another observation/);
  });
});
