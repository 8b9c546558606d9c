import { registerModule, type ModuleConfig } from '../../io/registry.js';
import { Box } from './box.js';

/**
 * The logistic sigmoid y = 1 / (1 + e^{-x}), mapping R^d onto (0, 1)^d:
 * log|det J| = sum_i [log sigmoid(x_i) + log sigmoid(-x_i)] (forward), and the inverse
 * x = logit(y) = log y - log(1 - y) has log|dx/dy| = -sum_i [log y_i + log(1 - y_i)].
 * Both sides are computed from the nearer bound, so 1 - y keeps its precision; where float32
 * cannot tell sigmoid(x) from 0 or 1 (|x| beyond about 17 near 1, 87 near 0) the output is the
 * nearest float32 inside (0, 1). Domain rule: `inverse` takes inputs in (0, 1) only; while
 * validation is on, other inputs raise an error naming Sigmoid.inverse, the interval and the
 * values received. It is `Box` with the bounds (0, 1); `Logit` is the same map the other way round.
 */
export class Sigmoid extends Box {
  constructor() {
    super({ low: 0, high: 1 });
  }

  override toConfig(): ModuleConfig {
    return { type: 'Sigmoid' };
  }
}

registerModule('Sigmoid', () => new Sigmoid());
