import type { LoaderFunctionArgs } from "@remix-run/node";
import { cohortCsv, cohortsQuery, filtersOf, getCohortsView, metricOf } from "~/analytics/cohorts.server";
import { readProjections, type ProjectionsPayload } from "~/analytics/projections.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import { toDecimalString } from "~/domain/money/money";
import { csvResponse } from "~/lib/csv.server";

/**
 * Rows for the projected cells, after the observed table: per cohort with a projection, its estimate
 * and the two ends of its interval, each row marked in the cohort column ("2026-03 projected",
 * "2026-03 projected 80% lower", "... upper"), so a spreadsheet never mixes them with observed figures.
 */
export function projectedCsvRows(payload: ProjectionsPayload, columns: number, cohortSizes: ReadonlyMap<string, number>, digits: number): (string | number)[][] {
  if (payload.status !== "ready") return [];
  const level = `${Math.round(payload.level * 100)}%`;
  const rows: (string | number)[][] = [];
  for (const cohort of payload.cohorts) {
    const size = cohortSizes.get(cohort.cohort);
    const cells = cohort.cells.filter((c) => c.month < columns);
    if (size === undefined || !cells.length) continue;
    const line = (label: string, pick: (c: (typeof cells)[number]) => number | null) => {
      const values: string[] = Array.from({ length: columns }, () => "");
      for (const c of cells) {
        const v = pick(c);
        values[c.month] = v === null ? "" : toDecimalString(v, digits);
      }
      return [`${cohort.cohort} ${label}`, size, ...values];
    };
    rows.push(line("projected", (c) => c.estimate), line(`projected ${level} lower`, (c) => c.lower), line(`projected ${level} upper`, (c) => c.upper));
  }
  return rows;
}

/**
 * /app/cohorts.csv: the triangle the page shows (same metric and filters), money as exact decimals;
 * on the CM view of the unfiltered cohorts, followed by the projected cells (see projectedCsvRows).
 */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const query = cohortsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const filters = filtersOf(query);
  const metric = metricOf(query.metric);
  const view = await getCohortsView(db, shop, filters);
  if (!view.table) throw new Response("The cohorts are being computed; try again in a moment", { status: 503 });
  const { header, rows } = cohortCsv(view.table, metric, shop);
  const filtered = Object.values(filters).some((v) => v !== undefined);
  if (metric === "contributionMargin" && !filtered) {
    const projections = await readProjections(db, shop.id);
    if (projections) {
      const sizes = new Map(view.table.rows.map((r) => [r.cohort, r.size]));
      const extra = projectedCsvRows(projections, view.table.maxMonth + 1, sizes, shop.currencyDigits);
      // Horizon columns stay blank on projected rows.
      rows.push(...extra.map((row) => [...row, ...view.table!.horizonsDays.map(() => "")]));
    }
  }
  return csvResponse(`cohorts-${query.metric}-${shop.id.replace(".myshopify.com", "")}.csv`, header, rows);
};
