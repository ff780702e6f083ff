import type { LoaderFunctionArgs } from "@remix-run/node";
import { allOrders } from "~/analytics/orders.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import { toDecimalString } from "~/domain/money/money";
import { csvResponse } from "~/lib/csv.server";
import { ordersQuery } from "./app.orders";

/** /app/orders.csv: the Orders table with the same numbers, money as exact decimal strings. */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const query = ordersQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const amount = (minor: number) => toDecimalString(minor, shop.currencyDigits);
  const rows: (string | number | null)[][] = [];
  for await (const page of allOrders(db, shop.id, { customerId: query.customer })) {
    for (const row of page) {
      rows.push([
        row.id, row.name, row.processedAt, row.customerId, row.channel, row.country, row.discountCodes,
        amount(row.grossSales), amount(row.discounts), amount(row.netSales), amount(row.shippingCharged),
        amount(row.refunds), amount(row.netRevenue), row.status,
      ]);
    }
  }
  return csvResponse(
    `orders-${shop.id.replace(".myshopify.com", "")}.csv`,
    ["order_id", "order_name", "processed_at_utc", "customer_id", "channel", "country", "discount_codes",
      `gross_sales_${shop.currency}`, `discounts_${shop.currency}`, `net_sales_${shop.currency}`,
      `shipping_charged_${shop.currency}`, `refunds_${shop.currency}`, `net_revenue_${shop.currency}`, "status"],
    rows,
  );
};
