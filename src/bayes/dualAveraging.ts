/**
 * Dual averaging of a step size toward a target acceptance statistic (Nesterov 2009, as adapted
 * by M. D. Hoffman & A. Gelman, "The No-U-Turn Sampler", JMLR 15, 2014, algorithm 5, with Stan's
 * constants gamma = 0.05, t0 = 10, kappa = 0.75):
 *   s_bar <- (1 - 1/(t + t0)) s_bar + (delta - a_t)/(t + t0),
 *   log eps_t = mu - sqrt(t)/gamma s_bar,   log eps_bar <- t^-kappa log eps_t + (1 - t^-kappa) log eps_bar,
 * with mu = log(10 eps_0) (Stan's bias toward larger steps, which are cheaper; a random-walk scale
 * uses mu = log eps_0). During warm-up the sampler uses eps_t; afterwards eps_bar.
 */
export class DualAveraging {
  private counter = 0;
  private sBar = 0;
  private xBar = 0;
  private mu = 0;
  /** The step size to use during adaptation. */
  stepSize: number;

  constructor(
    initialStepSize: number,
    readonly target: number,
    private readonly muFactor = 10,
    private readonly gamma = 0.05,
    private readonly t0 = 10,
    private readonly kappa = 0.75,
  ) {
    this.stepSize = initialStepSize;
    this.restart(initialStepSize);
  }

  /** Start again from a new initial step size (after the mass matrix changes). */
  restart(initialStepSize: number): void {
    this.counter = 0;
    this.sBar = 0;
    this.xBar = 0;
    this.mu = Math.log(this.muFactor * initialStepSize);
    this.stepSize = initialStepSize;
  }

  /** Update with one transition's acceptance statistic (clipped to [0, 1]; NaN counts as 0). */
  update(acceptStat: number): void {
    const a = Number.isFinite(acceptStat) ? Math.min(1, Math.max(0, acceptStat)) : 0;
    this.counter += 1;
    const eta = 1 / (this.counter + this.t0);
    this.sBar = (1 - eta) * this.sBar + eta * (this.target - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.counter)) / this.gamma;
    const w = this.counter ** -this.kappa;
    this.xBar = w * x + (1 - w) * this.xBar;
    this.stepSize = Math.exp(x);
  }

  /** The averaged step size, used after warm-up. */
  get finalStepSize(): number {
    return this.counter > 0 ? Math.exp(this.xBar) : this.stepSize;
  }
}
