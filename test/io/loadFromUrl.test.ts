// loadModelFromUrl fetches the JSON, then the weights file its manifest names beside it (served
// here by a local HTTP server from the folder saveModel wrote); loadModelFromBytes takes both parts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { maf } from '../../src/flows/builders.js';
import { Flow } from '../../src/flows/flow.js';
import { saveModel } from '../../src/node/files.js';
import { loadModelFromBytes, loadModelFromUrl } from '../../src/io/load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowsbi-url-'));
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    try {
      const body = readFileSync(path.join(dir, path.basename(req.url ?? '')));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404, 'Not Found').end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}/models/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('loading without files', () => {
  test('loadModelFromUrl and loadModelFromBytes give the saved flow', async () => {
    const flow = maf({ dim: 2, contextDim: 1, transforms: 2, hidden: [8], seed: 5 });
    await saveModel(flow, path.join(dir, 'flow.json'), { note: 'url' });
    const x = tf.tensor2d([[0.3, -1], [2, 0.5]]);
    const c = tf.tensor2d([[1], [-0.5]]);
    const expected = Array.from(flow.logProb(x, c).dataSync());

    const fromUrl = await loadModelFromUrl<Flow>('flow.json', { base });
    expect(fromUrl.module).toBeInstanceOf(Flow);
    expect(fromUrl.metadata).toEqual({ note: 'url' });
    expect(Array.from(fromUrl.module.logProb(x, c).dataSync())).toEqual(expected);

    const bytes = loadModelFromBytes<Flow>(readFileSync(path.join(dir, 'flow.json')), readFileSync(path.join(dir, 'flow.weights.bin')));
    expect(Array.from(bytes.module.logProb(x, c).dataSync())).toEqual(expected);
    tf.dispose([x, c]);
    [flow, fromUrl.module, bytes.module].forEach((m) => m.dispose());
  });

  test('a missing file names the URL and the HTTP status', async () => {
    await expect(loadModelFromUrl('missing.json', { base })).rejects.toThrow(/loadModelFromUrl: cannot fetch the model JSON http:\/\/127\.0\.0\.1:\d+\/models\/missing\.json: HTTP 404/);
  });

  test('damaged bytes are reported', () => {
    expect(() => loadModelFromBytes('{"format": "flowsbi-model"', new Uint8Array(0))).toThrow(/loadModelFromBytes: the model JSON is not valid JSON/);
  });
});
