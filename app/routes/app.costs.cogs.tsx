import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DropZone, EmptyState, IndexTable, InlineStack, Layout, Page, Tabs, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { useCsvDownload } from "~/components/csv-download";
import { count, money } from "~/components/format";
import { componentVersions, saveComponentVersion } from "~/costs/components.server";
import { importVariantCostCsv, type CsvError } from "~/costs/csv.server";
import { bpsToPercentText, dayInZone, formatValidFrom, parseAmount, parseDay, parsePercent } from "~/costs/input";
import { importShopifyUnitCosts, ShopifyImportError } from "~/costs/shopify-costs.server";
import { CsvErrors, RecomputeStatus } from "~/costs/ui";
import { listVariants, saveVariantCosts } from "~/costs/variants.server";
import db from "~/db.server";
import { costInForce } from "~/domain/economics/cost-config";
import { requestRecompute, marginStatus } from "~/margins/schedule.server";

export const meta: MetaFunction = () => [{ title: "COGS per variant · Margin LTV" }];

export const PAGE_SIZE = 50;

export const cogsQuery = z.object({
  q: z.string().trim().max(200).catch(""),
  filter: z.enum(["all", "missing", "recent"]).catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const query = cogsQuery.parse({ q: "", filter: "all", page: 1, ...Object.fromEntries(new URL(request.url).searchParams) });
  const now = new Date();
  const [list, defaults, status] = await Promise.all([
    listVariants(db, shop.id, { search: query.q, filter: query.filter, offset: (query.page - 1) * PAGE_SIZE, limit: PAGE_SIZE, asOf: now }),
    componentVersions(db, shop.id, "defaultCogs"),
    marginStatus(db, shop.id, now),
  ]);
  const defaultCogs = costInForce(defaults.map((d) => d.version), now);
  return {
    shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone },
    query, today: dayInZone(now, shop.ianaTimezone),
    rows: list.rows.map((row) => ({
      ...row,
      validFrom: row.validFrom ? formatValidFrom(new Date(row.validFrom), shop.ianaTimezone) : null,
      nextValidFrom: row.nextValidFrom ? formatValidFrom(new Date(row.nextValidFrom), shop.ianaTimezone) : null,
    })),
    total: list.total,
    pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
    defaultCogs: defaultCogs ? { percent: bpsToPercentText(defaultCogs.percentOfPriceBps), bps: defaultCogs.percentOfPriceBps, validFrom: formatValidFrom(defaultCogs.validFrom, shop.ianaTimezone) } : null,
    status,
    canImportFromShopify: true,
  };
};

export type CogsActionData =
  | { ok: true; intent: string; message: string; variantId?: string }
  | { ok: false; intent: string; variantId?: string; errors?: Record<string, string>; csvErrors?: CsvError[]; message?: string };

const setCost = z.object({ variantId: z.string().regex(/^gid:\/\/shopify\/ProductVariant\/\d+$/), cost: z.string(), validFrom: z.string(), sku: z.string().optional() });

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop, admin } = await requireShop(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const reply = (data: CogsActionData, status = 200) => json<CogsActionData>(data, { status });

  if (intent === "set-cost") {
    const fields = setCost.safeParse(Object.fromEntries(form));
    if (!fields.success) return reply({ ok: false, intent, message: "Unknown variant" }, 400);
    const cost = parseAmount(fields.data.cost, shop.currencyDigits);
    const validFrom = parseDay(fields.data.validFrom, shop.ianaTimezone);
    const errors: Record<string, string> = {};
    if (!cost.ok) errors.cost = cost.error;
    if (!validFrom.ok) errors.validFrom = validFrom.error;
    if (!cost.ok || !validFrom.ok) return reply({ ok: false, intent, variantId: fields.data.variantId, errors }, 400);
    await saveVariantCosts(db, shop.id, [{ variantId: fields.data.variantId, unitCost: cost.value, validFrom: validFrom.value, sku: fields.data.sku || null, source: "manual" }]);
    await requestRecompute(db, shop.id);
    return reply({ ok: true, intent, variantId: fields.data.variantId, message: `Cost saved from ${fields.data.validFrom}; margins are being recomputed` });
  }
  if (intent === "default-cogs") {
    const percent = parsePercent(String(form.get("percent") ?? ""));
    const validFrom = parseDay(String(form.get("validFrom") ?? ""), shop.ianaTimezone);
    const errors: Record<string, string> = {};
    if (!percent.ok) errors.percent = percent.error;
    if (!validFrom.ok) errors.validFrom = validFrom.error;
    if (!percent.ok || !validFrom.ok) return reply({ ok: false, intent, errors }, 400);
    await saveComponentVersion(db, shop.id, shop.currency, "defaultCogs", { percentOfPriceBps: percent.value, validFrom: validFrom.value });
    await requestRecompute(db, shop.id);
    return reply({ ok: true, intent, message: "Default COGS % saved; margins are being recomputed" });
  }
  if (intent === "import-csv") {
    const file = form.get("file");
    const text = file && typeof file === "object" && "text" in file ? await (file as File).text() : typeof file === "string" ? file : "";
    if (!text) return reply({ ok: false, intent, csvErrors: [{ line: 1, message: "Choose a CSV file to import" }] }, 400);
    const result = await importVariantCostCsv(db, shop, text);
    if (!result.ok) return reply({ ok: false, intent, csvErrors: result.errors }, 400);
    await requestRecompute(db, shop.id);
    return reply({ ok: true, intent, message: `Imported ${count(result.rows)} cost versions; margins are being recomputed` });
  }
  if (intent === "import-shopify") {
    if (!admin) return reply({ ok: false, intent, message: "The demo store is not connected to Shopify: import a CSV instead" }, 400);
    try {
      const result = await importShopifyUnitCosts(db, shop, admin.graphql);
      if (result.version !== null) await requestRecompute(db, shop.id);
      return reply({ ok: true, intent, message: `Read ${count(result.variants)} variants from Shopify: ${count(result.created)} new costs, ${count(result.changed)} changed (from today), ${count(result.unchanged)} unchanged, ${count(result.withoutCost)} without a cost in Shopify${result.otherCurrency ? `, ${count(result.otherCurrency)} in another currency (skipped)` : ""}` });
    } catch (error) {
      if (error instanceof ShopifyImportError) return reply({ ok: false, intent, message: error.message }, 502);
      throw error;
    }
  }
  return reply({ ok: false, intent, message: "Unknown request" }, 400);
};

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

function CostCell({ row, shop, today, defaultBps }: { row: Row; shop: { currency: string; currencyDigits: number }; today: string; defaultBps: number | null }) {
  const fetcher = useFetcher<CogsActionData>();
  const [editing, setEditing] = useState(false);
  const [cost, setCost] = useState(row.unitCost === null ? "" : (row.unitCost / 10 ** shop.currencyDigits).toFixed(shop.currencyDigits));
  const [validFrom, setValidFrom] = useState(today);
  const result = fetcher.data?.variantId === row.variantId ? fetcher.data : undefined;
  useEffect(() => {
    if (result?.ok) setEditing(false);
  }, [result]);
  if (!editing) {
    return (
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        {row.unitCost !== null ? (
          <BlockStack gap="050">
            <Text as="span" numeric fontWeight="semibold">{money(row.unitCost, shop)}</Text>
            <Text as="span" variant="bodySm" tone="subdued">from {row.validFrom}{row.nextValidFrom ? ` · next ${row.nextValidFrom}` : ""}</Text>
          </BlockStack>
        ) : (
          <InlineStack gap="100" blockAlign="center" wrap={false}>
            <Badge tone="warning">No cost</Badge>
            {defaultBps !== null && row.price !== null ? (
              <Text as="span" variant="bodySm" tone="subdued">estimate {money(Math.round((row.price * defaultBps) / 10_000), shop)}</Text>
            ) : null}
          </InlineStack>
        )}
        <Button variant="plain" onClick={() => setEditing(true)} accessibilityLabel={`Edit cost of ${row.title}`}>Edit</Button>
      </InlineStack>
    );
  }
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="set-cost" />
      <input type="hidden" name="variantId" value={row.variantId} />
      <input type="hidden" name="sku" value={row.sku ?? ""} />
      <InlineStack gap="200" blockAlign="start" wrap={false}>
        <Box minWidth="110px">
          <TextField label="Unit cost" labelHidden name="cost" value={cost} onChange={setCost} autoComplete="off" prefix={shop.currency === "USD" ? "$" : undefined}
            placeholder="Unit cost" error={result && !result.ok ? result.errors?.cost : undefined} autoFocus />
        </Box>
        <Box minWidth="140px">
          <TextField label="Valid from" labelHidden name="validFrom" value={validFrom} onChange={setValidFrom} autoComplete="off" type="date"
            error={result && !result.ok ? result.errors?.validFrom : undefined} />
        </Box>
        <Button submit variant="primary" loading={fetcher.state !== "idle"}>Save</Button>
        <Button variant="plain" onClick={() => setEditing(false)}>Cancel</Button>
      </InlineStack>
    </fetcher.Form>
  );
}

const TABS = [
  { id: "all", content: "All variants" },
  { id: "missing", content: "Missing cost" },
  { id: "recent", content: "Changed in the last 30 days" },
] as const;

export default function CogsPage() {
  const { rows, total, pages, query, shop, today, defaultCogs, status } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const shopify = useFetcher<CogsActionData>();
  const recompute = useFetcher();
  const [search, setSearch] = useState(query.q);
  const [file, setFile] = useState<File | null>(null);
  const { download, exportError } = useCsvDownload();
  const [percent, setPercent] = useState(defaultCogs?.percent ?? "");
  const [defaultFrom, setDefaultFrom] = useState(defaultCogs?.validFrom ?? today);
  const goTo = (next: Record<string, string | null>) => {
    const search = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === null || value === "") search.delete(key);
      else search.set(key, value);
    }
    navigate(`?${search.toString()}`);
  };
  const banner = shopify.data ?? result;
  const defaultErrors = result && !result.ok && result.intent === "default-cogs" ? result.errors : undefined;
  return (
    <Page title="COGS per variant" subtitle={`${count(total)} ${total === 1 ? "variant" : "variants"} · unit costs in ${shop.currency}, effective-dated`} backAction={{ content: "Costs", url: "/app/costs" }}
      primaryAction={{ content: "Import costs from Shopify", loading: shopify.state !== "idle", onAction: () => shopify.submit({ intent: "import-shopify" }, { method: "post" }) }}
      secondaryActions={[{ content: "Export CSV", onAction: () => download("/app/costs/export/variant-costs", "variant-costs.csv") }]}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <RecomputeStatus status={status} onRecompute={() => recompute.submit({ intent: "recompute" }, { method: "post", action: "/app/costs?index" })} recomputing={recompute.state !== "idle"} />
            {banner?.ok && banner.intent !== "set-cost" ? <Banner tone="success" title={banner.message} /> : null}
            {banner && !banner.ok && banner.message ? <Banner tone="critical" title={banner.message} /> : null}
            {result && !result.ok && result.csvErrors ? <CsvErrors errors={result.csvErrors} /> : null}
            {exportError ? <Banner tone="critical" title={exportError} /> : null}
            <Card padding="0">
              <Tabs tabs={TABS.map((tab) => ({ ...tab }))} selected={TABS.findIndex((tab) => tab.id === query.filter)}
                onSelect={(index) => goTo({ filter: TABS[index].id === "all" ? null : TABS[index].id, page: null })} />
              <Box padding="300">
                <Form method="get" onSubmit={(event) => {
                  event.preventDefault();
                  goTo({ q: search, page: null });
                }}>
                  <TextField label="Search variants" labelHidden placeholder="Search by title, SKU or variant id" value={search} onChange={setSearch} autoComplete="off"
                    clearButton onClearButtonClick={() => {
                      setSearch("");
                      goTo({ q: null, page: null });
                    }} name="q" />
                </Form>
              </Box>
              {total === 0 ? (
                <EmptyState heading={query.q || query.filter !== "all" ? "No variants match" : "No variants yet"} image="">
                  <p>{query.q || query.filter !== "all" ? "Try another search or filter." : "Variants appear once orders arrive, or import them with their costs from Shopify."}</p>
                </EmptyState>
              ) : (
                <IndexTable
                  resourceName={{ singular: "variant", plural: "variants" }}
                  itemCount={rows.length}
                  selectable={false}
                  loading={navigation.state === "loading"}
                  headings={[{ title: "Variant" }, { title: "SKU" }, { title: "Price", alignment: "end" }, { title: "Units sold", alignment: "end" }, { title: "Revenue", alignment: "end" }, { title: "Unit cost" }]}
                  pagination={{ hasPrevious: query.page > 1, hasNext: query.page < pages, onPrevious: () => goTo({ page: String(query.page - 1) }),
                    onNext: () => goTo({ page: String(query.page + 1) }), label: `Page ${query.page} of ${pages}` }}
                >
                  {rows.map((row, index) => (
                    <IndexTable.Row id={row.variantId} key={row.variantId} position={index}>
                      <IndexTable.Cell><Text as="span" fontWeight="semibold">{row.title}</Text></IndexTable.Cell>
                      <IndexTable.Cell>{row.sku ?? "–"}</IndexTable.Cell>
                      <IndexTable.Cell><Text as="span" alignment="end" numeric>{row.price === null ? "–" : money(row.price, shop)}</Text></IndexTable.Cell>
                      <IndexTable.Cell><Text as="span" alignment="end" numeric>{count(row.units)}</Text></IndexTable.Cell>
                      <IndexTable.Cell><Text as="span" alignment="end" numeric>{money(row.revenue, shop)}</Text></IndexTable.Cell>
                      <IndexTable.Cell><CostCell row={row} shop={shop} today={today} defaultBps={defaultCogs?.bps ?? null} /></IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="default-cogs" />
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Default COGS %</Text>
                  <Text as="p" tone="subdued" variant="bodySm">For variants without a cost: a share of the list price. Margins using it are marked as estimates.</Text>
                  <TextField label="COGS as % of list price" name="percent" value={percent} onChange={setPercent} suffix="%" autoComplete="off" error={defaultErrors?.percent} />
                  <TextField label="Applies to orders from" name="validFrom" value={defaultFrom} onChange={setDefaultFrom} type="date" autoComplete="off" error={defaultErrors?.validFrom} />
                  <InlineStack><Button submit>Save default</Button></InlineStack>
                </BlockStack>
              </Form>
            </Card>
            <Card>
              <Form method="post" encType="multipart/form-data">
                <input type="hidden" name="intent" value="import-csv" />
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Import a CSV</Text>
                  <Text as="p" tone="subdued" variant="bodySm">Columns variant_id,sku,cost,valid_from: the variant GID (or leave it empty and give the SKU), the unit cost, and the date it applies from (YYYY-MM-DD). A file with any bad row imports nothing.</Text>
                  <DropZone label="Costs CSV" labelHidden accept=".csv,text/csv" type="file" allowMultiple={false} onDrop={(files) => setFile(files[0] ?? null)}>
                    {file ? <Text as="p" alignment="center">{file.name}</Text> : <DropZone.FileUpload actionHint="CSV only" />}
                  </DropZone>
                  <input type="file" name="file" style={{ display: "none" }} ref={(input) => {
                    if (input && file) {
                      const transfer = new DataTransfer();
                      transfer.items.add(file);
                      input.files = transfer.files;
                    }
                  }} />
                  <InlineStack><Button submit disabled={!file} loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "import-csv"}>Import</Button></InlineStack>
                </BlockStack>
              </Form>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
