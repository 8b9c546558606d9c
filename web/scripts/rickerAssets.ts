/**
 * The Ricker explorer's asset: the library's default Ricker training (`npm run ricker`, the NPE
 * ensemble with its default simulations, epochs and seed), run through the CLI exactly as a user
 * would, then the saved posterior copied to web/public/data/ricker/ with a note of how it was
 * made. Calibration and figures are skipped (they do not change the posterior).
 *
 *   node --import tsx web/scripts/rickerAssets.ts [--from out/ricker]   # --from: copy an existing run
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFlags } from '../../src/cli/args.js';

const flags = parseFlags('web-assets-ricker', {
  from: { default: '', help: 'folder of an earlier `npm run ricker` run to copy instead of training' },
  work: { default: 'out/web-assets/ricker', help: 'folder for the training run' },
  out: { default: 'web/public/data/ricker', help: 'output folder' },
});

const args = ['--import', 'tsx', 'src/cli/ricker.ts', '--quiet', '--no-figures', '--calibration', '0', '--out', flags.work];
let source = flags.from;
if (!source) {
  console.log(`training the default Ricker posterior: node ${args.join(' ')}`);
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`web-assets-ricker: the Ricker CLI exited with status ${run.status}`);
  source = flags.work;
}
mkdirSync(flags.out, { recursive: true });
for (const file of ['posterior.json', 'posterior.weights.bin']) copyFileSync(path.join(source, file), path.join(flags.out, file));
const metadata = JSON.parse(readFileSync(path.join(flags.out, 'posterior.json'), 'utf8')).metadata;
writeFileSync(
  path.join(flags.out, 'provenance.json'),
  JSON.stringify({ madeBy: flags.from ? `npm run ricker (defaults), copied from ${flags.from}` : `node ${args.join(' ')}`, metadata }, null, 2) + '\n',
);
console.log(`Ricker posterior copied to ${flags.out}`);
