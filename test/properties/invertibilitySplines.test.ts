// Properties 1-4 of test/properties/invertibility.ts on the spline bijectors of the catalog (the catalog
// is split over two files so that the two test workers share the work).
import { describe, test } from 'vitest';
import { catalog } from '../catalog/index.js';
import { splineCases } from '../catalog/splines.js';
import type { BijectorCase } from '../catalog/types.js';
import { assertProperty, drawArbitrary } from '../helpers/harness.js';
import { checkInvertibility, RUNS } from './invertibility.js';

const isSpline = (c: BijectorCase) => splineCases.includes(c);

describe('round trips, log-det symmetry, log-det against an independent Jacobian, structure', () => {
  for (const c of catalog.filter((c) => isSpline(c))) {
    test(c.name, () => assertProperty(drawArbitrary(c), (d) => checkInvertibility(c, d), RUNS));
  }
});
