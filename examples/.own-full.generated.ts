import { ready, GaussianPrior, UniformPrior, ProductPrior, Random, simulatorFromFunction, simulateDataset, trainNPE, expectedCoverage } from '../src/index.js';

await ready();
// theta = (location, log scale): a Gaussian location beside a uniform log scale.
const prior = new ProductPrior([new GaussianPrior([0], [[4]]), new UniformPrior([-1], [1])]);
// One simulation: 10 noisy measurements, drawn from the seed it is given (same seed, same data).
const simulator = simulatorFromFunction((theta, seed) => {
  const random = new Random(seed);
  return Array.from({ length: 10 }, () => theta[0] + Math.exp(theta[1]) * random.normal());
}, { thetaDim: 2, outputDim: 10 });

const simulations = await simulateDataset({ simulator, prior, n: 5000, seed: 1 });
const { posterior } = trainNPE({ simulations, bounds: prior.bounds, seed: 2, maxEpochs: 30 });

const observed = [1.2, 0.8, 1.9, 1.1, 0.4, 1.5, 1.0, 0.7, 1.3, 1.6];
const draws = posterior.sample(observed, 1000, 3); // [1, 1000, 2]: plain arrays in, tensors out
console.log('posterior mean', posterior.mean(observed, 1000, 4).arraySync()[0]);

// Calibration on fresh simulations: expected coverage of highest-density regions.
const check = await simulateDataset({ simulator, prior, n: 200, seed: 5 });
const coverage = expectedCoverage(posterior, { values: check.thetas, width: 2 }, { values: check.xs, width: 10 }, { seed: 6 });
console.log(coverage.hpd.map((h) => `${h.level}: ${h.coverage.toFixed(2)}`).join(', '), draws.shape);
