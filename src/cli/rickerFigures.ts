/** The Ricker pipeline's figures: pair plot, training curves, SBC ranks and expected coverage. */
import { RICKER_PARAM_NAMES } from '../../simulators/ricker/ricker.js';
import type { CoverageCurve } from '../plot/index.js';
import { plotCoverage, plotPairPlot, plotSbcRanks, plotTrainingCurves } from '../node/png.js';
import type { FitResult } from '../train/fit.js';
import type { StagedOutput } from './outputs.js';

const LABELS = ['log r', 'σ', 'φ'];

function rows(flat: Float64Array, d = RICKER_PARAM_NAMES.length): number[][] {
  return Array.from({ length: flat.length / d }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));
}

export interface RickerFigureInputs {
  samples: Float64Array;
  samplesLabel: string;
  abcSamples: Float64Array | null;
  trueTheta: number[] | null;
  /** Training histories, one per ensemble member (empty: no training curves). */
  histories: FitResult[];
  calibration: { ranks: number[][]; numPosteriorSamples: number; coverageCurves: CoverageCurve[]; n: number } | null;
}

/**
 * Write the pipeline's figures into the staging folder: the pair plot (with ABC and true values
 * when given), training curves, SBC rank histograms and expected coverage (when calibrated).
 */
export async function writeRickerFigures(out: StagedOutput, f: RickerFigureInputs): Promise<void> {
  const sets = [{ name: f.samplesLabel, samples: rows(f.samples) }];
  if (f.abcSamples) sets.push({ name: `rejection ABC (${f.abcSamples.length / RICKER_PARAM_NAMES.length} nearest)`, samples: rows(f.abcSamples) });
  await out.write(
    'pair_plot.png',
    await plotPairPlot(sets, {
      title: 'Ricker posterior',
      names: LABELS,
      ...(f.trueTheta ? { truth: f.trueTheta, truthLabel: 'true parameters' } : {}),
    }),
  );
  if (f.histories.length > 0) {
    const many = f.histories.length > 1;
    await out.write(
      'training_curves.png',
      await plotTrainingCurves(
        f.histories.flatMap((h, k) => [
          { name: many ? `posterior ${k + 1}, training` : 'training', values: h.trainLoss },
          { name: many ? `posterior ${k + 1}, validation` : 'validation', values: h.validationLoss },
        ]),
        {
          title: many ? `NPE training of ${f.histories.length} ensemble members: -log q(θ | x) per epoch` : 'NPE training: -log q(θ | x) per epoch',
          yTitle: 'negative log-likelihood (nats)',
          ...(many ? {} : { bestEpoch: f.histories[0].bestEpoch }),
        },
      ),
    );
  }
  if (f.calibration) {
    const c = f.calibration;
    await out.write(
      'sbc_ranks.png',
      await plotSbcRanks(c.ranks, c.numPosteriorSamples, { title: `Simulation-based calibration (${c.n} simulations)`, names: [...RICKER_PARAM_NAMES] }),
    );
    await out.write(
      'coverage.png',
      await plotCoverage(c.coverageCurves, { title: `Expected coverage (${c.n} simulations)`, numSimulations: c.n }),
    );
  }
}
