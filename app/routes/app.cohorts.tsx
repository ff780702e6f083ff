import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, ButtonGroup, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, Select, Text } from "@shopify/polaris";
import { cohortsQuery, filtersOf, METRICS, metricOf, type CohortView } from "~/analytics/cohorts-query";
import { getCohortsView } from "~/analytics/cohorts.server";
import { readProjections } from "~/analytics/projections.server";
import type { ProjectedCell } from "~/domain/clv";
import { requireShop } from "~/auth/shop-context.server";
import { FreshnessLine } from "~/components/analytics/Freshness";
import { heatColor } from "~/components/analytics/heatmap";
import { ClientLineChart } from "~/components/charts/ClientLineChart";
import { useCsvDownload } from "~/components/csv-download";
import { count, money } from "~/components/format";
import db from "~/db.server";

export const meta: MetaFunction = () => [{ title: "Cohorts · Margin LTV" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const query = cohortsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const filters = filtersOf(query);
  const [view, projections] = await Promise.all([getCohortsView(db, shop, filters), readProjections(db, shop.id)]);
  return {
    shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone },
    query,
    metric: metricOf(query.metric),
    table: view.table,
    options: view.payload?.options ?? null,
    formula: view.payload?.formula ?? null,
    freshness: view.freshness,
    asOf: view.asOf,
    projection: projectionView(projections, Object.values(filters).some((v) => v !== undefined)),
  };
};

/** What the page shows of the stored projections: only the cells, for the unfiltered cohorts. */
type ProjectionView =
  | { status: "unavailable"; message: string }
  | { status: "ready" | "filtered"; calibrationEnd: string; level: number; intervalMessage: string | null; nonPositiveMarginCustomers: number;
      cohorts: { cohort: string; cells: ProjectedCell[] }[] };

function projectionView(payload: Awaited<ReturnType<typeof readProjections>>, filtered: boolean): ProjectionView | null {
  if (!payload) return null;
  if (payload.status !== "ready") return { status: "unavailable", message: payload.message };
  return {
    status: filtered ? "filtered" : "ready",
    calibrationEnd: payload.calibrationEnd,
    level: payload.level,
    intervalMessage: payload.intervalMessage,
    nonPositiveMarginCustomers: payload.nonPositiveMarginCustomers,
    cohorts: filtered ? [] : payload.cohorts.map((c) => ({ cohort: c.cohort, cells: c.cells })),
  };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Table = NonNullable<Data["table"]>;
type Cell = Table["rows"][number]["cells"][number];

function value(cell: NonNullable<Cell>, metric: CohortView): number {
  return metric === "retention" ? cell.retentionBps : cell.perCustomer[metric];
}

function display(cell: Cell, metric: CohortView, shop: Data["shop"]): string {
  if (!cell) return "";
  return metric === "retention" ? `${(cell.retentionBps / 100).toFixed(1)}%` : money(cell.perCustomer[metric], shop);
}

function searchWith(params: URLSearchParams, next: Record<string, string | null>): string {
  const search = new URLSearchParams(params);
  for (const [key, v] of Object.entries(next)) {
    if (v === null || v === "") search.delete(key);
    else search.set(key, v);
  }
  return search.toString();
}

function Filters({ options, query }: { options: NonNullable<Data["options"]>; query: Data["query"] }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const set = (key: string) => (v: string) => navigate(`?${searchWith(params, { [key]: v })}`);
  const list = (items: { value: string; label: string; customers: number }[]) => [
    { label: "All", value: "" }, ...items.map((o) => ({ label: `${o.label} (${count(o.customers)})`, value: o.value })),
  ];
  return (
    <InlineGrid columns={{ xs: 1, sm: 3, md: 5 }} gap="300">
      <Select label="Channel" options={list(options.channels)} value={query.channel ?? ""} onChange={set("channel")} />
      <Select label="First-order discount code" value={query.code ?? ""} onChange={set("code")}
        options={[{ label: "All", value: "" }, { label: "No code", value: "none" }, { label: "Any code", value: "any" },
          ...options.discountCodes.map((o) => ({ label: `${o.label} (${count(o.customers)})`, value: o.value }))]} />
      <Select label="Country" options={list(options.countries)} value={query.country?.toUpperCase() ?? ""} onChange={set("country")} />
      <Select label="First product" options={list(options.products)} value={query.product ?? ""} onChange={set("product")} />
      <Select label="Customer tag" options={list(options.tags)} value={query.tag?.toLowerCase() ?? ""} onChange={set("tag")} />
    </InlineGrid>
  );
}

/** Projected cells by cohort and column: only for the CM view of the unfiltered cohorts. */
function projectedCells(projection: Data["projection"], metric: CohortView): Map<string, Map<number, ProjectedCell>> {
  const map = new Map<string, Map<number, ProjectedCell>>();
  if (metric !== "contributionMargin" || projection?.status !== "ready") return map;
  for (const c of projection.cohorts) map.set(c.cohort, new Map(c.cells.map((cell) => [cell.month, cell])));
  return map;
}

function intervalText(cell: ProjectedCell, shop: Data["shop"], level: number): string {
  return cell.lower === null || cell.upper === null ? "no interval" : `${Math.round(level * 100)}% interval ${money(cell.lower, shop)} – ${money(cell.upper, shop)}`;
}

function Heatmap({ table, metric, shop, projection }: { table: Table; metric: CohortView; shop: Data["shop"]; projection: Data["projection"] }) {
  const projected = projectedCells(projection, metric);
  const level = projection?.status === "ready" ? projection.level : 0.8;
  const [params] = useSearchParams();
  const columns = table.maxMonth + 1;
  let maxAbs = 0;
  for (const row of table.rows) for (const c of row.cells) if (c) maxAbs = Math.max(maxAbs, Math.abs(value(c, metric)));
  const cellLink = (cohort: string, month: number) => `/app/cohorts/cell?${searchWith(params, { cohort, month: String(month), show: null })}`;
  const th: React.CSSProperties = { padding: "6px 8px", textAlign: "right", fontWeight: 600, whiteSpace: "nowrap", position: "sticky", top: 0, background: "var(--p-color-bg-surface)" };
  const td: React.CSSProperties = { padding: "6px 8px", textAlign: "right", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums", borderTop: "1px solid var(--p-color-border-secondary)" };
  const first: React.CSSProperties = { ...td, textAlign: "left", position: "sticky", left: 0, background: "var(--p-color-bg-surface)", zIndex: 1 };
  return (
    <div style={{ overflowX: "auto", maxWidth: "100%" }}>
      <table style={{ borderCollapse: "collapse", fontSize: 12 }} aria-label="Cohort triangle">
        <thead>
          <tr>
            <th style={{ ...th, textAlign: "left", left: 0, zIndex: 2 }}>Cohort</th>
            <th style={th}>Customers</th>
            {Array.from({ length: columns }, (_, k) => <th key={k} style={th} scope="col">M{k}</th>)}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.cohort}>
              <th scope="row" style={{ ...first, fontWeight: 600 }}>{row.cohort}</th>
              <td style={td}>{count(row.size)}</td>
              {row.cells.map((c, k) => {
                const p = c ? undefined : projected.get(row.cohort)?.get(k);
                if (p) {
                  const label = `${row.cohort}, month ${k}: projected ${money(p.estimate, shop)} per customer (${intervalText(p, shop, level)})`;
                  return (
                    <td key={k} data-projected="true" title={label} aria-label={label}
                      style={{ ...td, fontStyle: "italic", color: "var(--p-color-text-secondary)", background: "var(--p-color-bg-surface-secondary)",
                        outline: "1px dashed var(--p-color-border)", outlineOffset: -3 }}>
                      {money(p.estimate, shop)}
                    </td>
                  );
                }
                return (
                <td key={k} style={{ ...td, background: c ? heatColor(value(c, metric), maxAbs) : undefined, padding: 0 }}>
                  {c ? (
                    <RemixLink to={cellLink(row.cohort, k)} style={{ display: "block", padding: "6px 8px", color: "inherit", textDecoration: "none" }}
                      title={`${row.cohort}, month ${k}: the customers and orders behind this figure`}>
                      {display(c, metric, shop)}
                    </RemixLink>
                  ) : null}
                </td>
                );
              })}
            </tr>
          ))}
          <tr>
            <th scope="row" style={{ ...first, fontWeight: 650, borderTop: "2px solid var(--p-color-border)" }}>Weighted average</th>
            <td style={{ ...td, fontWeight: 650, borderTop: "2px solid var(--p-color-border)" }}>{count(table.rows.reduce((s, r) => s + r.size, 0))}</td>
            {table.average.cells.map((c, k) => (
              <td key={k} style={{ ...td, fontWeight: 650, borderTop: "2px solid var(--p-color-border)" }}>{display(c, metric, shop)}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function ProjectionLegend({ projection, metric }: { projection: Data["projection"]; metric: CohortView }) {
  if (!projection) return null;
  if (projection.status === "unavailable") return <Text as="p" variant="bodySm" tone="subdued">No projection yet: {projection.message}</Text>;
  if (projection.status === "filtered") {
    return <Text as="p" variant="bodySm" tone="subdued">Projections are shown for the unfiltered cohorts only: clear the filters to see them.</Text>;
  }
  if (metric !== "contributionMargin") return <Text as="p" variant="bodySm" tone="subdued">Projections are shown on the CM-LTV view.</Text>;
  const level = Math.round(projection.level * 100);
  return (
    <Text as="p" variant="bodySm" tone="subdued">
      <span style={{ fontStyle: "italic", padding: "0 4px", outline: "1px dashed var(--p-color-border)", background: "var(--p-color-bg-surface-secondary)" }}>
        Italic, dashed cells
      </span>{" "}
      are projected, {level}% interval in each cell&apos;s tooltip: what the cohort has earned so far plus the margin the model
      (BG/NBD × Gamma-Gamma, fitted on the history to {projection.calibrationEnd}) expects by the end of that month, undiscounted. The interval
      reflects how well the history pins the model down, not the month-to-month noise of actual orders.
      {projection.nonPositiveMarginCustomers > 0
        ? ` ${count(projection.nonPositiveMarginCustomers)} customers whose repeat orders lose money are projected at their own average margin (negative or zero), not dropped.`
        : ""}
      {projection.intervalMessage ? ` ${projection.intervalMessage}` : ""}
    </Text>
  );
}

function Horizons({ table, shop }: { table: Table; shop: Data["shop"] }) {
  const td: React.CSSProperties = { padding: "6px 10px", textAlign: "right", fontVariantNumeric: "tabular-nums", borderTop: "1px solid var(--p-color-border-secondary)" };
  const h = (x: Table["rows"][number]["horizons"][number]) => (x ? money(x.perCustomer.contributionMargin, shop) : "–");
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ borderCollapse: "collapse", fontSize: 13, width: "100%" }} aria-label="CM-LTV at fixed horizons">
        <thead>
          <tr>
            <th style={{ ...td, textAlign: "left", borderTop: 0 }}>Cohort</th>
            {table.horizonsDays.map((d) => <th key={d} style={{ ...td, borderTop: 0 }}>{d} days</th>)}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.cohort}>
              <td style={{ ...td, textAlign: "left" }}>{row.cohort}</td>
              {row.horizons.map((x, i) => <td key={i} style={td}>{h(x)}</td>)}
            </tr>
          ))}
          <tr>
            <td style={{ ...td, textAlign: "left", fontWeight: 650 }}>Weighted average</td>
            {table.average.horizons.map((x, i) => <td key={i} style={{ ...td, fontWeight: 650 }}>{h(x)}</td>)}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function FormulaCard({ formula, shop }: { formula: NonNullable<Data["formula"]>; shop: Data["shop"] }) {
  const m = formula.model;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Simple model vs. what cohorts returned</Text>
        {m && formula.inputs ? (
          <BlockStack gap="100">
            <Text as="p">
              CM per order {money(m.contributionMarginPerOrder, shop)} × {(m.ordersPerYearX10000 / 10_000).toFixed(2)} orders a year ×{" "}
              {(m.lifespanYearsX100 / 100).toFixed(2)} years (1 / (1 − {(formula.inputs.annualRetentionBps / 100).toFixed(1)}% retention))
            </Text>
            <Text as="p" variant="headingLg">Model CM-LTV: {money(m.cmLtv, shop)}</Text>
          </BlockStack>
        ) : null}
        {formula.observed12Months ? (
          <Text as="p">
            Observed: {money(formula.observed12Months.cmLtv, shop)} per customer in the first 12 months
            {formula.observed24Months ? `, ${money(formula.observed24Months.cmLtv, shop)} in 24 months` : ""}.
          </Text>
        ) : null}
        {formula.gap ? <Banner tone="warning" title={`The simple model is ${money(formula.gap.amount, shop)} higher`}><p>{formula.gap.explanation}</p></Banner> : null}
        {formula.notes.map((note) => <Text key={note} as="p" tone="subdued">{note}</Text>)}
      </BlockStack>
    </Card>
  );
}

export default function Cohorts() {
  const { shop, query, metric, table, options, formula, freshness, projection } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { download, exporting, exportError, clearError } = useCsvDownload();

  const header = (
    <Box paddingBlockEnd="200">
      <FreshnessLine freshness={freshness} timeZone={shop.ianaTimezone} />
    </Box>
  );
  if (!table || !options) {
    return (
      <Page title="Cohorts">
        {header}
        <Card><EmptyState heading="Your cohorts are being computed" image=""><p>This page updates by itself when they are ready.</p></EmptyState></Card>
      </Page>
    );
  }
  const exportCsv = () => download(`/app/cohorts.csv?${params.toString()}`, "cohorts.csv");
  const rowsWithData = table.rows.filter((r) => r.cells.some((c) => c));
  const selected = query.show ? query.show.split(",") : rowsWithData.slice(-6).map((r) => r.cohort);
  const series = rowsWithData.filter((r) => selected.includes(r.cohort)).map((r) => ({
    name: r.cohort,
    points: r.cells.filter((c) => c).map((c, k) => ({ key: String(k), value: c ? c.perCustomer.contributionMargin / 10 ** shop.currencyDigits : null })),
  }));
  const toggle = (cohort: string) => {
    const next = selected.includes(cohort) ? selected.filter((c) => c !== cohort) : [...selected, cohort].sort();
    navigate(`?${searchWith(params, { show: next.join(",") || null })}`, { preventScrollReset: true });
  };
  const setMetric = (param: string) => navigate(`?${searchWith(params, { metric: param })}`, { preventScrollReset: true });

  return (
    <Page title="Cohorts" fullWidth subtitle={`Customers by the month of their first order (${shop.ianaTimezone}) · cumulative per customer · ${shop.currency}`}
      secondaryActions={[{ content: "Export CSV", onAction: exportCsv, loading: exporting }]}>
      {header}
      <Layout>
        {exportError ? <Layout.Section><Banner tone="critical" title="Export failed" onDismiss={clearError}><p>{exportError}</p></Banner></Layout.Section> : null}
        <Layout.Section>
          <Card><Filters options={options} query={query} /></Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="h2" variant="headingMd">{METRICS.find((m) => m.value === metric)!.label} by months since the first order</Text>
                <ButtonGroup variant="segmented">
                  {METRICS.map((m) => (
                    <Button key={m.param} pressed={m.value === metric} onClick={() => setMetric(m.param)}>{m.label}</Button>
                  ))}
                </ButtonGroup>
              </InlineStack>
              {table.rows.length === 0 ? (
                <Text as="p" tone="subdued">No customers match these filters.</Text>
              ) : (
                <Heatmap table={table} metric={metric} shop={shop} projection={projection} />
              )}
              <Text as="p" variant="bodySm" tone="subdued">
                Each cell is the cohort&apos;s cumulative {metric === "retention" ? "share of customers who ordered again" : "value per customer"} by the end of
                that month; refunds count in the month they were made. Months that have not ended are blank (or projected). Click a cell for the customers and orders behind it.
              </Text>
              <ProjectionLegend projection={projection} metric={metric} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Cumulative CM-LTV curves</Text>
              <InlineStack gap="100" wrap>
                {rowsWithData.map((r) => (
                  <Button key={r.cohort} size="micro" pressed={selected.includes(r.cohort)} onClick={() => toggle(r.cohort)}>{r.cohort}</Button>
                ))}
              </InlineStack>
              <ClientLineChart label="Cumulative CM-LTV per customer by month" series={series}
                yFormat={(v) => money(Math.round(v * 10 ** shop.currencyDigits), shop)} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">CM-LTV at fixed horizons</Text>
              <Horizons table={table} shop={shop} />
              <Text as="p" variant="bodySm" tone="subdued">Per customer, from the day of the first order; blank until the cohort&apos;s youngest customer has had that long.</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          {formula ? <FormulaCard formula={formula} shop={shop} /> : null}
        </Layout.Section>
      </Layout>
    </Page>
  );
}
