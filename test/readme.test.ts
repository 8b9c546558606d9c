// The README's quick example runs as written (with the package name mapped to the sources), and
// examples/readme.ts is the same code.
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function quickExample(): string {
  const readme = readFileSync('README.md', 'utf8');
  const match = /## Quick example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no "## Quick example" section with a ts code block');
  return match[1];
}

describe('README', () => {
  test('examples/readme.ts is the quick example', () => {
    const example = readFileSync('examples/readme.ts', 'utf8').split('\n').slice(1).join('\n');
    expect(example).toBe(quickExample().replace("from 'flowsbi'", "from '../src/index.js'"));
  });

  test('the quick example runs as written', () => {
    const file = path.resolve('examples', '.readme-quick-example.generated.ts');
    writeFileSync(file, quickExample().replace("from 'flowsbi'", "from '../src/index.js'"));
    try {
      const output = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...process.env, FLOWSBI_QUIET: '1' } });
      expect(output.trim()).toBe('[ 5 ] [ 5, 100, 2 ] [ 5, 10, 2 ] [ 5, 10 ]');
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('the VAE section\'s encoder-swap snippet runs (on 200 synthetic binary images)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const match = /## VAEs: upgrading the encoder is one line[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
    expect(match).not.toBeNull();
    const data = [
      "import * as tfReadme from '@tensorflow/tfjs';",
      'const trainImages = Float32Array.from({ length: 200 * 784 }, (_, i) => ((i * 7919) % 13 < 4 ? 1 : 0));',
      'const testImages = tfReadme.tensor2d(trainImages.slice(0, 20 * 784), [20, 784]);',
    ].join('\n');
    const code = match![1].replace("from 'flowsbi'", "from '../src/index.js'").replace('maxEpochs: 40', 'maxEpochs: 2').replace('K: 1000', 'K: 20');
    const file = path.resolve('examples', '.readme-vae-example.generated.ts');
    // The synthetic data go right after the snippet's `await ready();` (tensors need the backend).
    const withData = code.replace('await ready();', `await ready();\n${data.split('\n').slice(1).join('\n')}`);
    writeFileSync(file, `${data.split('\n')[0]}\n${withData}\nconsole.log(Number.isFinite(elbo) && Number.isFinite(logLikelihood) && Number.isFinite(gap));\n`);
    try {
      const output = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...process.env, FLOWSBI_QUIET: '1' } });
      expect(output.trim().split('\n').pop()).toBe('true');
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('the two set-up commands are in the README and .ci/run runs the test one', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('npm ci && npm run ricker');
    expect(readme).toContain('npm ci && npm test');
    expect(readFileSync('.ci/run', 'utf8')).toContain('npm ci && npm test');
  });
});
