/**
 * The Segments page's data (from the snapshot) and its CSV rows, shared by the page's CSV route and
 * the CLI so both carry the page's numbers: money as exact decimals, shares in percent with two decimals.
 */
import type { Db } from "~/db.server";
import { segmentRowKey, type SegmentRow, type SegmentTable } from "~/domain/analytics";
import type { SegmentProjection } from "~/domain/clv";
import { toDecimalString } from "~/domain/money/money";
import { readProjections, type ProjectionsPayload } from "./projections.server";
import { readView } from "./snapshot.server";

/** Predicted CM-LTV per segment row (by segmentRowKey), or why there is none. */
export type SegmentPredictions =
  | { status: "ready"; horizonEnd: string; level: number; intervalMessage: string | null; rows: Record<string, SegmentProjection> }
  | { status: "unavailable"; message: string };

export function segmentPredictions(projections: ProjectionsPayload | null): SegmentPredictions | null {
  if (projections?.status === "unavailable") return { status: "unavailable", message: projections.message };
  // A snapshot stored before segment projections existed has none: the table shows without them until the next refresh.
  if (projections?.status !== "ready" || !projections.segments?.length) return null;
  return {
    status: "ready", horizonEnd: projections.segmentHorizonEnd, level: projections.level, intervalMessage: projections.intervalMessage,
    rows: Object.fromEntries(projections.segments.map((p) => [p.key, p])),
  };
}

export async function getSegmentsView(db: Db, shopId: string) {
  const [{ snapshot, freshness }, projections] = await Promise.all([readView(db, shopId, "segments"), readProjections(db, shopId)]);
  return { table: snapshot?.payload.table ?? null, predictions: segmentPredictions(projections), freshness, asOf: snapshot?.asOf.toISOString() ?? null };
}

const pct = (bps: number | null) => (bps === null ? "" : toDecimalString(bps, 2));

/** The table's rows; with predictions, four more columns: predicted CM-LTV, its interval and the date it runs to. */
export function segmentCsv(table: SegmentTable, shop: { currency: string; currencyDigits: number }, predictions: SegmentPredictions | null = null): { header: string[]; rows: (string | number)[][] } {
  const m = (minor: number | null | undefined) => (minor === null || minor === undefined ? "" : toDecimalString(minor, shop.currencyDigits));
  const c = shop.currency;
  const ready = predictions?.status === "ready" ? predictions : null;
  const level = ready ? Math.round(ready.level * 100) : 0;
  const header = ["dimension", "segment", "customers", "orders", `revenue_${c}`, `contribution_margin_${c}`, "revenue_share_percent", "margin_share_percent",
    `cm_ltv_${c}`, `revenue_ltv_${c}`, `cm_per_order_${c}`, "return_rate_percent", "discount_load_percent", "service_contacts_per_order", "highlight",
    ...(ready ? [`predicted_cm_ltv_${c}`, `predicted_lower_${level}_${c}`, `predicted_upper_${level}_${c}`, "predicted_to"] : [])];
  const row = (s: SegmentRow, dimension: string): (string | number)[] => {
    const p = ready?.rows[segmentRowKey(s)];
    return [
      dimension, s.label, s.customers, s.orders, m(s.revenue), m(s.contributionMargin), pct(s.revenueShareBps), pct(s.marginShareBps),
      m(s.cmLtv), m(s.revenueLtv), m(s.cmPerOrder), pct(s.returnRateBps), pct(s.discountLoadBps),
      s.serviceContactsPerOrderX100 === null ? "" : toDecimalString(s.serviceContactsPerOrderX100, 2), s.highlight ?? "",
      ...(ready ? [m(p?.estimate), m(p?.lower), m(p?.upper), p ? ready.horizonEnd : ""] : []),
    ];
  };
  return { header, rows: [row(table.total, "all"), ...table.groups.flatMap((g) => g.segments.map((s) => row(s, g.dimension)))] };
}
