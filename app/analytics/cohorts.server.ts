/**
 * The Cohorts page's data: the unfiltered table from the snapshot; a filtered table from its snapshot
 * row ("cohorts?<filters>": written by the refresh for the common single-filter choices, see
 * views.ts precomputedCohortTables) or, for any other filter on first request after a refresh,
 * tabulated from the refresh's stored cohort base (cohort-base.server.ts) and stored; one cell's customers and events (cohortCellDetail) from a
 * load restricted to the customers whose first purchase falls near the cohort month. CSV rows for the page, the CSV route
 * and the CLI come from `cohortCsv`, so they carry the same numbers.
 */
import type { Db } from "~/db.server";
import type { AcquisitionFilters, CohortCellDetail, CohortTable } from "~/domain/analytics";
import { cellValue, cohortCellDetail, hasFilters, parseMonthKey, prepareAnalytics, buildCohortTable } from "~/domain/analytics";
import { toDecimalString } from "~/domain/money/money";
import type { ShopSettings } from "~/shops/shops.server";
import { readCohortBase } from "./cohort-base.server";
import { loadAnalyticsInput } from "./input.server";
import type { Freshness } from "./snapshot.server";
import { readSnapshotRow, readView, writeSnapshotRow } from "./snapshot.server";
import { jsonCohortTable, type CohortsPayload } from "./views";

export { cellQuery, cohortsQuery, filtersOf, METRICS, metricOf, type CohortsQuery, type CohortView } from "./cohorts-query";
import { cohortFilterKey, type CohortView } from "./cohorts-query";

export type JsonCohortTable = CohortsPayload["table"];

export interface CohortsView {
  payload: CohortsPayload | null;
  /** The (possibly filtered) table the page shows. */
  table: JsonCohortTable | null;
  freshness: Freshness;
  asOf: string | null;
}

export async function getCohortsView(db: Db, shop: ShopSettings, filters: AcquisitionFilters): Promise<CohortsView> {
  const { snapshot, freshness } = await readView(db, shop.id, "cohorts");
  if (!snapshot) return { payload: null, table: null, freshness, asOf: null };
  if (!hasFilters(filters)) return { payload: snapshot.payload, table: snapshot.payload.table, freshness, asOf: snapshot.asOf.toISOString() };
  const key = cohortFilterKey(filters);
  const cached = await readSnapshotRow<JsonCohortTable>(db, shop.id, key);
  if (cached && cached.watermark.getTime() === snapshot.watermark.getTime() && cached.asOf.getTime() === snapshot.asOf.getTime()) {
    return { payload: snapshot.payload, table: cached.payload, freshness, asOf: snapshot.asOf.toISOString() };
  }
  const started = performance.now();
  // The refresh's stored base when it is of this snapshot; else (before the first refresh that wrote
  // one, after a customer redaction) the ledger is loaded again.
  const stored = await readCohortBase(db, shop.id);
  const base = stored && stored.watermark.getTime() === snapshot.watermark.getTime() && stored.asOf.getTime() === snapshot.asOf.getTime()
    ? stored.base
    : prepareAnalytics((await loadAnalyticsInput(db, shop, { asOf: snapshot.asOf })).input);
  const table = jsonCohortTable(buildCohortTable(base, { filters }));
  await writeSnapshotRow(db, shop.id, key, {
    payload: table, asOf: snapshot.asOf, computedAt: snapshot.computedAt, costVersion: snapshot.costVersion, watermark: snapshot.watermark,
    ms: performance.now() - started,
  });
  return { payload: snapshot.payload, table, freshness, asOf: snapshot.asOf.toISOString() };
}

/** The customers and events behind one cell, as of the snapshot's asOf (now when there is none). */
export async function getCellDetail(db: Db, shop: ShopSettings, cohort: string, month: number, filters: AcquisitionFilters):
  Promise<CohortCellDetail> {
  const snapshot = await readSnapshotRow<unknown>(db, shop.id, "cohorts");
  const asOf = snapshot?.asOf ?? new Date();
  const m = parseMonthKey(cohort);
  const year = Math.floor(m / 12);
  const DAY = 86_400_000;
  // Local months are within a day of UTC months: widen the window, cohortCellDetail keeps the exact cohort.
  const from = new Date(Date.UTC(year, m - year * 12, 1) - 2 * DAY);
  const to = new Date(Date.UTC(year, m - year * 12 + 1, 1) + 2 * DAY);
  const { input } = await loadAnalyticsInput(db, shop, { asOf, scope: { firstPurchaseBetween: { from, to } } });
  return cohortCellDetail(prepareAnalytics(input), cohort, month, { filters });
}

// ------------------------------------------------------------------------------------------------
// CSV (page, CSV route and CLI)

/** A cell as the table shows it: money per customer as an exact decimal, retention as a percentage with two decimals. */
export function cellText(cell: CohortTable["rows"][number]["cells"][number] | JsonCohortTable["rows"][number]["cells"][number],
  metric: CohortView, digits: number): string {
  if (!cell) return "";
  const value = cellValue(cell as CohortTable["rows"][number]["cells"][number] & object, metric);
  return metric === "retention" ? toDecimalString(value, 2) : toDecimalString(value, digits);
}

export function cohortCsv(table: JsonCohortTable, metric: CohortView, shop: { currency: string; currencyDigits: number }):
  { header: string[]; rows: (string | number)[][] } {
  const columns = table.maxMonth + 1;
  const unit = metric === "retention" ? "percent" : shop.currency;
  const header = ["cohort", "customers", ...Array.from({ length: columns }, (_, k) => `month_${k}_${unit}`),
    ...table.horizonsDays.map((d) => `cm_ltv_${d}d_${shop.currency}`)];
  const horizon = (h: JsonCohortTable["rows"][number]["horizons"][number]) =>
    (h ? toDecimalString(h.perCustomer.contributionMargin, shop.currencyDigits) : "");
  const rows = table.rows.map((row) => [row.cohort, row.size, ...row.cells.map((c) => cellText(c, metric, shop.currencyDigits)), ...row.horizons.map(horizon)]);
  const averageSize = table.rows.reduce((sum, row) => sum + row.size, 0);
  rows.push(["weighted average", averageSize, ...table.average.cells.map((c) => cellText(c, metric, shop.currencyDigits)), ...table.average.horizons.map(horizon)]);
  return { header, rows };
}
