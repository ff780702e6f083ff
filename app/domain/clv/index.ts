/**
 * Public API of the CLV models: summaries → BG/NBD (how many orders) × Gamma-Gamma (margin per
 * order) → discounted CLV, with non-positive-margin customers as their own group and intervals for
 * aggregates. See each module's header for the rules it implements.
 */
export { ModelFitError, type ModelFitErrorCode } from "./errors";
export {
  dayNumberFunction,
  dayNumberOf,
  dayString,
  summarizeTransactions,
  type CustomerSummary,
  type HoldoutSummary,
  type SummaryOptions,
  type TimeUnit,
  type Transaction,
} from "./summary";
export type { RfmRow } from "./rows";
export type { FitDiagnostics, FitOptions } from "./fitting";
export {
  BGNBD_PARAM_NAMES,
  bgnbdLogLikelihood,
  conditionalExpectedPurchases,
  conditionalExpectedPurchasesAt,
  expectedPurchasesIfAlive,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
  probabilityOfPurchases,
  type BgNbdFit,
  type BgNbdFitOptions,
  type BgNbdParams,
} from "./bgnbd";
export {
  GAMMA_GAMMA_PARAM_NAMES,
  conditionalExpectedAverageSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  populationMeanSpend,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type GammaGammaParams,
  type SpendRow,
} from "./gamma-gamma";
export {
  aggregateClvInterval,
  customerLifetimeValue,
  discountedPurchases,
  discountedPurchasesIfAlive,
  discountedValue,
  unitsPerMonth,
  type AggregateInterval,
  type AggregateIntervalOptions,
  type ClvCustomer,
  type ClvOptions,
  type FittedParams,
} from "./clv";
export {
  expectedMarginPerOrder,
  marginGroupOf,
  splitByMargin,
  valueCustomers,
  type CustomerValue,
  type MarginCustomer,
  type MarginGroup,
  type MarginSplit,
  type PortfolioValue,
} from "./margin";
export { purchasesFromEvents, type MarginMetric } from "./transactions";
export { backtest, pearson, type BacktestOptions, type BacktestResult, type Comparison, type FrequencyGroup } from "./backtest";
export { hyp2f1 } from "./hypergeometric";
export { createRng, type Rng } from "./random";
export { simulateCustomers, type SimulatedCustomer, type SimulationOptions } from "./simulate";
export {
  NORMAL_QUANTILES,
  prepareProjection,
  projectGroups,
  projectIndexedGroups,
  type GroupedCustomer,
  type PreparedProjection,
  type GroupMemberships,
  type PortfolioCustomer,
  type GroupProjection,
  type ProjectionOptions,
  type ProjectionPoint,
  type ProjectionResult,
} from "./projection";
export {
  fitShopModel,
  prepareCohortProjection,
  projectCohorts,
  shopModelFrom,
  type CohortProjection,
  type CohortProjectionInput,
  type CohortProjectionOptions,
  type CohortProjections,
  type FittedModel,
  type ProjectedCell,
  type SegmentProjection,
  type SegmentRows,
  type SegmentRowsByHistory,
  type ShopModelFit,
  type ShopModelParams,
} from "./cohort-projection";
export { customerActivity, type ActivityOptions } from "./activity";
export { observedMarginTo, purchaseHistories, summarizeHistories, type HistorySummaries, type PurchaseHistories } from "./histories";
