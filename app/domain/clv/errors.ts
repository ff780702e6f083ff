/**
 * One typed error for everything the CLV models refuse to do, so callers (pages, jobs) can show the
 * message and branch on `code` instead of parsing text.
 */
export type ModelFitErrorCode =
  | "empty-input" // no customers (or no usable customers) to fit on
  | "invalid-input" // a row is not a valid (x, t_x, T) / (x, m) summary
  | "no-repeat-purchases" // every customer has x = 0: the repeat process is not identified
  | "non-positive-spend" // Gamma-Gamma was given a mean spend <= 0 (split those customers off first)
  | "no-finite-likelihood" // the likelihood is not finite anywhere the optimiser looked
  | "infinite-mean" // the fitted spend distribution has no finite mean (q <= 1)
  | "no-covariance" // the fit has no parameter covariance (degenerate Hessian): no interval possible
  | "not-identified"; // the fit ran to a boundary: the data do not pin the parameters down, so no forecast

export class ModelFitError extends Error {
  constructor(
    readonly code: ModelFitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ModelFitError";
  }
}
