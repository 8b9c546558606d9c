import type { BijectorCase } from './types.js';
import { coreCases } from './core.js';
import { elementwiseCases } from './elementwise.js';
import { linearCases } from './linear.js';
import { planarRadialCases } from './planarRadial.js';
import { splineCases } from './splines.js';

/** Every bijector case; the property suites run all of them. */
export const catalog: BijectorCase[] = [...coreCases, ...elementwiseCases, ...linearCases, ...planarRadialCases, ...splineCases];
