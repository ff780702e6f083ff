import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { FLAG_KINDS, flaggedCustomers } from "~/customers/flagged.server";
import db from "~/db.server";
import { toDecimalString } from "~/domain/money/money";
import { csvResponse } from "~/lib/csv.server";

const query = z.object({ flag: z.enum(FLAG_KINDS).optional().catch(undefined) });

/**
 * /app/customers.csv[?flag=<kind>]: the flagged customers of the Customers page, one row per customer
 * and flag (only that kind when `flag` is given), with the reason and the numbers behind it (JSON;
 * amounts in minor units, shares in basis points, as the flag rules give them). Money columns are exact decimals.
 */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const { flag } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const flagged = await flaggedCustomers(db, shop);
  const amount = (minor: number) => toDecimalString(minor, shop.currencyDigits);
  const rows: (string | number | null)[][] = [];
  for (const kind of flag ? [flag] : FLAG_KINDS) {
    for (const customer of await flagged.rows(kind)) {
      const f = customer.flag;
      rows.push([
        customer.customerId, kind, f.label, amount(customer.contributionMargin), amount(customer.revenue), customer.orders, f.reason,
        JSON.stringify(f.numbers),
      ]);
    }
  }
  return csvResponse(
    `flagged-customers-${flag ?? "all"}-${shop.id.replace(".myshopify.com", "")}.csv`,
    ["customer_id", "flag", "flag_label", `cm_ltv_${shop.currency}`, `revenue_ltv_${shop.currency}`, "orders", "reason", "numbers_json"],
    rows,
  );
};
