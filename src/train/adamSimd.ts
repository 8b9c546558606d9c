/**
 * Adam's elementwise update as a tiny hand-written WebAssembly SIMD function (4 float32 lanes):
 *
 *   m ← β1 m + a1 g,   v ← β2 v + a2 g²,   out = θ - s m / (sqrt(v) rc2 + ε)
 *
 * (a1 = (1-β1) c, a2 = (1-β2) c² with the clipping scale c; s and rc2 the bias corrections).
 * The JavaScript loop it replaces ran at about 10 ns per parameter (sqrt and division in double
 * precision, not vectorised): 4-8 ms of a VAE step with 436 000 parameters. The moments live in
 * this module's own memory; θ and g are copied in and the result out (memcpy speed), and the
 * gradients' sum of squares for clipping is taken there too (`load`). Arithmetic is
 * float32 throughout (the JavaScript loop rounds m and v to float32 too, but forms the step in
 * double): results agree to float32 rounding. Where WebAssembly SIMD is missing, `create` returns
 * null and Adam keeps its JavaScript loop.
 */

/** The module, encoded by hand (see the comment of `body` for the function). */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const SIMD = 0xfd;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const load = [SIMD, 0x00, 0x04, 0x00]; // v128.load align=16 offset=0
  const store = [SIMD, 0x0b, 0x04, 0x00]; // v128.store
  const splat = [SIMD, 0x13]; // f32x4.splat
  const [sqrt, add, sub, mul, div] = [0xe3, 0xe4, 0xe5, 0xe6, 0xe7].map((op) => [SIMD, op, 0x01]);
  const at = (base: number) => [...get(base), ...get(13), 0x6a]; // base + i
  // Params: 0 θ, 1 g, 2 m, 3 v, 4 out (byte offsets), 5 n (bytes, a multiple of 16),
  // 6 β1, 7 a1, 8 β2, 9 a2, 10 s, 11 rc2, 12 ε (f32). Locals: 13 i; 14 g, 15 m, 16 v; 17-23 splats of 6-12.
  const body = [
    0x02, 0x01, 0x7f, 0x0a, 0x7b, // locals: 1 i32, 10 v128
    ...[6, 7, 8, 9, 10, 11, 12].flatMap((p) => [...get(p), ...splat, ...set(p + 11)]),
    0x41, 0x00, ...set(13),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(13), ...get(5), 0x49, 0x45, 0x0d, 0x01, // if !(i < n) break
    ...at(1), ...load, ...set(14),
    ...at(2), ...load, ...get(17), ...mul, ...get(18), ...get(14), ...mul, ...add, ...set(15),
    ...at(3), ...load, ...get(19), ...mul, ...get(20), ...get(14), ...mul, ...get(14), ...mul, ...add, ...set(16),
    ...at(2), ...get(15), ...store,
    ...at(3), ...get(16), ...store,
    ...at(4), ...at(0), ...load, ...get(21), ...get(15), ...mul, ...get(16), ...sqrt, ...get(22), ...mul, ...get(23), ...add, ...div, ...sub, ...store,
    ...get(13), 0x41, 0x10, 0x6a, ...set(13),
    0x0c, 0x00, 0x0b, 0x0b, // br loop; end loop; end block
    0x0b, // end function
  ];
  // sumsq(p, n): the sum of squares of the float32 values at byte offset p (n bytes, a multiple
  // of 16), accumulated in float64 (two lanes). Locals: 2 i, 3 acc, 4 x, 5 two values as f64.
  const promote = [SIMD, 0x5f]; // f64x2.promote_low_f32x4
  const [addF64, mulF64] = [0xf0, 0xf2].map((op) => [SIMD, op, 0x01]);
  const highToLow = [SIMD, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]; // i8x16.shuffle
  const accumulate = [...set(5), ...get(3), ...get(5), ...get(5), ...mulF64, ...addF64, ...set(3)];
  const sumsq = [
    0x02, 0x01, 0x7f, 0x03, 0x7b, // locals: 1 i32, 3 v128 (zero-initialised)
    0x02, 0x40, 0x03, 0x40,
    ...get(2), ...get(1), 0x49, 0x45, 0x0d, 0x01,
    ...get(0), ...get(2), 0x6a, ...load, ...set(4),
    ...get(4), ...promote, ...accumulate,
    ...get(4), ...get(4), ...highToLow, ...promote, ...accumulate,
    ...get(2), 0x41, 0x10, 0x6a, ...set(2),
    0x0c, 0x00, 0x0b, 0x0b,
    ...get(3), SIMD, 0x21, 0x00, ...get(3), SIMD, 0x21, 0x01, 0xa0, // lane 0 + lane 1
    0x0b,
  ];
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x02, 0x60, 13, ...new Array(6).fill(0x7f), ...new Array(7).fill(0x7d), 0x00, 0x60, 2, 0x7f, 0x7f, 1, 0x7c]),
    ...section(3, [0x02, 0x00, 0x01]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [0x03, ...name('adam'), 0x00, 0x00, ...name('sumsq'), 0x00, 0x01, ...name('memory'), 0x02, 0x00]),
    ...section(10, [0x02, ...leb(body.length), ...body, ...leb(sumsq.length), ...sumsq]),
  ];
  return new Uint8Array(bytes);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

let compiled: WebAssembly.Module | null | undefined;

function compile(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = moduleBytes();
    compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

type AdamFn = (theta: number, g: number, m: number, v: number, out: number, n: number, b1: number, a1: number, b2: number, a2: number, s: number, rc2: number, eps: number) => void;

/** The coefficients of one update (see the file comment). */
export interface AdamCoefficients {
  b1: number;
  a1: number;
  b2: number;
  a2: number;
  stepSize: number;
  rc2: number;
  eps: number;
}

/** Adam moments of a set of parameter arrays in WebAssembly memory, updated with SIMD. */
export class SimdAdam {
  private readonly memory: WebAssembly.Memory;
  private readonly adam: AdamFn;
  private readonly sumsq: (p: number, n: number) => number;
  /** Per slot: byte offsets of θ, g, m, v, out (each `bytes` long) and the length. */
  private readonly slots: { base: number; bytes: number; length: number }[] = [];
  private top = 0;

  private constructor(instance: WebAssembly.Instance) {
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.adam = instance.exports.adam as AdamFn;
    this.sumsq = instance.exports.sumsq as (p: number, n: number) => number;
  }

  /** A new optimiser state, or null where WebAssembly SIMD is not available. */
  static create(): SimdAdam | null {
    const module = compile();
    return module ? new SimdAdam(new WebAssembly.Instance(module)) : null;
  }

  /** Reserve zeroed moments for a parameter array of `length` values; returns its slot. */
  addSlot(length: number): number {
    const bytes = Math.ceil(length / 4) * 16;
    const base = this.top;
    this.top += 5 * bytes;
    const needed = Math.ceil(this.top / 65536) - this.memory.buffer.byteLength / 65536;
    if (needed > 0) this.memory.grow(needed);
    this.slots.push({ base, bytes, length });
    return this.slots.length - 1;
  }

  /** Copy a gradient into slot `slot` (before {@link update}); returns its sum of squares (float64 accumulation). */
  load(slot: number, g: Float32Array): number {
    const { base, bytes, length } = this.slots[slot];
    new Float32Array(this.memory.buffer, base + bytes, length).set(g);
    return this.sumsq(base + bytes, bytes);
  }

  /** One update of slot `slot` from θ and the loaded gradient; returns the new values (a view, valid until the next call). */
  update(slot: number, theta: Float32Array, c: AdamCoefficients): Float32Array {
    const { base, bytes, length } = this.slots[slot];
    new Float32Array(this.memory.buffer, base, length).set(theta);
    this.adam(base, base + bytes, base + 2 * bytes, base + 3 * bytes, base + 4 * bytes, bytes, c.b1, c.a1, c.b2, c.a2, c.stepSize, c.rc2, c.eps);
    return new Float32Array(this.memory.buffer, base + 4 * bytes, length);
  }
}
