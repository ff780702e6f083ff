/**
 * /app/orders/:orderId (the order GID, URL-encoded): the contribution margin of one order, line by
 * line, with the costs in force when it was placed. (The file name's "orders_" keeps this page out of
 * the Orders list's layout: it is its own page, not a child of the list.)
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { dateInZone, money } from "~/components/format";
import db from "~/db.server";
import { gidNumber } from "~/domain/ledger/gid";
import { orderDetail } from "~/margins/order-detail.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.detail.order.name ?? "Order"} · Margin LTV` }];

const params = z.object({ orderId: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/) });

export const loader = async ({ request, context, params: routeParams }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const parsed = params.safeParse(routeParams);
  if (!parsed.success) throw new Response("Not an order id", { status: 404 });
  const detail = await orderDetail(db, shop, parsed.data.orderId);
  if (!detail) throw new Response("Order not found", { status: 404 });
  return { shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone }, detail };
};

export default function OrderMarginPage() {
  const { shop, detail } = useLoaderData<typeof loader>();
  const { order } = detail;
  const pct = detail.contributionMarginBps === null ? "–" : `${(detail.contributionMarginBps / 100).toFixed(1)}%`;
  return (
    <Page title={`Order ${order.name}`} backAction={{ content: "Orders", url: "/app/orders" }}
      subtitle={`${dateInZone(order.processedAt, shop.ianaTimezone, true)} · ${order.customerId ? `customer ${gidNumber(order.customerId)}` : "guest"} · ${order.countryCode ?? "no country"} · ${order.gateways.join(", ") || "no gateway"}`}
      titleMetadata={order.status !== "counted" ? <Badge tone="critical">{order.status}</Badge> : undefined}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {detail.missingCosts.length ? (
              <Banner tone="warning" title="Some costs are not configured for this order's date">
                <p>Counted as 0: {detail.missingCosts.join(", ")}. Set them up on the Costs page with a date on or before the order.</p>
              </Banner>
            ) : null}
            {detail.stored && detail.stored.contributionMargin !== detail.lines.at(-1)?.amount ? (
              <Banner tone="info" title="Stored margin is being updated">
                <p>The figures built on margins still use {money(detail.stored.contributionMargin, shop)} (cost version {detail.stored.costVersion}); the recompute with the current costs will replace it.</p>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">Contribution margin breakdown</Text>
                  <Text as="span" tone="subdued">Contribution margin {pct} of net revenue</Text>
                </InlineStack>
                {detail.lines.map((line) => (
                  <Box key={line.key} paddingInlineStart={line.kind === "memo" ? "600" : "0"} paddingBlockStart={line.kind === "subtotal" ? "100" : "0"}
                    borderBlockStartWidth={line.kind === "subtotal" ? "025" : undefined} borderColor="border">
                    <InlineStack align="space-between" wrap={false}>
                      <Text as="span" tone={line.kind === "memo" ? "subdued" : undefined} fontWeight={line.kind === "subtotal" ? "semibold" : undefined}
                        variant={line.kind === "memo" ? "bodySm" : "bodyMd"}>{line.label}</Text>
                      <Text as="span" numeric tone={line.kind === "memo" ? "subdued" : line.amount < 0 && line.kind === "component" ? "critical" : undefined}
                        fontWeight={line.kind === "subtotal" ? "semibold" : undefined}>{money(line.amount, shop)}</Text>
                    </InlineStack>
                  </Box>
                ))}
                <Text as="p" variant="bodySm" tone="subdued">
                  Payment fee: {detail.paymentFeeSource === "actual" ? "the processor's real fee (Shopify Payments transactions)" : detail.paymentFeeSource === "configured" ? "the configured rate" : "none"}.
                  {detail.serviceContacts ? ` ${detail.serviceContacts} support contact${detail.serviceContacts > 1 ? "s" : ""} charged to this order.` : ""}
                  {detail.returnsReserveReleasesAt ? ` Returns reserve held until ${dateInZone(detail.returnsReserveReleasesAt, shop.ianaTimezone)}.` : ""}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Cost of goods, line by line</Text>
                <DataTable columnContentTypes={["text", "text", "numeric", "numeric", "text"]} headings={["Item", "SKU", "Qty", "Net sales", "Unit cost in force"]}
                  rows={detail.goods.map((g) => [g.title, g.sku ?? "–", g.quantity, money(g.netSales, shop),
                    g.kind === "known" ? `${money(g.unitCost ?? 0, shop)} (from ${g.validFrom})`
                      : g.kind === "estimated" ? `ESTIMATE ${g.unitCost === null ? "" : money(g.unitCost, shop)} (default %, from ${g.validFrom})`
                        : g.kind === "gift card" ? "gift card: not goods" : "no cost and no default %"])} />
              </BlockStack>
            </Card>
            {detail.refunds.length ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">Refunds (dated at the refund)</Text>
                  <DataTable columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                    headings={["Date", "Revenue", "COGS recovered", "Reverse logistics", "Items returned / restocked", "Contribution margin"]}
                    rows={detail.refunds.map((r) => [dateInZone(r.createdAt, shop.ianaTimezone), money(r.revenue, shop), money(r.cogsRecovered, shop),
                      money(r.reverseLogistics, shop), `${r.returnedItems} / ${r.restockedItems}`, money(r.contributionMargin, shop)])} />
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Costs in force on {dateInZone(order.processedAt, shop.ianaTimezone)}</Text>
              {detail.costsInForce.map((c) => (
                <BlockStack key={c.key} gap="050">
                  <Text as="span" fontWeight="semibold">{c.label}</Text>
                  <Text as="span" tone={c.description ? undefined : "subdued"}>{c.description ?? "not set"}</Text>
                  {c.validFrom ? <Text as="span" variant="bodySm" tone="subdued">since {c.validFrom}</Text> : null}
                </BlockStack>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
