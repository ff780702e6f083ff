import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLtvCacView, horizonOf, ltvCacCsv } from "~/analytics/ltv-cac.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import { csvResponse } from "~/lib/csv.server";

/** /app/ltv-cac.csv?horizon=12&table=ltv|cac: the page's tables with its numbers. */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const params = new URL(request.url).searchParams;
  const horizon = horizonOf(params.get("horizon"));
  const table = params.get("table") === "cac" ? "cac" : "ltv";
  const { report } = await getLtvCacView(db, shop.id, horizon);
  if (!report) throw new Response("LTV:CAC is being computed; try again in a moment", { status: 503 });
  const { header, rows } = ltvCacCsv(report, shop)[table];
  return csvResponse(`ltv-cac-${table}-${horizon}m-${shop.id.replace(".myshopify.com", "")}.csv`, header, rows);
};
