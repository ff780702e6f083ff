import type { LoaderFunctionArgs } from "@remix-run/node";
import { getSegmentsView, segmentCsv } from "~/analytics/segments.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import { csvResponse } from "~/lib/csv.server";

/** /app/segments.csv: every segment of every dimension with the page's numbers. */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const { table, predictions } = await getSegmentsView(db, shop.id);
  if (!table) throw new Response("The segments are being computed; try again in a moment", { status: 503 });
  const { header, rows } = segmentCsv(table, shop, predictions);
  return csvResponse(`segments-${shop.id.replace(".myshopify.com", "")}.csv`, header, rows);
};
