// The README's "Your own simulator" example: type-checked as written (the package name mapped to
// the sources) and run with a smaller budget (500 simulations, 2 epochs) to keep the suite short.
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function ownSimulatorExample(): string {
  const match = /## Your own simulator[\s\S]*?```ts\n([\s\S]*?)```/.exec(readFileSync('README.md', 'utf8'));
  if (!match) throw new Error('README.md has no "## Your own simulator" section with a ts code block');
  return match[1];
}

describe('README: your own simulator', () => {
  test('the example is at most 25 lines, type-checks and runs', () => {
    const code = ownSimulatorExample();
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(25);
    const file = path.resolve('examples', '.readme-own-simulator.generated.ts');
    const config = path.resolve('.readme-own-simulator.tsconfig.generated.json');
    writeFileSync(file, code.replace("from 'flowsbi'", "from '../src/index.js'"));
    writeFileSync(config, JSON.stringify({ extends: './tsconfig.json', include: [path.relative('.', file)] }));
    try {
      execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '--noEmit', '-p', config], { encoding: 'utf8' });
      const quick = code.replace("from 'flowsbi'", "from '../src/index.js'").replace('n: 5000', 'n: 500').replace('maxEpochs: 30', 'maxEpochs: 2').replace('n: 200', 'n: 40');
      writeFileSync(file, quick);
      const output = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...process.env, FLOWSBI_QUIET: '1' } });
      const lines = output.trim().split('\n');
      expect(lines[0]).toMatch(/^posterior mean \[ -?\d/);
      expect(lines[1]).toMatch(/^0\.5: \d\.\d\d, 0\.8: \d\.\d\d, 0\.95: \d\.\d\d.*\[ 1, 1000, 2 \]$/);
    } finally {
      rmSync(file, { force: true });
      rmSync(config, { force: true });
    }
  });
});
