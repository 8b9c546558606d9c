/**
 * Small canvas plots for the pages: axes that map data to pixels, points, lines, bands, a heat
 * map and histograms. Plain 2-D canvas, no library: the pages draw many frames while training.
 */

export type Range = [number, number];

/** A plotting area on a canvas with data ranges, ticks and optional titles. */
export class Axes {
  readonly ctx: CanvasRenderingContext2D;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;

  constructor(
    readonly canvas: HTMLCanvasElement,
    public x: Range,
    public y: Range,
    margin: { left?: number; right?: number; top?: number; bottom?: number } = {},
    box?: { left: number; top: number; width: number; height: number },
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('Axes: the canvas has no 2-D context');
    this.ctx = ctx;
    const outer = box ?? { left: 0, top: 0, width: canvas.width, height: canvas.height };
    const m = { left: 36, right: 8, top: 8, bottom: 22, ...margin };
    this.left = outer.left + m.left;
    this.top = outer.top + m.top;
    this.width = outer.width - m.left - m.right;
    this.height = outer.height - m.top - m.bottom;
  }

  px(v: number): number {
    return this.left + ((v - this.x[0]) / (this.x[1] - this.x[0])) * this.width;
  }

  py(v: number): number {
    return this.top + this.height - ((v - this.y[0]) / (this.y[1] - this.y[0])) * this.height;
  }

  /** Data coordinates of a pixel position (for clicks). */
  toData(px: number, py: number): [number, number] {
    return [this.x[0] + ((px - this.left) / this.width) * (this.x[1] - this.x[0]), this.y[0] + ((this.top + this.height - py) / this.height) * (this.y[1] - this.y[0])];
  }

  /** Clear the whole plotting area (or the canvas) and draw the frame with ticks. */
  frame(options: { xLabel?: string; yLabel?: string; yTicks?: boolean; clearCanvas?: boolean; background?: string } = {}): void {
    const c = this.ctx;
    if (options.clearCanvas !== false) c.clearRect(this.left - 40, this.top - 10, this.width + 50, this.height + 36);
    c.fillStyle = options.background ?? '#fff';
    c.fillRect(this.left, this.top, this.width, this.height);
    c.strokeStyle = '#888';
    c.lineWidth = 1;
    c.strokeRect(this.left + 0.5, this.top + 0.5, this.width, this.height);
    c.fillStyle = '#333';
    c.font = '10px sans-serif';
    c.textAlign = 'center';
    for (const t of ticks(this.x)) c.fillText(formatTick(t), this.px(t), this.top + this.height + 11);
    c.textAlign = 'right';
    if (options.yTicks !== false) for (const t of ticks(this.y)) c.fillText(formatTick(t), this.left - 3, this.py(t) + 3);
    if (options.xLabel) {
      c.textAlign = 'center';
      c.fillText(options.xLabel, this.left + this.width / 2, this.top + this.height + 23);
    }
    if (options.yLabel) {
      c.save();
      c.translate(this.left - 28, this.top + this.height / 2);
      c.rotate(-Math.PI / 2);
      c.textAlign = 'center';
      c.fillText(options.yLabel, 0, 0);
      c.restore();
    }
  }

  points(xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, radius = 1.5): void {
    const c = this.ctx;
    c.fillStyle = color;
    for (let i = 0; i < xs.length; i++) {
      const [px, py] = [this.px(xs[i]), this.py(ys[i])];
      if (px < this.left || px > this.left + this.width || py < this.top || py > this.top + this.height) continue;
      c.fillRect(px - radius, py - radius, 2 * radius, 2 * radius);
    }
  }

  line(xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, width = 1.5): void {
    const c = this.ctx;
    c.strokeStyle = color;
    c.lineWidth = width;
    c.beginPath();
    for (let i = 0; i < xs.length; i++) (i === 0 ? c.moveTo : c.lineTo).call(c, this.px(xs[i]), this.py(ys[i]));
    c.stroke();
  }

  band(xs: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, color: string): void {
    const c = this.ctx;
    c.fillStyle = color;
    c.beginPath();
    for (let i = 0; i < xs.length; i++) (i === 0 ? c.moveTo : c.lineTo).call(c, this.px(xs[i]), this.py(hi[i]));
    for (let i = xs.length - 1; i >= 0; i--) c.lineTo(this.px(xs[i]), this.py(lo[i]));
    c.closePath();
    c.fill();
  }

  vertical(x: number, color: string, width = 1.5): void {
    this.ctx.strokeStyle = color;
    this.ctx.lineWidth = width;
    this.ctx.beginPath();
    this.ctx.moveTo(this.px(x), this.top);
    this.ctx.lineTo(this.px(x), this.top + this.height);
    this.ctx.stroke();
  }

  marker(x: number, y: number, color: string, size = 6): void {
    const c = this.ctx;
    c.strokeStyle = color;
    c.lineWidth = 2;
    c.beginPath();
    c.moveTo(this.px(x) - size, this.py(y));
    c.lineTo(this.px(x) + size, this.py(y));
    c.moveTo(this.px(x), this.py(y) - size);
    c.lineTo(this.px(x), this.py(y) + size);
    c.stroke();
  }

  /** Bars of a histogram of values over the x range (y is rescaled to the tallest bar). */
  histogram(values: ArrayLike<number>, bins: number, color: string): void {
    const counts = new Array(bins).fill(0);
    const [a, b] = this.x;
    for (let i = 0; i < values.length; i++) {
      const k = Math.floor(((values[i] - a) / (b - a)) * bins);
      if (k >= 0 && k < bins) counts[k] += 1;
    }
    const top = Math.max(1, ...counts);
    this.y = [0, top * 1.05];
    this.ctx.fillStyle = color;
    counts.forEach((n, k) => {
      const x0 = this.px(a + ((b - a) * k) / bins);
      const x1 = this.px(a + ((b - a) * (k + 1)) / bins);
      this.ctx.fillRect(x0, this.py(n), Math.max(1, x1 - x0 - 0.5), this.py(0) - this.py(n));
    });
  }

  /** A heat map of values on a grid of `cols` × `rows` cells covering the axes (row 0 at the top). */
  heatmap(values: ArrayLike<number>, cols: number, rows: number): void {
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
    const image = this.ctx.createImageData(cols, rows);
    for (let i = 0; i < cols * rows; i++) {
      const [r, g, b] = viridis(max > 0 ? values[i] / max : 0);
      image.data.set([r, g, b, 255], 4 * i);
    }
    // Scale the small image up onto the plotting area.
    const buffer = document.createElement('canvas');
    buffer.width = cols;
    buffer.height = rows;
    buffer.getContext('2d')!.putImageData(image, 0, 0);
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(buffer, this.left, this.top, this.width, this.height);
  }
}

/** About five round tick values inside the range. */
export function ticks([a, b]: Range, count = 5): number[] {
  const span = b - a;
  if (!(span > 0)) return [a];
  const raw = span / count;
  const step = [1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(a / step) * step; t <= b + 1e-9 * span; t += step) out.push(Math.abs(t) < 1e-12 * span ? 0 : t);
  return out;
}

function formatTick(t: number): string {
  return Math.abs(t) >= 1e4 ? t.toExponential(0) : String(Number(t.toPrecision(3)));
}

/** Viridis colour map (a 5-stop approximation), t in [0, 1]. */
export function viridis(t: number): [number, number, number] {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))) as [number, number, number];
}

/** Ten distinguishable colours (Tableau 10), e.g. for digit classes. */
export const CATEGORY_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
