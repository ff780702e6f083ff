/**
 * The Cohorts page's URL parameters and metric list: shared by the page component (client code) and
 * the server modules, so it must not import anything server-only.
 */
import { z } from "zod";
import type { AcquisitionFilters, CohortMetric } from "~/domain/analytics";
import { foldFilterText as fold } from "~/domain/analytics/filters";

export type CohortView = CohortMetric | "retention";
export const METRICS: readonly { value: CohortView; param: string; label: string }[] = [
  { value: "contributionMargin", param: "cm", label: "CM-LTV" },
  { value: "revenue", param: "revenue", label: "Revenue LTV" },
  { value: "grossMargin", param: "gross", label: "Gross-margin LTV" },
  { value: "retention", param: "retention", label: "Retention" },
];

const text = z.string().trim().min(1).max(200);
/** URL params of the page (and the CSV and drill-down routes); anything invalid is dropped, not an error. */
export const cohortsQuery = z.object({
  metric: z.enum(["cm", "revenue", "gross", "retention"]).catch("cm").default("cm"),
  channel: text.optional().catch(undefined),
  code: text.optional().catch(undefined), // none | any | <code>
  country: z.string().trim().regex(/^[A-Za-z]{2}$/).optional().catch(undefined),
  product: z.string().regex(/^gid:\/\/shopify\/Product\/\d+$/).optional().catch(undefined),
  tag: text.optional().catch(undefined),
  show: z.string().regex(/^\d{4}-\d{2}(,\d{4}-\d{2})*$/).optional().catch(undefined),
});
export type CohortsQuery = z.infer<typeof cohortsQuery>;

export const cellQuery = cohortsQuery.extend({
  cohort: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  month: z.coerce.number().int().min(0).max(240),
});

export function metricOf(param: CohortsQuery["metric"]): CohortView {
  return METRICS.find((m) => m.param === param)!.value;
}

export function filtersOf(query: CohortsQuery): AcquisitionFilters {
  const filters: AcquisitionFilters = {};
  if (query.channel) filters.channel = query.channel;
  if (query.code) filters.discountCode = query.code === "none" || query.code === "any" ? query.code : { code: query.code };
  if (query.country) filters.country = query.country.toUpperCase();
  if (query.product) filters.firstProductId = query.product;
  if (query.tag) filters.tag = query.tag;
  return filters;
}


/**
 * The snapshot row of a filtered cohort table ("cohorts?[...]"): written by the refresh for the common
 * filter choices, and on request for any other. Codes, countries and tags are folded as the filters
 * compare them, so "us" and "US" share a row.
 */
export function cohortFilterKey(filters: AcquisitionFilters): string {
  const code = filters.discountCode;
  return `cohorts?${JSON.stringify([filters.channel ?? null, typeof code === "object" ? `=${fold(code.code)}` : code ?? null,
    filters.country === undefined ? null : fold(filters.country), filters.firstProductId ?? null,
    filters.tag === undefined ? null : fold(filters.tag)])}`;
}
