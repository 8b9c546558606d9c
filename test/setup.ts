// Every test file runs on the backend named by FLOWSBI_TEST_BACKEND (default: the library's
// automatic choice, wasm here). `npm run test:cpu` runs the property tests on the cpu backend.
import { initBackend, type BackendName } from '../src/backend/index.js';

await initBackend({ backend: process.env.FLOWSBI_TEST_BACKEND as BackendName | undefined, quiet: true });

// The catalog properties run through `assertProperty` (test/helpers/harness.ts): a fixed seed plus
// a fresh one per run. Other fast-check uses run from the fixed seed below so that CI is
// reproducible; FLOWSBI_FC_SEED=random (or a number) explores other draws.
import fc from 'fast-check';
const fcSeed = process.env.FLOWSBI_FC_SEED;
fc.configureGlobal({
  seed: fcSeed === 'random' ? Date.now() % 2 ** 31 : fcSeed ? Number(fcSeed) : 20261121,
  endOnFailure: true,
});
