/**
 * Acquisition filters, applied to customers (through their AcquisitionFacts) before any view is built.
 * All set filters must match. A customer without facts matches no filter, so any filter leaves them out.
 * Discount codes and tags compare case-insensitively (Shopify treats them so), countries by ISO code
 * in any case, channels and product ids exactly.
 */
import type { AcquisitionFacts } from "../value-events";
import type { AnalyticsBase, CohortBase, FilterFacts } from "./base";

/** "none": first order without a code; "any": with some code; { code }: with that code. */
export type DiscountCodeFilter = "none" | "any" | { code: string };

export interface AcquisitionFilters {
  channel?: string;
  discountCode?: DiscountCodeFilter;
  country?: string;
  firstProductId?: string;
  /** The customer carries this tag. */
  tag?: string;
}

/** How codes, countries and tags are compared: trimmed, in lower case. */
export const foldFilterText = (text: string) => text.trim().toLowerCase();
const fold = foldFilterText;

export function hasFilters(filters: AcquisitionFilters | undefined): filters is AcquisitionFilters {
  return !!filters && (filters.channel !== undefined || filters.discountCode !== undefined ||
    filters.country !== undefined || filters.firstProductId !== undefined || filters.tag !== undefined);
}

/** A predicate over facts for the given filters (built once: folded strings are not recomputed). */
export function factsMatcher(filters: AcquisitionFilters): (facts: FilterFacts | null) => boolean {
  const code = filters.discountCode;
  const wantedCode = typeof code === "object" ? fold(code.code) : null;
  const country = filters.country === undefined ? undefined : fold(filters.country);
  const tag = filters.tag === undefined ? undefined : fold(filters.tag);
  return (f) => {
    if (!f) return false;
    if (filters.channel !== undefined && f.channel !== filters.channel) return false;
    if (code === "none" && f.firstDiscountCode !== null) return false;
    if (code === "any" && f.firstDiscountCode === null) return false;
    if (wantedCode !== null && (f.firstDiscountCode === null || fold(f.firstDiscountCode) !== wantedCode)) return false;
    if (country !== undefined && (f.countryCode === null || fold(f.countryCode) !== country)) return false;
    if (filters.firstProductId !== undefined && f.firstProductId !== filters.firstProductId) return false;
    if (tag !== undefined && !f.tags.some((t) => fold(t) === tag)) return false;
    return true;
  };
}

/** Group index per customer for the triangles: 0 when the customer passes the filters, -1 otherwise. */
export function filterGroups(base: CohortBase, filters: AcquisitionFilters | undefined): Int32Array {
  const groups = new Int32Array(base.firstDay.length);
  if (!hasFilters(filters)) return groups;
  const matches = factsMatcher(filters);
  for (let c = 0; c < groups.length; c++) groups[c] = matches(base.facts[c]) ? 0 : -1;
  return groups;
}

/** The filters whose value is one per customer (a customer has several tags: see tagGroups). */
export type FilterDimension = "channel" | "country" | "discountCode" | "firstProductId";

/** A customer's value on a dimension as factsMatcher compares it (folded where it folds), null when none. */
function dimensionValue(f: AcquisitionFacts, dimension: FilterDimension): string | null {
  switch (dimension) {
    case "channel": return f.channel;
    case "country": return f.countryCode === null ? null : fold(f.countryCode);
    case "discountCode": return f.firstDiscountCode === null ? null : fold(f.firstDiscountCode);
    case "firstProductId": return f.firstProductId;
  }
}

function filterOn(dimension: FilterDimension, value: string): AcquisitionFilters {
  return dimension === "discountCode" ? { discountCode: { code: value } } : { [dimension]: value };
}

/**
 * Groups for buildCohortTablesByGroup: one per value of `values` on `dimension` (values equal once
 * folded share a group), each customer in the group of their own value or none (-1). Group g holds
 * exactly the customers factsMatcher(filters[g]) accepts.
 */
export function filterValueGroups(base: AnalyticsBase, dimension: FilterDimension, values: readonly string[]):
  { groupOf: Int32Array; filters: AcquisitionFilters[] } {
  const groupOfValue = new Map<string, number>();
  const filters: AcquisitionFilters[] = [];
  for (const value of values) {
    const key = dimension === "country" || dimension === "discountCode" ? fold(value) : value;
    if (key === "" || groupOfValue.has(key)) continue;
    groupOfValue.set(key, filters.length);
    filters.push(filterOn(dimension, value));
  }
  const groupOf = new Int32Array(base.customerIds.length).fill(-1);
  for (let c = 0; c < groupOf.length; c++) {
    const f = base.facts[c];
    const value = f ? dimensionValue(f, dimension) : null;
    if (value !== null) groupOf[c] = groupOfValue.get(value) ?? -1;
  }
  return { groupOf, filters };
}

/** Groups for buildCohortTablesByGroup: first order without a discount code (0) and with one (1). */
export function discountPresenceGroups(base: AnalyticsBase): { groupOf: Int32Array; filters: AcquisitionFilters[] } {
  const groupOf = new Int32Array(base.customerIds.length).fill(-1);
  for (let c = 0; c < groupOf.length; c++) {
    const f = base.facts[c];
    if (f) groupOf[c] = f.firstDiscountCode === null ? 0 : 1;
  }
  return { groupOf, filters: [{ discountCode: "none" }, { discountCode: "any" }] };
}

/**
 * Groups for buildCohortTablesByGroup, one per tag of `tags` (tags equal once folded share a group).
 * A customer has several tags, so a customer is in the group of each of their tags, one tag per layer:
 * layer i holds every customer's i-th tag among `tags`. Group g, over all layers, holds exactly the
 * customers factsMatcher(filters[g]) accepts, each once.
 */
export function tagGroups(base: AnalyticsBase, tags: readonly string[]): { groupOf: Int32Array[]; filters: AcquisitionFilters[] } {
  const groupOfTag = new Map<string, number>();
  const filters: AcquisitionFilters[] = [];
  for (const tag of tags) {
    const key = fold(tag);
    if (key === "" || groupOfTag.has(key)) continue;
    groupOfTag.set(key, filters.length);
    filters.push({ tag });
  }
  const n = base.customerIds.length;
  const layers: Int32Array[] = [];
  for (let c = 0; c < n; c++) {
    const f = base.facts[c];
    if (!f) continue;
    let depth = 0;
    for (const tag of f.tags) {
      const g = groupOfTag.get(fold(tag));
      if (g === undefined) continue;
      let repeated = false; // "VIP" and "vip" on one customer: one group, counted once
      for (let d = 0; d < depth && !repeated; d++) repeated = layers[d][c] === g;
      if (repeated) continue;
      if (layers.length === depth) layers.push(new Int32Array(n).fill(-1));
      layers[depth++][c] = g;
    }
  }
  return { groupOf: layers, filters };
}
