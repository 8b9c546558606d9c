import type { BijectorCase } from './types.js';
import { coreCases } from './core.js';

/** Every bijector case; the property suites run all of them. */
export const catalog: BijectorCase[] = [...coreCases];
