/**
 * Calibration figures for amortized posteriors: SBC rank histograms ({@link plotSbcRanks}, in
 * sbcRanks.ts) and expected-coverage curves ({@link plotCoverage}, in coverage.ts).
 */
export * from './sbcRanks.js';
export * from './coverage.js';
