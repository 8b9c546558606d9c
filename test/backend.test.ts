// Backend selection with @tensorflow/tfjs-node absent (it cannot be installed here), forcing by
// API and environment, the one-time report, and the wasm matmul fast paths against cpu.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { BACKEND_ENV_VAR, initBackend, parseBackendName, resetBackendChoiceForTests } from '../src/backend/index.js';
import { configureWasmPaths } from '../src/backend/browser.js';
import { wasmFastPathsInstalled } from '../src/backend/wasmMatMul.js';

const absent = () => Promise.reject(new Error("Cannot find package '@tensorflow/tfjs-node'"));

afterAll(async () => {
  delete process.env[BACKEND_ENV_VAR];
  resetBackendChoiceForTests();
  await initBackend({ quiet: true });
});

describe('backend selection', () => {
  test('without the native package it falls back to wasm and says why', async () => {
    resetBackendChoiceForTests();
    const choice = await initBackend({ importNative: absent, quiet: true });
    expect(choice.name).toBe('wasm');
    expect(choice.reason).toBe('auto');
    expect(choice.skipped[0]).toEqual({ name: 'tensorflow', error: expect.stringContaining('@tensorflow/tfjs-node') });
    expect(tf.getBackend()).toBe('wasm');
  });

  test('the real dynamic import tolerates the absent package', async () => {
    resetBackendChoiceForTests();
    const choice = await initBackend({ quiet: true });
    expect(choice.name).toBe('wasm');
  });

  test('a native package that registers nothing is skipped too', async () => {
    resetBackendChoiceForTests();
    const choice = await initBackend({ importNative: () => Promise.resolve({}), quiet: true });
    expect(choice.name).toBe('wasm');
    expect(choice.skipped[0].error).toMatch(/did not register a backend/);
  });

  test('forcing by API and by environment variable; bad names are clear errors', async () => {
    resetBackendChoiceForTests();
    expect((await initBackend({ backend: 'cpu', quiet: true })).reason).toBe('option');
    expect(tf.getBackend()).toBe('cpu');
    resetBackendChoiceForTests();
    process.env[BACKEND_ENV_VAR] = 'cpu';
    const fromEnv = await initBackend({ quiet: true });
    expect(fromEnv).toMatchObject({ name: 'cpu', reason: 'environment' });
    process.env[BACKEND_ENV_VAR] = 'gpu';
    resetBackendChoiceForTests();
    await expect(initBackend({ quiet: true })).rejects.toThrow(/FLOWSBI_BACKEND must be one of "tensorflow", "webgpu", "webgl", "wasm", "cpu"; received "gpu"/);
    delete process.env[BACKEND_ENV_VAR];
    resetBackendChoiceForTests();
    await expect(initBackend({ backend: 'tensorflow', importNative: absent, quiet: true })).rejects.toThrow(/no backend could be initialised \(tensorflow: Cannot find package/);
    resetBackendChoiceForTests();
    await initBackend({ quiet: true });
  });

  test('the choice is reported once on stderr', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      resetBackendChoiceForTests();
      await initBackend({ importNative: absent });
      await initBackend({ importNative: absent });
    } finally {
      process.stderr.write = write;
    }
    expect(lines).toEqual(['flowsbi: using the wasm backend (tensorflow unavailable)\n']);
  });

  test('browser backends named in Node fail with a reason; bad wasm paths are clear errors', async () => {
    resetBackendChoiceForTests();
    await expect(initBackend({ backend: 'webgl', quiet: true })).rejects.toThrow(/no backend could be initialised \(webgl: WebGL needs a browser\)/);
    resetBackendChoiceForTests();
    await expect(initBackend({ backend: 'webgpu', quiet: true })).rejects.toThrow(/webgpu: this runtime has no WebGPU/);
    expect(parseBackendName(' WebGL ', 'test')).toBe('webgl');
    expect(() => configureWasmPaths('https://example.org/wasm')).toThrow(/wasmPaths as a prefix must end with "\/"; received "https:\/\/example.org\/wasm"/);
    expect(() => configureWasmPaths({ 'tfjs-backend-wasm.wasm': 'a.wasm' })).toThrow(/missing tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm/);
    resetBackendChoiceForTests();
    await initBackend({ quiet: true });
  });

  test('nothing requires @tensorflow/tfjs-node: it is an optional peer dependency only', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.dependencies['@tensorflow/tfjs-node']).toBeUndefined();
    expect(pkg.devDependencies['@tensorflow/tfjs-node']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['@tensorflow/tfjs-node']).toEqual({ optional: true });
  });
});

describe('wasm matmul fast paths agree with the cpu backend', () => {
  const cases: [string, () => tf.Tensor][] = [
    ['plain', () => tf.matMul(tf.randomNormal([37, 19], 0, 1, 'float32', 1), tf.randomNormal([19, 23], 0, 1, 'float32', 2))],
    ['transposeA', () => tf.matMul(tf.randomNormal([19, 37], 0, 1, 'float32', 3), tf.randomNormal([19, 23], 0, 1, 'float32', 4), true, false)],
    ['transposeB', () => tf.matMul(tf.randomNormal([37, 19], 0, 1, 'float32', 5), tf.randomNormal([23, 19], 0, 1, 'float32', 6), false, true)],
    ['both transposed', () => tf.matMul(tf.randomNormal([19, 37], 0, 1, 'float32', 7), tf.randomNormal([23, 19], 0, 1, 'float32', 8), true, true)],
    ['batched', () => tf.matMul(tf.randomNormal([4, 7, 5], 0, 1, 'float32', 9), tf.randomNormal([4, 5, 6], 0, 1, 'float32', 10))],
    ['batched, broadcast right operand', () => tf.matMul(tf.randomNormal([4, 7, 5], 0, 1, 'float32', 11), tf.randomNormal([1, 5, 6], 0, 1, 'float32', 12))],
    ['batched, transposed', () => tf.matMul(tf.randomNormal([3, 5, 7], 0, 1, 'float32', 13), tf.randomNormal([3, 6, 5], 0, 1, 'float32', 14), true, true)],
    ['fused, transposeA, bias, relu', () => tf.fused.matMul({ a: tf.randomNormal([19, 37], 0, 1, 'float32', 15), b: tf.randomNormal([19, 23], 0, 1, 'float32', 16), transposeA: true, bias: tf.randomNormal([23], 0, 1, 'float32', 17), activation: 'relu' })],
    ['fused, transposeB, sigmoid', () => tf.fused.matMul({ a: tf.randomNormal([37, 19], 0, 1, 'float32', 18), b: tf.randomNormal([23, 19], 0, 1, 'float32', 19), transposeB: true, activation: 'sigmoid' })],
  ];
  test('every case within 1e-4 of cpu', async () => {
    resetBackendChoiceForTests();
    await initBackend({ backend: 'wasm', quiet: true });
    expect(wasmFastPathsInstalled()).toBe(true);
    const wasm = cases.map(([, f]) => tf.tidy(() => f().arraySync()));
    const before = tf.memory().numTensors;
    cases.forEach(([, f]) => tf.tidy(() => void f()));
    expect(tf.memory().numTensors).toBe(before);
    resetBackendChoiceForTests();
    await initBackend({ backend: 'cpu', quiet: true });
    cases.forEach(([name, f], i) => {
      const ref = (tf.tidy(() => f().arraySync()) as number[]).flat(3) as number[];
      const got = (wasm[i] as number[]).flat(3) as number[];
      expect(got.length, name).toBe(ref.length);
      const worst = Math.max(...got.map((v, k) => Math.abs(v - ref[k])));
      expect(worst, name).toBeLessThan(1e-4);
    });
  });
});

describe('wasm clones and same-dtype casts share memory', () => {
  test('values survive disposing the original, the memory is freed with the last reference', async () => {
    resetBackendChoiceForTests();
    await initBackend({ backend: 'wasm', quiet: true });
    const buffers = () => tf.engine().backend.numDataIds();
    const buffers0 = buffers();
    const x = tf.tensor1d([1, 2, 3, 4]);
    const copy = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    const asInt = tf.cast(x, 'int32');
    expect(buffers() - buffers0).toBe(2); // x and asInt own memory; the others share x's
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(cast.dataSync())).toEqual([1, 2, 3, 4]);
    expect(asInt.dtype).toBe('int32');
    copy.dispose();
    expect(Array.from(cast.dataSync())).toEqual([1, 2, 3, 4]);
    tf.dispose([cast, asInt]);
    expect(buffers()).toBe(buffers0);
    // Gradients through clones and saved tensors are unchanged.
    const v = tf.variable(tf.tensor1d([0.5, -1]));
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.clone(a), tf.exp(a))))(v);
    const expected = [0.5, -1].map((a) => Math.exp(a) * (1 + a));
    Array.from(g.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
    tf.dispose([v, g]);
  });
});
