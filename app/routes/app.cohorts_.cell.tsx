import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, DataTable, InlineGrid, Page, Text } from "@shopify/polaris";
import { cellQuery, filtersOf, getCellDetail } from "~/analytics/cohorts.server";
import { requireShop } from "~/auth/shop-context.server";
import { MetricCard } from "~/components/MetricCard";
import { count, dateInZone, money } from "~/components/format";
import db from "~/db.server";
import { gidNumber } from "~/domain/ledger/gid";

export const meta: MetaFunction = () => [{ title: "Cohort cell · Margin LTV" }];

/** /app/cohorts/cell?cohort=YYYY-MM&month=k&<filters>: the customers and events behind one cell. */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const parsed = cellQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("cohort (YYYY-MM) and month (0-240) are required", { status: 400 });
  const detail = await getCellDetail(db, shop, parsed.data.cohort, parsed.data.month, filtersOf(parsed.data));
  const retained = new Set(detail.retainedCustomerIds);
  const perCustomer = new Map<string, { orders: number; revenue: number; cm: number }>();
  for (const id of detail.customerIds) perCustomer.set(id, { orders: 0, revenue: 0, cm: 0 });
  for (const { event, purchase } of detail.events) {
    const c = perCustomer.get(event.customerId!)!;
    if (purchase) c.orders++;
    c.revenue += event.revenue;
    c.cm += event.contributionMargin;
  }
  return {
    shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone },
    cohort: detail.cohort, month: detail.month, cell: detail.cell,
    customers: detail.customerIds.map((id) => ({ id, retained: retained.has(id), ...perCustomer.get(id)! })),
    events: detail.events.map(({ event, monthsSinceAcquisition, purchase }) => ({
      orderId: event.orderId, customerId: event.customerId, kind: event.kind, at: event.at.toISOString(), month: monthsSinceAcquisition, purchase,
      revenue: event.revenue, grossMargin: event.grossMargin, contributionMargin: event.contributionMargin,
    })),
  };
};

export default function CohortCell() {
  const { shop, cohort, month, cell, customers, events } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const back = new URLSearchParams(params);
  back.delete("cohort");
  back.delete("month");
  const orders = (id: string) => `/app/orders?customer=${encodeURIComponent(id)}`;
  return (
    <Page title={`Cohort ${cohort}, month ${month}`} backAction={{ content: "Cohorts", url: `/app/cohorts?${back.toString()}` }}
      subtitle={cell ? `Cumulative by the end of month ${month} since the first order` : "This month has not ended yet: no figures"}>
      <BlockStack gap="400">
        {cell ? (
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            <MetricCard label="Customers" value={count(cell.customers)} definition="Customers whose first order was in this month (after filters)." />
            <MetricCard label="CM per customer" value={money(cell.perCustomer.contributionMargin, shop)} definition={`Total ${money(cell.total.contributionMargin, shop)} / ${count(cell.customers)}.`} />
            <MetricCard label="Revenue per customer" value={money(cell.perCustomer.revenue, shop)} definition={`Total ${money(cell.total.revenue, shop)} / ${count(cell.customers)}.`} />
            <MetricCard label="Retention" value={`${(cell.retentionBps / 100).toFixed(1)}%`} definition={`${count(cell.retained)} ordered again by the end of this month.`} />
          </InlineGrid>
        ) : null}
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Customers</Text>
            <DataTable columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
              headings={["Customer", "Orders", "Revenue", "Contribution margin", "Ordered again"]}
              rows={customers.map((c) => [
                <RemixLink key={c.id} to={orders(c.id)}>{gidNumber(c.id)}</RemixLink>, count(c.orders), money(c.revenue, shop), money(c.cm, shop), c.retained ? "yes" : "",
              ])} />
          </BlockStack>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Orders and refunds in the cell</Text>
            <DataTable columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "numeric"]}
              headings={["Date", "Event", "Customer", "Month", "Revenue", "Gross margin", "Contribution margin"]}
              rows={events.map((e) => [
                dateInZone(e.at, shop.ianaTimezone),
                <RemixLink key={`${e.orderId}-${e.at}`} to={`/app/orders/${encodeURIComponent(e.orderId)}`}>{`${e.kind === "refund" ? "Refund of " : ""}order ${gidNumber(e.orderId)}${e.kind === "order" && !e.purchase ? " (cancelled)" : ""}`}</RemixLink>,
                e.customerId ? <RemixLink key={e.customerId} to={orders(e.customerId)}>{gidNumber(e.customerId)}</RemixLink> : "",
                String(e.month), money(e.revenue, shop), money(e.grossMargin, shop), money(e.contributionMargin, shop),
              ])} />
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
