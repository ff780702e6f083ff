/**
 * The Segments page's data (from the snapshot) and its CSV rows, shared by the page's CSV route and
 * the CLI so both carry the page's numbers: money as exact decimals, shares in percent with two decimals.
 */
import type { Db } from "~/db.server";
import type { SegmentRow, SegmentTable } from "~/domain/analytics";
import { toDecimalString } from "~/domain/money/money";
import { readView } from "./snapshot.server";

export async function getSegmentsView(db: Db, shopId: string) {
  const { snapshot, freshness } = await readView(db, shopId, "segments");
  return { table: snapshot?.payload.table ?? null, freshness, asOf: snapshot?.asOf.toISOString() ?? null };
}

const pct = (bps: number | null) => (bps === null ? "" : toDecimalString(bps, 2));

export function segmentCsv(table: SegmentTable, shop: { currency: string; currencyDigits: number }): { header: string[]; rows: (string | number)[][] } {
  const m = (minor: number | null) => (minor === null ? "" : toDecimalString(minor, shop.currencyDigits));
  const c = shop.currency;
  const header = ["dimension", "segment", "customers", "orders", `revenue_${c}`, `contribution_margin_${c}`, "revenue_share_percent", "margin_share_percent",
    `cm_ltv_${c}`, `revenue_ltv_${c}`, `cm_per_order_${c}`, "return_rate_percent", "discount_load_percent", "service_contacts_per_order", "highlight"];
  const row = (s: SegmentRow, dimension: string): (string | number)[] => [
    dimension, s.label, s.customers, s.orders, m(s.revenue), m(s.contributionMargin), pct(s.revenueShareBps), pct(s.marginShareBps),
    m(s.cmLtv), m(s.revenueLtv), m(s.cmPerOrder), pct(s.returnRateBps), pct(s.discountLoadBps),
    s.serviceContactsPerOrderX100 === null ? "" : toDecimalString(s.serviceContactsPerOrderX100, 2), s.highlight ?? "",
  ];
  return { header, rows: [row(table.total, "all"), ...table.groups.flatMap((g) => g.segments.map((s) => row(s, g.dimension)))] };
}
