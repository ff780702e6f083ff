/**
 * The LTV:CAC page's data (from the snapshot, one report per horizon) and its CSV rows, shared by the
 * page's CSV route and the CLI: money as exact decimals, ratios in hundredths as decimals.
 */
import type { Db } from "~/db.server";
import type { LtvCacReport } from "~/domain/analytics";
import { toDecimalString } from "~/domain/money/money";
import { DEFAULT_LTV_CAC_HORIZON, LTV_CAC_HORIZONS, readView } from "./snapshot.server";

export function horizonOf(value: string | null | undefined): number {
  const n = Number(value);
  return (LTV_CAC_HORIZONS as readonly number[]).includes(n) ? n : DEFAULT_LTV_CAC_HORIZON;
}

export async function getLtvCacView(db: Db, shopId: string, horizon: number) {
  const { snapshot, freshness } = await readView(db, shopId, "ltv-cac");
  return {
    report: snapshot?.payload.reports[horizon] ?? null, spendRows: snapshot?.payload.spendRows ?? 0,
    vertical: snapshot?.payload.vertical ?? null, freshness, computed: !!snapshot,
  };
}

export function ltvCacCsv(report: LtvCacReport, shop: { currency: string; currencyDigits: number }) {
  const m = (minor: number | null) => (minor === null ? "" : toDecimalString(minor, shop.currencyDigits));
  const c = shop.currency;
  // As on the page: spend no row names is unknown (an empty cell), not zero; older snapshots lack the flag.
  const known = (r: { spendKnown?: boolean }) => r.spendKnown !== false;
  const ltv = {
    header: ["channel", "horizon_months", "cohort_months", "customers", `spend_${c}`, `cac_${c}`, `cm_ltv_${c}`, `revenue_ltv_${c}`,
      "cm_ltv_to_cac", "band", "revenue_ltv_to_cac", "payback_month"],
    rows: report.rows.map((r) => [r.channel ?? "all channels", report.horizonMonths, r.cohortMonths, r.customers, m(known(r) ? r.spend : null), m(r.cac), m(r.cmLtv), m(r.revenueLtv),
      r.cmLtvToCac ? toDecimalString(r.cmLtvToCac.x100, 2) : "", r.cmLtvToCac?.band ?? "",
      r.revenueLtvToCac ? toDecimalString(r.revenueLtvToCac.x100, 2) : "", r.paybackMonth ?? ""] as (string | number)[]),
  };
  const cac = {
    header: ["month", "channel", `spend_${c}`, "new_customers", `cac_${c}`],
    rows: report.cac.map((r) => [r.month, r.channel ?? "all channels", m(known(r) ? r.spend : null), r.newCustomers, m(r.cac)] as (string | number)[]),
  };
  return { ltv, cac };
}
