import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, EmptyState, IndexTable, Link, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { listOrders } from "~/analytics/orders.server";
import { requireShop } from "~/auth/shop-context.server";
import { useCsvDownload } from "~/components/csv-download";
import { count, dateInZone, money } from "~/components/format";
import db from "~/db.server";
import { gidNumber } from "~/domain/ledger/gid";

export const meta: MetaFunction = () => [{ title: "Orders · Margin LTV" }];

export const PAGE_SIZE = 50;

export const ordersQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  customer: z
    .string()
    .regex(/^gid:\/\/shopify\/Customer\/\d+$/)
    .optional()
    .catch(undefined),
});

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const query = ordersQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { rows, total } = await listOrders(db, shop.id, { customerId: query.customer }, {
    offset: (query.page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  return {
    shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone },
    rows,
    total,
    page: query.page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    customer: query.customer ?? null,
  };
};

const STATUS_TONE = { cancelled: "critical", refunded: "warning", "partially refunded": "attention", open: undefined } as const;

export default function Orders() {
  const { shop, rows, total, page, pages, customer } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { download, exporting, exportError, clearError } = useCsvDownload();
  const goTo = (next: Record<string, string | null>) => {
    const search = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === null) search.delete(key);
      else search.set(key, value);
    }
    navigate(`?${search.toString()}`);
  };
  const exportCsv = () => download(`/app/orders.csv${customer ? `?customer=${encodeURIComponent(customer)}` : ""}`, "orders.csv");

  return (
    <Page
      title="Orders"
      subtitle={`${count(total)} orders${customer ? ` of customer ${gidNumber(customer)}` : ""}, newest first · ${shop.currency}`}
      backAction={customer ? { content: "All orders", onAction: () => goTo({ customer: null, page: null }) } : undefined}
      secondaryActions={[{ content: "Export CSV", onAction: exportCsv, loading: exporting, disabled: total === 0 }]}
    >
      <BlockStack gap="400">
        {exportError ? (
          <Banner tone="critical" title="Export failed" onDismiss={clearError}>
            <p>{exportError}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          {total === 0 ? (
            <EmptyState heading="No orders to show" image="">
              <p>Orders appear here as your store receives them and once the history import has run.</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "order", plural: "orders" }}
              itemCount={rows.length}
              selectable={false}
              loading={navigation.state === "loading"}
              headings={[
                { title: "Order" },
                { title: "Date" },
                { title: "Customer" },
                { title: "Channel" },
                { title: "Country" },
                { title: "Net sales", alignment: "end" },
                { title: "Shipping", alignment: "end" },
                { title: "Refunds", alignment: "end" },
                { title: "Net revenue", alignment: "end" },
                { title: "Status" },
              ]}
              pagination={{
                hasPrevious: page > 1,
                hasNext: page < pages,
                onPrevious: () => goTo({ page: String(page - 1) }),
                onNext: () => goTo({ page: String(page + 1) }),
                label: `Page ${page} of ${pages}`,
              }}
            >
              {rows.map((row, index) => (
                <IndexTable.Row id={row.id} key={row.id} position={index}>
                  <IndexTable.Cell>
                    <RemixLink to={`/app/orders/${encodeURIComponent(row.id)}`} style={{ fontWeight: 650, color: "inherit" }}>
                      {row.name}
                    </RemixLink>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{dateInZone(row.processedAt, shop.ianaTimezone)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.customerId ? (
                      <Link monochrome removeUnderline onClick={() => goTo({ customer: row.customerId, page: null })}>
                        {gidNumber(row.customerId)}
                      </Link>
                    ) : (
                      <Text as="span" tone="subdued">
                        Guest
                      </Text>
                    )}
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.channel}</IndexTable.Cell>
                  <IndexTable.Cell>{row.country ?? "–"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {money(row.netSales, shop)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {money(row.shippingCharged, shop)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric tone={row.refunds ? "critical" : undefined}>
                      {row.refunds ? money(-row.refunds, shop) : "–"}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric fontWeight="semibold">
                      {money(row.netRevenue, shop)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {row.status === "open" ? null : <Badge tone={STATUS_TONE[row.status]}>{row.status}</Badge>}
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
