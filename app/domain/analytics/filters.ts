/**
 * Acquisition filters, applied to customers (through their AcquisitionFacts) before any view is built.
 * All set filters must match. A customer without facts matches no filter, so any filter leaves them out.
 * Discount codes and tags compare case-insensitively (Shopify treats them so), countries by ISO code
 * in any case, channels and product ids exactly.
 */
import type { AcquisitionFacts } from "../value-events";
import type { AnalyticsBase } from "./base";

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

const fold = (text: string) => text.trim().toLowerCase();

export function hasFilters(filters: AcquisitionFilters | undefined): filters is AcquisitionFilters {
  return !!filters && (filters.channel !== undefined || filters.discountCode !== undefined ||
    filters.country !== undefined || filters.firstProductId !== undefined || filters.tag !== undefined);
}

/** A predicate over facts for the given filters (built once: folded strings are not recomputed). */
export function factsMatcher(filters: AcquisitionFilters): (facts: AcquisitionFacts | null) => boolean {
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
export function filterGroups(base: AnalyticsBase, filters: AcquisitionFilters | undefined): Int32Array {
  const groups = new Int32Array(base.customerIds.length);
  if (!hasFilters(filters)) return groups;
  const matches = factsMatcher(filters);
  for (let c = 0; c < groups.length; c++) groups[c] = matches(base.facts[c]) ? 0 : -1;
  return groups;
}
