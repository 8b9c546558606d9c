// Every exported class and function of the library has a doc comment (issue 2's acceptance):
// the declaration is preceded by a /** ... */ block (decorators and blank lines aside).
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

describe('documentation', () => {
  test('every exported class and function has a doc comment', () => {
    const missing: string[] = [];
    for (const file of [...sources('src'), ...sources('simulators'), ...sources('web')]) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const m = /^export (?:default )?(?:abstract )?(?:async )?(class|function) (\w+)/.exec(line);
        if (!m) return;
        let j = i - 1;
        while (j >= 0 && lines[j].trim() === '') j--;
        if (!(j >= 0 && lines[j].trim().endsWith('*/'))) missing.push(`${file}:${i + 1} ${m[1]} ${m[2]}`);
      });
    }
    expect(missing, `missing doc comments:\n${missing.join('\n')}`).toEqual([]);
  });
});
