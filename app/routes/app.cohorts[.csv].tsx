import type { LoaderFunctionArgs } from "@remix-run/node";
import { cohortCsv, cohortsQuery, filtersOf, getCohortsView, metricOf } from "~/analytics/cohorts.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import { csvResponse } from "~/lib/csv.server";

/** /app/cohorts.csv: the triangle the page shows (same metric and filters), money as exact decimals. */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const query = cohortsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const view = await getCohortsView(db, shop, filtersOf(query));
  if (!view.table) throw new Response("The cohorts are being computed; try again in a moment", { status: 503 });
  const { header, rows } = cohortCsv(view.table, metricOf(query.metric), shop);
  return csvResponse(`cohorts-${query.metric}-${shop.id.replace(".myshopify.com", "")}.csv`, header, rows);
};
