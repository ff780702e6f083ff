/**
 * /app/customers: for support staff. Find a customer by order name (#1001), customer GID or numeric id
 * and see their card (the admin block's figures and flags), their orders with the margin breakdown and
 * their service contacts; below, every flagged customer by flag kind, paginated, with CSV export.
 * Name and email search needs protected customer data, which the app does not have (shown disabled).
 *
 * Query: ?q=<search> | ?customer=<GID>, &flag=<kind>&page=<n> for the list.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link as RemixLink, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Pagination, Tabs, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { useCsvDownload } from "~/components/csv-download";
import { count, dateInZone, money } from "~/components/format";
import { atRiskUnavailableReason } from "~/customers/activity.server";
import { customerCard, PROTECTED_SEARCH_MESSAGE, resolveCustomerQuery } from "~/customers/card.server";
import { CustomerCardPanel } from "~/customers/CustomerCardPanel";
import { FLAG_TONES } from "~/customers/card-view";
import { FLAG_KINDS } from "~/customers/flag-kinds";
import { flaggedCustomers } from "~/customers/flagged.server";
import { customerContacts, customerOrders } from "~/customers/orders.server";
import { parseCustomerQuery } from "~/customers/query";
import db from "~/db.server";
import { FLAG_LABELS, type CustomerFlagKind } from "~/domain/analytics/flags";

export const meta: MetaFunction = () => [{ title: "Customers · Margin LTV" }];

export const PAGE_SIZE = 25;

export const customersQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  customer: z.string().regex(/^gid:\/\/shopify\/Customer\/\d+$/).optional().catch(undefined),
  flag: z.enum(FLAG_KINDS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
});

/** Why an empty flag list is empty, when it is not just the rule: at risk needs the fitted predictive model. */
async function flagHelp(kind: CustomerFlagKind, shopId: string): Promise<string | null> {
  if (kind !== "at_risk") return null;
  const reason = await atRiskUnavailableReason(db, shopId);
  return reason ? `At risk needs the predictive model's probability that a customer is still active. ${reason}` : null;
}

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const query = customersQuery.parse(Object.fromEntries(new URL(request.url).searchParams));

  let search: { q: string; status: "found" | "not_found" | "guest_order" | "protected"; message: string } | null = null;
  let customerId = query.customer ?? null;
  if (query.q) {
    const resolution = await resolveCustomerQuery(db, shop.id, parseCustomerQuery(query.q));
    if (resolution.status === "found") {
      customerId = resolution.customerId;
      search = { q: query.q, status: "found", message: `Found from ${resolution.via}.` };
    } else if (resolution.status !== "empty") {
      customerId = null;
      search = { q: query.q, status: resolution.status, message: resolution.message };
    }
  }

  const [card, flagged] = await Promise.all([customerId ? customerCard(db, shop, customerId) : null, flaggedCustomers(db, shop)]);
  if (customerId && !card) search = { q: query.q ?? customerId, status: "not_found", message: `No customer ${customerId} in this store's orders.` };
  const [orders, contacts] = card
    ? await Promise.all([customerOrders(db, shop.id, card.customerId), customerContacts(db, shop.id, card.customerId)])
    : [null, null];

  const counts = flagged.counts;
  const kind: CustomerFlagKind = query.flag ?? FLAG_KINDS.find((k) => counts[k] > 0) ?? "high_value";
  const total = counts[kind];
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const rows = (await flagged.rows(kind, (page - 1) * PAGE_SIZE, PAGE_SIZE)).map((row) => ({
    customerId: row.customerId,
    customerNumber: row.customerNumber,
    contributionMargin: row.contributionMargin,
    revenue: row.revenue,
    orders: row.orders,
    reason: row.flag.reason,
    otherFlags: row.otherFlags,
  }));

  return {
    shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone },
    search,
    protectedSearch: { enabled: false as const, reason: PROTECTED_SEARCH_MESSAGE },
    selected: card && orders && contacts ? { card, orders: orders.rows, ordersTotal: orders.total, contacts } : null,
    flagged: {
      kind, counts, customers: flagged.customers, rows, total, page, pages, computedAt: flagged.computedAt, help: total ? null : await flagHelp(kind, shop.id),
    },
  };
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Customers() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const [q, setQ] = useState(data.search?.q ?? "");
  return (
    <Page title="Customers" subtitle="A customer's true value and flags, for deciding effort, refund leeway and goodwill">
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="get" action="/app/customers">
              {params.get("flag") ? <input type="hidden" name="flag" value={params.get("flag") ?? ""} /> : null}
              <BlockStack gap="300">
                <InlineStack gap="300" blockAlign="end" wrap={false}>
                  <Box width="100%">
                    <TextField label="Order name, customer id or customer GID" name="q" value={q} onChange={setQ} autoComplete="off"
                      placeholder="#1001, 7390123456789 or gid://shopify/Customer/7390123456789" />
                  </Box>
                  <Button submit variant="primary">Find</Button>
                </InlineStack>
                <TextField label="Name or email" disabled value="" autoComplete="off" helpText={data.protectedSearch.reason} />
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        {data.search && data.search.status !== "found" ? (
          <Layout.Section>
            <Banner tone={data.search.status === "protected" ? "warning" : "info"} title={data.search.status === "protected" ? "Protected customer data" : "No customer found"}>
              <p>{data.search.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.selected ? <SelectedCustomer data={data} /> : null}
        <Layout.Section>
          <FlaggedList data={data} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function SelectedCustomer({ data }: { data: Data }) {
  const { shop } = data;
  const selected = data.selected!;
  const amount = (value: number | null) => (value === null ? "–" : money(value, shop));
  return (
    <>
      <Layout.Section>
        <CustomerCardPanel card={selected.card} />
      </Layout.Section>
      <Layout.Section>
        <Card padding="0">
          <Box padding="400">
            <Text as="h2" variant="headingMd">
              Orders and their margin
            </Text>
            <Text as="p" tone="subdued">
              Net revenue + goods + other variable costs (fees, fulfilment, shipping, returns, service) = contribution margin.
              {selected.ordersTotal > selected.orders.length ? ` The latest ${count(selected.orders.length)} of ${count(selected.ordersTotal)} orders.` : ""}
            </Text>
          </Box>
          <IndexTable
            resourceName={{ singular: "order", plural: "orders" }}
            itemCount={selected.orders.length}
            selectable={false}
            headings={[
              { title: "Order" }, { title: "Date" }, { title: "Net revenue", alignment: "end" }, { title: "Goods", alignment: "end" },
              { title: "Other costs", alignment: "end" }, { title: "Contribution margin", alignment: "end" }, { title: "CM %", alignment: "end" },
              { title: "Contacts", alignment: "end" }, { title: "Status" },
            ]}
          >
            {selected.orders.map((order, index) => (
              <IndexTable.Row id={order.id} key={order.id} position={index}>
                <IndexTable.Cell>
                  <RemixLink to={`/app/orders/${encodeURIComponent(order.id)}`} style={{ fontWeight: 650, color: "inherit" }}>
                    {order.name}
                  </RemixLink>
                </IndexTable.Cell>
                <IndexTable.Cell>{dateInZone(order.processedAt, shop.ianaTimezone)}</IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{amount(order.netRevenue)}</Text></IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{amount(order.goods)}</Text></IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{amount(order.otherCosts)}</Text></IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric fontWeight="semibold" tone={order.contributionMargin !== null && order.contributionMargin < 0 ? "critical" : undefined}>
                    {amount(order.contributionMargin)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {order.contributionMarginBps === null ? "–" : `${(order.contributionMarginBps / 100).toFixed(1)}%`}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell><Text as="span" alignment="end" numeric>{order.serviceContacts || "–"}</Text></IndexTable.Cell>
                <IndexTable.Cell>
                  {order.status === "cancelled" ? <Badge tone="critical">cancelled</Badge> : !order.computed ? <Badge>margin pending</Badge> : null}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </Layout.Section>
      <Layout.Section>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Service contacts
            </Text>
            {selected.contacts.length === 0 ? (
              <Text as="p" tone="subdued">
                No service contact recorded for this customer (contacts are imported on the Costs page, service component).
              </Text>
            ) : (
              <BlockStack gap="100">
                {selected.contacts.map((contact) => (
                  <Text as="p" key={contact.id}>
                    {dateInZone(contact.contactedAt, shop.ianaTimezone, true)}
                    {contact.orderName ? ` · order ${contact.orderName}` : ""} · {contact.source}
                  </Text>
                ))}
              </BlockStack>
            )}
          </BlockStack>
        </Card>
      </Layout.Section>
    </>
  );
}

function FlaggedList({ data }: { data: Data }) {
  const { shop, flagged } = data;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { download, exporting, exportError, clearError } = useCsvDownload();
  const goTo = (next: Record<string, string | null>) => {
    const search = new URLSearchParams(params);
    search.delete("q");
    for (const [key, value] of Object.entries(next)) {
      if (value === null) search.delete(key);
      else search.set(key, value);
    }
    navigate(`?${search.toString()}`, { preventScrollReset: true });
  };
  const tabs = FLAG_KINDS.map((kind) => ({ id: kind, content: `${FLAG_LABELS[kind]} (${count(flagged.counts[kind])})` }));
  const exportCsv = (kind: CustomerFlagKind | null) => download(`/app/customers.csv${kind ? `?flag=${kind}` : ""}`, "flagged-customers.csv");
  return (
    <Card padding="0">
      <Box padding="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Flagged customers
            </Text>
            <Text as="p" tone="subdued">
              {`${count(flagged.customers)} customers with a purchase; thresholds are the Segments page's settings.` +
                (flagged.computedAt ? ` Flags as of ${dateInZone(flagged.computedAt, shop.ianaTimezone, true)} (the last analytics refresh).` : "")}
            </Text>
          </BlockStack>
          <InlineStack gap="200">
            <Button onClick={() => exportCsv(flagged.kind)} loading={exporting} disabled={flagged.total === 0}>
              {`Export ${FLAG_LABELS[flagged.kind]} CSV`}
            </Button>
            <Button onClick={() => exportCsv(null)} loading={exporting} variant="plain">
              Export all flags
            </Button>
          </InlineStack>
        </InlineStack>
      </Box>
      {exportError ? (
        <Box paddingInline="400" paddingBlockEnd="400">
          <Banner tone="critical" title="Export failed" onDismiss={clearError}>
            <p>{exportError}</p>
          </Banner>
        </Box>
      ) : null}
      <Tabs tabs={tabs} selected={FLAG_KINDS.indexOf(flagged.kind)} onSelect={(index) => goTo({ flag: FLAG_KINDS[index], page: null })} fitted={false} />
      {flagged.total === 0 ? (
        <EmptyState heading={`No customer is flagged ${FLAG_LABELS[flagged.kind].toLowerCase()}`} image="">
          <p>{flagged.help ?? "No customer meets this flag's rule with the current thresholds."}</p>
        </EmptyState>
      ) : (
        <IndexTable
          resourceName={{ singular: "customer", plural: "customers" }}
          itemCount={flagged.rows.length}
          selectable={false}
          loading={navigation.state === "loading"}
          headings={[
            { title: "Customer" }, { title: "CM-LTV", alignment: "end" }, { title: "Revenue LTV", alignment: "end" }, { title: "Orders", alignment: "end" },
            { title: "Reason" }, { title: "Other flags" },
          ]}
        >
          {flagged.rows.map((row, index) => (
            <IndexTable.Row id={row.customerId} key={row.customerId} position={index}>
              <IndexTable.Cell>
                <RemixLink to={`/app/customers?customer=${encodeURIComponent(row.customerId)}&flag=${flagged.kind}&page=${flagged.page}`}
                  style={{ fontWeight: 650, color: "inherit" }}>
                  {row.customerNumber}
                </RemixLink>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric tone={row.contributionMargin < 0 ? "critical" : undefined}>{money(row.contributionMargin, shop)}</Text>
              </IndexTable.Cell>
              <IndexTable.Cell><Text as="span" alignment="end" numeric>{money(row.revenue, shop)}</Text></IndexTable.Cell>
              <IndexTable.Cell><Text as="span" alignment="end" numeric>{count(row.orders)}</Text></IndexTable.Cell>
              <IndexTable.Cell>
                <div style={{ whiteSpace: "normal", minWidth: 280 }}>{row.reason}</div>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="100">
                  {row.otherFlags.map((flag) => <Badge key={flag.kind} tone={FLAG_TONES[flag.kind]}>{flag.label}</Badge>)}
                </InlineStack>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      )}
      {flagged.total > 0 ? (
        // Below the table, not IndexTable's sticky bar (which covers the header row in a long list).
        <Box padding="300" borderBlockStartWidth="025" borderColor="border">
          <InlineStack align="center">
            <Pagination
              hasPrevious={flagged.page > 1}
              hasNext={flagged.page < flagged.pages}
              onPrevious={() => goTo({ page: String(flagged.page - 1) })}
              onNext={() => goTo({ page: String(flagged.page + 1) })}
              label={`Page ${flagged.page} of ${flagged.pages} · ${count(flagged.total)} customers`}
            />
          </InlineStack>
        </Box>
      ) : null}
    </Card>
  );
}
