/**
 * Training curves: several named series of (epoch, value), e.g. train and validation loss, with
 * an optional marker at the best epoch and a log or symlog value axis.
 */
import type { TopLevelSpec } from 'vega-lite';
import { assertArray, assertNumber } from './check.js';
import { MARKER_COLOR, PALETTE, vlSpec } from './theme.js';

/** One curve. Non-finite values (e.g. validation only every k epochs, NaN) are left out. */
export interface CurveSeries {
  name: string;
  values: ArrayLike<number>;
  /** Epoch of each value (default 1, 2, ..., n). */
  epochs?: ArrayLike<number>;
}

/** Options of {@link trainingCurvesSpec}. */
export interface TrainingCurvesOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Value axis: 'linear' (default), 'log' (all values must be > 0) or 'symlog' (any sign). */
  yScale?: 'linear' | 'log' | 'symlog';
  /** Draws a dashed rule and a point on each curve at this epoch, labelled "best epoch". */
  bestEpoch?: number;
  /** Plot size in pixels (default 420 × 260). */
  width?: number;
  height?: number;
}

/** Vega-Lite spec of training curves (browser-safe; see {@link plotTrainingCurves}). */
export function trainingCurvesSpec(series: CurveSeries[], options: TrainingCurvesOptions = {}): TopLevelSpec {
  const fn = 'trainingCurvesSpec';
  if (!Array.isArray(series) || series.length === 0) throw new Error(`${fn}: series must be a non-empty array of { name, values }`);
  const yScale = options.yScale ?? 'linear';
  if (!['linear', 'log', 'symlog'].includes(yScale)) throw new Error(`${fn}: yScale must be 'linear', 'log' or 'symlog'; received ${String(yScale)}`);
  const names = series.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new Error(`${fn}: series names must be distinct; received [${names.join(', ')}]`);
  const rows: { series: string; epoch: number; value: number }[] = [];
  let longest = 0;
  series.forEach((s, k) => {
    const values = assertArray(fn, `series[${k}].values`, s.values);
    const epochs = s.epochs === undefined ? undefined : assertArray(fn, `series[${k}].epochs`, s.epochs);
    if (epochs && epochs.length !== values.length) {
      throw new Error(`${fn}: series[${k}] ("${s.name}") has ${values.length} values but ${epochs.length} epochs`);
    }
    longest = Math.max(longest, values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const epoch = epochs ? epochs[i] : i + 1;
      if (!Number.isFinite(value) || !Number.isFinite(epoch)) continue;
      if (yScale === 'log' && value <= 0) {
        throw new Error(`${fn}: yScale 'log' needs values > 0; series "${s.name}" has ${value} at epoch ${epoch} (use yScale 'symlog' for losses that can be negative)`);
      }
      rows.push({ series: s.name, epoch, value });
    }
  });
  const colorScale = { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) };
  const x = { field: 'epoch', type: 'quantitative', title: options.xTitle ?? 'epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1 } } as const;
  const yScaleSpec = yScale === 'log' ? { type: 'log', nice: false } : { type: yScale, zero: false };
  const y = { field: 'value', type: 'quantitative', title: options.yTitle ?? 'loss', scale: yScaleSpec } as const;
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: 'line', strokeWidth: 2, point: longest <= 40 ? { size: 25 } : false },
      encoding: { x, y, color: { field: 'series', type: 'nominal', title: null, scale: colorScale, sort: names, legend: { symbolType: 'stroke', symbolStrokeWidth: 3 } } },
    },
  ];
  if (options.bestEpoch !== undefined) {
    const best = assertNumber(fn, 'bestEpoch', options.bestEpoch, -1e12, 1e12);
    const epochs = rows.map((r) => r.epoch);
    const rightHalf = best > (Math.min(...epochs) + Math.max(...epochs)) / 2;
    const one = { values: [{}] }; // rule and label are drawn once, not once per data row
    layer.push(
      { data: one, mark: { type: 'rule', strokeDash: [5, 4], color: MARKER_COLOR, opacity: 0.7 }, encoding: { x: { datum: best, type: 'quantitative' } } },
      {
        transform: [{ filter: `datum.epoch === ${best}` }],
        mark: { type: 'point', filled: true, size: 80, stroke: MARKER_COLOR, strokeWidth: 1 },
        encoding: { x, y, color: { field: 'series', type: 'nominal', scale: colorScale } },
      },
      {
        data: one,
        mark: { type: 'text', align: rightHalf ? 'right' : 'left', baseline: 'top', dx: rightHalf ? -4 : 4, dy: 4, color: MARKER_COLOR, fontSize: 11 },
        encoding: { x: { datum: best, type: 'quantitative' }, y: { value: 0 }, text: { value: `best epoch ${best}` } },
      },
    );
  }
  return vlSpec({
    ...(options.title ? { title: options.title } : {}),
    width: assertNumber(fn, 'width', options.width ?? 420, 50, 4000),
    height: assertNumber(fn, 'height', options.height ?? 260, 50, 4000),
    data: { values: rows },
    layer,
  });
}
