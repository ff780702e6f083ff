/**
 * Public API of the analytics: prepare once (prepareAnalytics), then build the views from the same
 * base. Each module's header states its rules.
 */
export { prepareAnalytics, type AnalyticsBase, type AnalyticsDiagnostics, type AnalyticsInput, type CohortBase, type FilterFacts, type Totals } from "./base";
export { dayKey, localDayFunction, monthKey, monthOfDay, parseMonthKey, type MonthKey } from "./calendar";
export {
  discountPresenceGroups, factsMatcher, filterValueGroups, hasFilters, tagGroups, type AcquisitionFilters, type DiscountCodeFilter, type FilterDimension,
} from "./filters";
export {
  buildCohortTable, buildCohortTablesByGroup, cellValue, cohortCellDetail, DEFAULT_HORIZON_DAYS, DEFAULT_MAX_MONTH,
  type CohortCell, type CohortCellDetail, type CohortMetric, type CohortOptions, type CohortRow, type CohortTable, type HorizonCell,
} from "./cohorts";
export { buildFormulaView, type FormulaView, type ObservedLtv, type StoreInputs } from "./formula";
export {
  addOrderFacts, buildCustomerFacts, emptyOrderTotals, orderFactsFromBreakdown, orderTotalsByCustomer, type CustomerFacts, type CustomerOrderTotals,
  type OrderFacts, type OrderTotalsByCustomer,
} from "./customers";
export {
  DEFAULT_SEGMENT_THRESHOLDS, parseSegmentThresholds, SEGMENT_THRESHOLD_DESCRIPTIONS,
  type SegmentThresholds, type ThresholdDescription,
} from "./thresholds";
export { BEHAVIOUR_SEGMENTS, type BehaviourSegment } from "./behaviour";
export {
  behaviourLabel, buildSegmentTable, DIMENSION_LABELS, segmentKeysByCustomer, segmentRowKey, type CustomerSegmentKeys,
  type SegmentDimension, type SegmentGroup, type SegmentRow, type SegmentTable,
} from "./segments";
export {
  buildLtvCacReport, buildLtvCacReports, ltvCacRatio, type CacRow, type LtvCacOptions, type LtvCacReport, type LtvCacRow, type MarketingSpend,
} from "./ltv-cac";
export { channelLabel } from "./channels";
export { compareToVertical, findVertical, verdict, type BenchmarkVerdict, type StoreFigures, type VerticalComparison } from "./benchmarks";
export {
  atRiskFlag, customerFlags, FLAG_LABELS, flagContext, flagCustomers, withAtRiskFlags,
  type CustomerActivity, type CustomerFlag, type CustomerFlagKind, type CustomerFlagSet, type FlagContext, type FlagOptions,
} from "./flags";
