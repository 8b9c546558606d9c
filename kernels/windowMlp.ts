// AssemblyScript source of the fused sliding-window kernel (see src/backend/windowMlpKernel.ts,
// which owns the memory layout and calls these functions). Compiled by `npm run build:kernels`
// into src/backend/windowMlpWasm.ts. Every pointer is a byte offset into the module's memory,
// 16-byte aligned; matrices are row-major float32. The products hold a 4-row x 8-column block of
// the output in eight f32x4 registers (x86 has sixteen), so rows must be a multiple of 4 and
// output columns a multiple of 8; the caller pads rows and inner widths with zeros.

// out = act(a w + bias) (* 1[mask > 0]); a [R, K], w [K, H], bias [H] or 0 for none,
// mask [R, H] or 0 for none, relu 1 clamps at 0. R % 4 == 0, H % 8 == 0.
export function gemm(a: usize, w: usize, bias: usize, mask: usize, out: usize, R: i32, K: i32, H: i32, relu: i32): void {
  const rowA = <usize>K << 2;
  const rowH = <usize>H << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < R; r += 4) {
    const a0 = a + <usize>r * rowA;
    const o0 = out + <usize>r * rowH;
    for (let j = 0; j < H; j += 8) {
      const jo = <usize>j << 2;
      let b0 = zero;
      let b1 = zero;
      if (bias) {
        b0 = v128.load(bias + jo);
        b1 = v128.load(bias + jo, 16);
      }
      let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
      let wp = w + jo;
      let ap = a0;
      for (let k = 0; k < K; k++) {
        const w0 = v128.load(wp);
        const w1 = v128.load(wp, 16);
        let s = f32x4.splat(load<f32>(ap));
        c00 = f32x4.add(c00, f32x4.mul(s, w0));
        c01 = f32x4.add(c01, f32x4.mul(s, w1));
        s = f32x4.splat(load<f32>(ap + rowA));
        c10 = f32x4.add(c10, f32x4.mul(s, w0));
        c11 = f32x4.add(c11, f32x4.mul(s, w1));
        s = f32x4.splat(load<f32>(ap + 2 * rowA));
        c20 = f32x4.add(c20, f32x4.mul(s, w0));
        c21 = f32x4.add(c21, f32x4.mul(s, w1));
        s = f32x4.splat(load<f32>(ap + 3 * rowA));
        c30 = f32x4.add(c30, f32x4.mul(s, w0));
        c31 = f32x4.add(c31, f32x4.mul(s, w1));
        ap += 4;
        wp += rowH;
      }
      if (relu) {
        c00 = f32x4.max(c00, zero); c01 = f32x4.max(c01, zero);
        c10 = f32x4.max(c10, zero); c11 = f32x4.max(c11, zero);
        c20 = f32x4.max(c20, zero); c21 = f32x4.max(c21, zero);
        c30 = f32x4.max(c30, zero); c31 = f32x4.max(c31, zero);
      }
      const op = o0 + jo;
      if (mask) {
        // Keep the product where the mask (a relu output) is positive: dz = dh * relu'(z).
        const mp = mask + <usize>r * rowH + jo;
        c00 = v128.and(c00, f32x4.gt(v128.load(mp), zero));
        c01 = v128.and(c01, f32x4.gt(v128.load(mp, 16), zero));
        c10 = v128.and(c10, f32x4.gt(v128.load(mp + rowH), zero));
        c11 = v128.and(c11, f32x4.gt(v128.load(mp + rowH, 16), zero));
        c20 = v128.and(c20, f32x4.gt(v128.load(mp + 2 * rowH), zero));
        c21 = v128.and(c21, f32x4.gt(v128.load(mp + 2 * rowH, 16), zero));
        c30 = v128.and(c30, f32x4.gt(v128.load(mp + 3 * rowH), zero));
        c31 = v128.and(c31, f32x4.gt(v128.load(mp + 3 * rowH, 16), zero));
      }
      v128.store(op, c00); v128.store(op, c01, 16);
      v128.store(op + rowH, c10); v128.store(op + rowH, c11, 16);
      v128.store(op + 2 * rowH, c20); v128.store(op + 2 * rowH, c21, 16);
      v128.store(op + 3 * rowH, c30); v128.store(op + 3 * rowH, c31, 16);
    }
  }
}

// g = a^T d and colsum = 1^T d; a [R, K], d [R, H], g [K, H], colsum [H]. K % 4 == 0, H % 8 == 0.
// Rows go in chunks of 256 so that a chunk of a and d stays in the L1/L2 cache across the
// (K / 4) (H / 8) register blocks that read it.
export function gemmTransposedA(a: usize, d: usize, g: usize, colsum: usize, R: i32, K: i32, H: i32): void {
  const rowA = <usize>K << 2;
  const rowH = <usize>H << 2;
  memory.fill(g, 0, <usize>K * rowH);
  memory.fill(colsum, 0, rowH);
  for (let r0 = 0; r0 < R; r0 += 256) {
    const r1 = min(R, r0 + 256);
    for (let j = 0; j < H; j += 8) {
      const jo = <usize>j << 2;
      let s0 = v128.load(colsum + jo);
      let s1 = v128.load(colsum + jo, 16);
      let dp = d + <usize>r0 * rowH + jo;
      for (let r = r0; r < r1; r++) {
        s0 = f32x4.add(s0, v128.load(dp));
        s1 = f32x4.add(s1, v128.load(dp, 16));
        dp += rowH;
      }
      v128.store(colsum + jo, s0);
      v128.store(colsum + jo, s1, 16);
    }
    for (let k = 0; k < K; k += 4) {
      for (let j = 0; j < H; j += 8) {
        const jo = <usize>j << 2;
        const gp = g + <usize>k * rowH + jo;
        let c00 = v128.load(gp), c01 = v128.load(gp, 16);
        let c10 = v128.load(gp + rowH), c11 = v128.load(gp + rowH, 16);
        let c20 = v128.load(gp + 2 * rowH), c21 = v128.load(gp + 2 * rowH, 16);
        let c30 = v128.load(gp + 3 * rowH), c31 = v128.load(gp + 3 * rowH, 16);
        let ap = a + <usize>r0 * rowA + (<usize>k << 2);
        let dp = d + <usize>r0 * rowH + jo;
        for (let r = r0; r < r1; r++) {
          const d0 = v128.load(dp);
          const d1 = v128.load(dp, 16);
          let s = f32x4.splat(load<f32>(ap));
          c00 = f32x4.add(c00, f32x4.mul(s, d0));
          c01 = f32x4.add(c01, f32x4.mul(s, d1));
          s = f32x4.splat(load<f32>(ap, 4));
          c10 = f32x4.add(c10, f32x4.mul(s, d0));
          c11 = f32x4.add(c11, f32x4.mul(s, d1));
          s = f32x4.splat(load<f32>(ap, 8));
          c20 = f32x4.add(c20, f32x4.mul(s, d0));
          c21 = f32x4.add(c21, f32x4.mul(s, d1));
          s = f32x4.splat(load<f32>(ap, 12));
          c30 = f32x4.add(c30, f32x4.mul(s, d0));
          c31 = f32x4.add(c31, f32x4.mul(s, d1));
          ap += rowA;
          dp += rowH;
        }
        v128.store(gp, c00); v128.store(gp, c01, 16);
        v128.store(gp + rowH, c10); v128.store(gp + rowH, c11, 16);
        v128.store(gp + 2 * rowH, c20); v128.store(gp + 2 * rowH, c21, 16);
        v128.store(gp + 3 * rowH, c30); v128.store(gp + 3 * rowH, c31, 16);
      }
    }
  }
}

// The windows of every series: x [B, C L] (channel c of series b at columns c L .. c L + L - 1)
// to out [B T, Kp] with T = L - k + 1, row b T + t, column j C + c = x_c(t + j); columns
// k C .. Kp - 1 are zero.
export function unfold(x: usize, out: usize, B: i32, C: i32, L: i32, k: i32, Kp: i32): void {
  const T = L - k + 1;
  let op = out;
  for (let b = 0; b < B; b++) {
    const xb = x + (<usize>(b * C * L) << 2);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < k; j++) {
        for (let c = 0; c < C; c++) {
          store<f32>(op, load<f32>(xb + (<usize>(c * L + t + j) << 2)));
          op += 4;
        }
      }
      for (let z = k * C; z < Kp; z++) {
        store<f32>(op, 0);
        op += 4;
      }
    }
  }
}

// Mean and max over the T windows of each series: h [B T, H] to mean [B, H] and max [B, H]
// (either pointer 0 to skip), argmax [B, H] as i32 (the first window that attains the max).
export function pool(h: usize, mean: usize, max: usize, argmax: usize, B: i32, T: i32, H: i32): void {
  const rowH = <usize>H << 2;
  const scale = f32x4.splat(<f32>1 / <f32>T);
  for (let b = 0; b < B; b++) {
    const hb = h + <usize>(b * T) * rowH;
    for (let j = 0; j < H; j += 4) {
      const jo = <usize>j << 2;
      let s = f32x4.splat(0);
      let m = v128.load(hb + jo);
      let at = i32x4.splat(0);
      let hp = hb + jo;
      for (let t = 0; t < T; t++) {
        const v = v128.load(hp);
        s = f32x4.add(s, v);
        const bigger = f32x4.gt(v, m);
        m = v128.bitselect(v, m, bigger);
        at = v128.bitselect(i32x4.splat(t), at, bigger);
        hp += rowH;
      }
      const o = <usize>b * rowH + jo;
      if (mean) v128.store(mean + o, f32x4.mul(s, scale));
      if (max) {
        v128.store(max + o, m);
        v128.store(argmax + o, at);
      }
    }
  }
}

// The backward of pool followed by relu: out [B T, H] = (dmean / T + 1[t = argmax] dmax) * 1[h > 0]
// (dmean or dmax 0 when that pooling is off).
export function poolBackward(dmean: usize, dmax: usize, argmax: usize, h: usize, out: usize, B: i32, T: i32, H: i32): void {
  const rowH = <usize>H << 2;
  const scale = f32x4.splat(<f32>1 / <f32>T);
  const zero = f32x4.splat(0);
  for (let b = 0; b < B; b++) {
    const base = <usize>(b * T) * rowH;
    for (let j = 0; j < H; j += 4) {
      const o = <usize>b * rowH + (<usize>j << 2);
      const gm = dmean ? f32x4.mul(v128.load(dmean + o), scale) : zero;
      const gx = dmax ? v128.load(dmax + o) : zero;
      const at = dmax ? v128.load(argmax + o) : i32x4.splat(-1);
      let p = base + (<usize>j << 2);
      for (let t = 0; t < T; t++) {
        let g = f32x4.add(gm, v128.and(gx, i32x4.eq(at, i32x4.splat(t))));
        g = v128.and(g, f32x4.gt(v128.load(h + p), zero));
        v128.store(out + p, g);
        p += rowH;
      }
    }
  }
}
