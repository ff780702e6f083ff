import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { exportMarketingSpendCsv, exportServiceContactCsv, exportVariantCostCsv } from "~/costs/csv.server";
import db from "~/db.server";

const kind = z.enum(["variant-costs", "service-contacts", "marketing-spend"]);

/** /app/costs/export/<kind>: the CSV the matching import reads (same columns, same values). */
export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const parsed = kind.safeParse(params.kind);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  const body = parsed.data === "variant-costs" ? await exportVariantCostCsv(db, shop)
    : parsed.data === "service-contacts" ? await exportServiceContactCsv(db, shop) : await exportMarketingSpendCsv(db, shop);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${parsed.data}-${shop.id.replace(".myshopify.com", "")}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
