import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { BlockStack, Box, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { getOverview } from "~/analytics/overview.server";
import { latestCoverage } from "~/costs/hub.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import { count, dateInZone, money, percent } from "~/components/format";
import { MetricCard } from "~/components/MetricCard";

export const meta: MetaFunction = () => [{ title: "Overview · Margin LTV" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const [figures, cogsCoverage] = await Promise.all([getOverview(db, shop), latestCoverage(db, shop.id)]);
  return {
    cogsCoverage,
    shop: { id: shop.id, currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone },
    figures: {
      ...figures,
      firstOrderAt: figures.firstOrderAt?.toISOString() ?? null,
      lastOrderAt: figures.lastOrderAt?.toISOString() ?? null,
      lastDataAt: figures.lastDataAt?.toISOString() ?? null,
      lastWebhookAt: figures.lastWebhookAt?.toISOString() ?? null,
    },
  };
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function RevenueBridge({ figures, shop }: Pick<Data, "figures" | "shop">) {
  const rows: [string, number, string?][] = [
    ["Gross sales", figures.grossSales, "list price x quantity of merchandise, excluding tax and gift cards"],
    ["Discounts", -figures.discounts],
    ["Shipping charged", figures.shippingCharged, "after shipping discounts, excluding tax"],
    ["Refunds", -figures.refunds, "merchandise, shipping and refund adjustments"],
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          From gross sales to net revenue
        </Text>
        {rows.map(([label, value, note]) => (
          <InlineStack key={label} align="space-between" blockAlign="start" wrap={false}>
            <BlockStack gap="050">
              <Text as="span">{label}</Text>
              {note ? (
                <Text as="span" variant="bodySm" tone="subdued">
                  {note}
                </Text>
              ) : null}
            </BlockStack>
            <Text as="span" numeric>
              {money(value, shop)}
            </Text>
          </InlineStack>
        ))}
        <Box borderBlockStartWidth="025" borderColor="border" paddingBlockStart="200">
          <InlineStack align="space-between">
            <Text as="span" fontWeight="semibold">
              Net revenue
            </Text>
            <Text as="span" fontWeight="semibold" numeric>
              {money(figures.netRevenue, shop)}
            </Text>
          </InlineStack>
        </Box>
        <Text as="p" variant="bodySm" tone="subdued">
          Taxes, duties, tips and gift cards sold are never revenue. {count(figures.cancelledOrders)} cancelled{" "}
          {figures.cancelledOrders === 1 ? "order is" : "orders are"} left out; test orders are never stored.{" "}
          <RemixLink to="/app/orders">See the orders behind these figures</RemixLink>.
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const { figures, shop, cogsCoverage } = useLoaderData<typeof loader>();
  const zone = shop.ianaTimezone;
  const subtitle = `All time · ${shop.currency} · dates in ${zone}`;

  if (figures.orders === 0) {
    return (
      <Page title="Overview" subtitle={subtitle}>
        <Card>
          <EmptyState heading="No orders yet" image="">
            <p>
              Orders appear here as your store receives them, and from the import of your order history. Once the
              first order arrives you will see customers, revenue and repeat purchases.
            </p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  return (
    <Page title="Overview" subtitle={subtitle}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
            <MetricCard label="Customers" value={count(figures.customers)}
              definition={`Distinct customers with at least one order. ${count(figures.guestOrders)} guest orders have no customer.`} />
            <MetricCard label="Orders" value={count(figures.orders)} definition="Orders placed, excluding cancelled and test orders." />
            <MetricCard label="Net revenue" value={money(figures.netRevenue, shop)}
              definition="Sales after discounts, plus shipping charged, minus refunds; excluding taxes." />
            <MetricCard label="Average order value" value={figures.averageOrderValue === null ? "–" : money(figures.averageOrderValue, shop)}
              definition="Net revenue divided by orders." />
            <MetricCard label="Repeat-purchase rate" value={figures.repeatPurchaseRate === null ? "–" : percent(figures.repeatPurchaseRate)}
              definition={`${count(figures.repeatCustomers)} of ${count(figures.customers)} customers ordered at least twice.`} />
            <MetricCard label="Order history" compact
              value={figures.firstOrderAt && figures.lastOrderAt ? `${dateInZone(figures.firstOrderAt, zone)} – ${dateInZone(figures.lastOrderAt, zone)}` : "–"}
              definition="First and last order date, in the shop's time zone." />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <RevenueBridge figures={figures} shop={shop} />
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
          <CogsCoverageCard coverage={cogsCoverage} />
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Data freshness
              </Text>
              <Text as="p">
                Data last arrived:{" "}
                <Text as="span" fontWeight="semibold">
                  {figures.lastDataAt ? dateInZone(figures.lastDataAt, zone, true) : "never"}
                </Text>
              </Text>
              <Text as="p" tone="subdued" variant="bodySm">
                Last webhook: {figures.lastWebhookAt ? dateInZone(figures.lastWebhookAt, zone, true) : "none received yet"}
              </Text>
            </BlockStack>
          </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** Share of merchandise revenue whose COGS is a known unit cost, versus estimated with the default % (last margin recompute). */
function CogsCoverageCard({ coverage }: { coverage: Data["cogsCoverage"] }) {
  const total = coverage ? coverage.known + coverage.estimated + coverage.missing : 0;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          COGS coverage
        </Text>
        {coverage && total > 0 ? (
          <>
            <Text as="p">
              <Text as="span" fontWeight="semibold">{percent(coverage.known / total)}</Text> of merchandise revenue has a known unit cost;{" "}
              <Text as="span" fontWeight="semibold">{percent(coverage.estimated / total)}</Text> is estimated with the default COGS %
              {coverage.missing ? `, ${percent(coverage.missing / total)} has no cost at all` : ""}.
            </Text>
            <RemixLink to="/app/costs">See the variants without a cost</RemixLink>
          </>
        ) : (
          <Text as="p" tone="subdued">
            No margins computed yet. <RemixLink to="/app/costs">Set up your costs</RemixLink>.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
