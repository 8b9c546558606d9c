import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { iaf, maf, realNVP } from '../../src/flows/builders.js';
import { Flow } from '../../src/flows/flow.js';
import { deserializeModule, serializeModule } from '../../src/io/format.js';
import { loadModel, saveModel } from '../../src/node/files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-save-'));

describe('saving and loading', () => {
  for (const [name, build] of [['maf', maf], ['realNVP', realNVP], ['iaf', iaf]] as const) {
    test(`${name}: a reloaded flow gives identical logProb on 1000 points`, async () => {
      const flow = build({ dim: 3, contextDim: 2, seed: 11 });
      const x = tf.randomNormal([1000, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
      const c = tf.randomNormal([1000, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
      const file = path.join(dir, `${name}.json`);
      await saveModel(flow, file, { trainedOn: 'nothing' });
      const { module: loaded, metadata } = await loadModel<Flow>(file);
      expect(loaded).toBeInstanceOf(Flow);
      expect(metadata).toEqual({ trainedOn: 'nothing' });
      expect(Array.from(loaded.logProb(x, c).dataSync())).toEqual(Array.from(flow.logProb(x, c).dataSync()));
      tf.dispose([x, c]);
      flow.dispose();
      loaded.dispose();
    });
  }

  test('in-memory round trip uses the TF.js weights manifest convention', () => {
    const flow = maf({ dim: 2, transforms: 2, hidden: [4], seed: 1 });
    const { json, weights } = serializeModule(flow);
    expect(json.weightsManifest[0].weights.length).toBe(flow.variables().length);
    expect(json.weightsManifest[0].weights[0]).toEqual({ name: expect.any(String), shape: expect.any(Array), dtype: 'float32' });
    const copy = deserializeModule<Flow>(JSON.parse(JSON.stringify(json)), weights);
    expect(copy.parameterCount()).toBe(flow.parameterCount());
    flow.dispose();
    copy.dispose();
  });

  test('other versions, truncated and corrupted files fail with clear errors', async () => {
    const flow = maf({ dim: 2, transforms: 1, hidden: [4], seed: 2 });
    const file = path.join(dir, 'bad.json');
    await saveModel(flow, file);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const weightsFile = path.join(dir, 'bad.weights.bin');
    const weights = readFileSync(weightsFile);

    writeFileSync(file, JSON.stringify({ ...doc, formatVersion: 99 }));
    await expect(loadModel(file)).rejects.toThrow(/unsupported format version 99; this version of flowsbi reads version 1/);

    writeFileSync(file, JSON.stringify(doc).slice(0, 100));
    await expect(loadModel(file)).rejects.toThrow(/is not valid JSON \(truncated or corrupted\?\)/);

    writeFileSync(file, JSON.stringify(doc));
    writeFileSync(weightsFile, weights.subarray(0, weights.length - 8));
    await expect(loadModel(file)).rejects.toThrow(/truncated or belongs to another model/);

    const corrupted = Buffer.from(weights);
    corrupted[5] ^= 0xff;
    writeFileSync(weightsFile, corrupted);
    await expect(loadModel(file)).rejects.toThrow(/weights file is corrupted/);

    await expect(loadModel(path.join(dir, 'missing.json'))).rejects.toThrow(/cannot read .*missing\.json/);
    writeFileSync(file, JSON.stringify({ hello: 1 }));
    await expect(loadModel(file)).rejects.toThrow(/not a flowsbi model/);
    flow.dispose();
  });

  test('the in-memory core has no Node-only imports (it must load in a browser)', () => {
    for (const f of ['src/io/format.ts', 'src/io/registry.ts']) {
      expect(readFileSync(f, 'utf8')).not.toMatch(/from ['"]node:|require\(/);
    }
  });
});
