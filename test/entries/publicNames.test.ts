// Names that left an entry in issue 10, and where they are now: the Ricker model is the plug-in
// `flowsbi/ricker` (the core never imports it), and PNG output and progress bars need Node, so they
// are in `flowsbi/node` (the browser-safe `flowsbi/plot` keeps the specs and SVG rendering).
import { describe, expect, test } from 'vitest';
import * as root from '../../src/index.js';
import * as node from '../../src/node.js';
import * as plot from '../../src/plot/index.js';
import * as ricker from '../../simulators/ricker/index.js';

const RICKER_NAMES = [
  'RICKER_FEATURE_MODES', 'RICKER_NPE_DEFAULTS', 'RICKER_PARAM_NAMES', 'RICKER_PRIOR_HIGH', 'RICKER_PRIOR_LOW', 'RICKER_SUMMARY_COUNT',
  'RICKER_SUMMARY_NAMES', 'Ricker', 'RickerStateSpace', 'logFactorial', 'ricker', 'rickerEmbedding', 'rickerFeatures',
  'rickerObservationFeatures', 'rickerPrior', 'rickerStateSpace', 'rickerSummaries', 'rickerSummary', 'trainRickerNPE',
];
const PNG_NAMES = [
  'createProgress', 'formatFields', 'plotContours', 'plotCoverage', 'plotHeatmap', 'plotImageGrid', 'plotLatentScatter', 'plotPairPlot',
  'plotSbcRanks', 'plotScatterPanels', 'plotTrainingCurves', 'renderVega', 'renderVegaLite', 'svgToPng', 'writePng',
];

describe('public names after the split into entries', () => {
  test('the Ricker names are exported by flowsbi/ricker, not by the core', () => {
    for (const name of RICKER_NAMES) {
      expect(ricker, name).toHaveProperty(name);
      expect(root, name).not.toHaveProperty(name);
    }
  });

  test('PNG output and progress bars are exported by flowsbi/node, the specs still by flowsbi/plot', () => {
    for (const name of PNG_NAMES) {
      expect(node, name).toHaveProperty(name);
      expect(plot, name).not.toHaveProperty(name);
    }
    for (const name of ['pairPlotSpec', 'sbcRanksSpec', 'coverageSpec', 'vegaLiteToSvg', 'makeGrid']) expect(plot, name).toHaveProperty(name);
  });

  test('moved core names are still exported by the root entry', () => {
    for (const name of ['Xoshiro128', 'deriveSeed', 'poisson', 'poissonLogPmf', 'POISSON_MAX_MEAN', 'UniformPrior', 'simulateDataset', 'simulatorFromFunction',
      'loadSimulator', 'trainNPE', 'NPEPosterior', 'PosteriorEnsemble', 'pmmh', 'rhat', 'essBulk', 'summarizeDraws', 'sbc', 'expectedCoverage', 'c2st',
      'posteriorFromDistribution', 'rejectionABC', 'twoMoons', 'serializeModule', 'deserializeModule', 'loadModelFromUrl', 'loadModelFromBytes']) {
      expect(root, name).toHaveProperty(name);
    }
    expect(node.simulateDataset).not.toBe(root.simulateDataset); // the Node entry's uses worker threads
  });
});
