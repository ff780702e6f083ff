import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, EmptyState, Page, Text } from "@shopify/polaris";
import { getSegmentsView, type SegmentPredictions } from "~/analytics/segments.server";
import { requireShop } from "~/auth/shop-context.server";
import { FreshnessLine } from "~/components/analytics/Freshness";
import { useCsvDownload } from "~/components/csv-download";
import { count, money } from "~/components/format";
import db from "~/db.server";
import { segmentRowKey } from "~/domain/analytics";

export const meta: MetaFunction = () => [{ title: "Segments · Margin LTV" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const view = await getSegmentsView(db, shop.id);
  return { shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone }, ...view };
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = NonNullable<Data["table"]>["total"];

const pct = (bps: number | null) => (bps === null ? "–" : `${(bps / 100).toFixed(1)}%`);

/** "Oct 2027" from the local date "2027-10-31". */
const monthLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });

type Ready = Extract<SegmentPredictions, { status: "ready" }>;

function PredictedCell({ row, predictions, shop, style }: { row: Row; predictions: Ready | null; shop: Data["shop"]; style: React.CSSProperties }) {
  const p = predictions?.rows[segmentRowKey(row)];
  if (!predictions || !p) return <td style={style}>–</td>;
  const interval = p.lower === null || p.upper === null ? null : `${money(p.lower, shop)} – ${money(p.upper, shop)}`;
  const label = `${row.label}: predicted ${money(p.estimate, shop)} per customer by the end of ${monthLabel(predictions.horizonEnd)}` +
    (interval ? ` (${Math.round(predictions.level * 100)}% interval ${interval})` : "");
  return (
    <td style={{ ...style, fontStyle: "italic" }} data-predicted="true" title={label} aria-label={label}>
      <div style={{ color: p.estimate < 0 ? "var(--p-color-text-critical)" : undefined }}>{money(p.estimate, shop)}</div>
      {interval ? <div style={{ fontSize: 11, color: "var(--p-color-text-secondary)" }}>{interval}</div> : null}
    </td>
  );
}

function SegmentTableView({ label, rows, shop, total, predictions }: { label: string; rows: Row[]; shop: Data["shop"]; total?: Row; predictions: Ready | null }) {
  const m = (v: number | null) => (v === null ? "–" : money(v, shop));
  const cellStyle: React.CSSProperties = { padding: "6px 10px", textAlign: "right", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums", borderTop: "1px solid var(--p-color-border-secondary)" };
  const headings = ["Segment", "Customers", "Share of revenue", "Share of margin", "CM-LTV",
    predictions ? `Predicted CM-LTV by ${monthLabel(predictions.horizonEnd)}` : "Predicted CM-LTV",
    "Revenue LTV", "CM per order", "Return rate", "Discount load", "Contacts / order"];
  const line = (s: Row, strong = false) => (
    <tr key={s.key} style={{ background: s.highlight ? "var(--p-color-bg-surface-warning)" : undefined, fontWeight: strong ? 650 : undefined }}>
      <td style={{ ...cellStyle, textAlign: "left", whiteSpace: "normal", minWidth: 160 }}>
        <BlockStack gap="050">
          <span>{s.label} {s.highlight ? <Badge tone="warning">Revenue, not margin</Badge> : null}</span>
          {s.highlight ? <Text as="span" variant="bodySm" tone="subdued">{s.highlight}</Text> : null}
        </BlockStack>
      </td>
      <td style={cellStyle}>{count(s.customers)}</td>
      <td style={cellStyle}>{pct(s.revenueShareBps)}</td>
      <td style={cellStyle}>{pct(s.marginShareBps)}</td>
      <td style={{ ...cellStyle, color: s.cmLtv !== null && s.cmLtv < 0 ? "var(--p-color-text-critical)" : undefined }}>{m(s.cmLtv)}</td>
      <PredictedCell row={s} predictions={predictions} shop={shop} style={cellStyle} />
      <td style={cellStyle}>{m(s.revenueLtv)}</td>
      <td style={cellStyle}>{m(s.cmPerOrder)}</td>
      <td style={cellStyle}>{pct(s.returnRateBps)}</td>
      <td style={cellStyle}>{pct(s.discountLoadBps)}</td>
      <td style={cellStyle}>{s.serviceContactsPerOrderX100 === null ? "–" : (s.serviceContactsPerOrderX100 / 100).toFixed(2)}</td>
    </tr>
  );
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ borderCollapse: "collapse", width: "100%", fontSize: 13 }} aria-label={label}>
        <thead>
          {/* Headings wrap (cells do not), so every column fits a 1280 px admin without scrolling. */}
          <tr>{headings.map((h, i) => <th key={h} style={{ ...cellStyle, borderTop: 0, textAlign: i === 0 ? "left" : "right", fontWeight: 600, whiteSpace: "normal", verticalAlign: "bottom" }}>{h}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((s) => line(s))}
          {total ? line(total, true) : null}
        </tbody>
      </table>
    </div>
  );
}

function PredictionLegend({ predictions }: { predictions: Data["predictions"] }) {
  if (!predictions) return null;
  if (predictions.status === "unavailable") {
    return <Text as="p" variant="bodySm" tone="subdued">No predicted CM-LTV yet: {predictions.message}</Text>;
  }
  return (
    <Text as="p" variant="bodySm" tone="subdued">
      <em>Predicted CM-LTV</em> is what a segment&apos;s customers have earned so far plus the margin the model (BG/NBD × Gamma-Gamma, as on
      the <RemixLink to="/app/model">Model</RemixLink> page) expects from them by {predictions.horizonEnd}, undiscounted, with its{" "}
      {Math.round(predictions.level * 100)}% interval below it. The interval reflects how well the history pins the model down, not the
      noise of actual orders.{predictions.intervalMessage ? ` ${predictions.intervalMessage}` : ""}
    </Text>
  );
}

export default function Segments() {
  const { shop, table, predictions, freshness } = useLoaderData<typeof loader>();
  const ready = predictions?.status === "ready" ? predictions : null;
  const { download, exporting, exportError, clearError } = useCsvDownload();
  const header = <Box paddingBlockEnd="200"><FreshnessLine freshness={freshness} timeZone={shop.ianaTimezone} /></Box>;
  if (!table) {
    return (
      <Page title="Segments">
        {header}
        <Card><EmptyState heading="Your segments are being computed" image=""><p>This page updates by itself when they are ready.</p></EmptyState></Card>
      </Page>
    );
  }
  const exportCsv = () => download("/app/segments.csv", "segments.csv");
  return (
    <Page title="Segments" fullWidth subtitle={`${count(table.total.customers)} customers · lifetime figures · ${shop.currency}`}
      secondaryActions={[{ content: "Export CSV", onAction: exportCsv, loading: exporting, disabled: table.total.customers === 0 },
        { content: "Thresholds", url: "/app/settings" }]}>
      {header}
      <BlockStack gap="400">
        {exportError ? <Banner tone="critical" title="Export failed" onDismiss={clearError}><p>{exportError}</p></Banner> : null}
        {table.total.customers === 0 ? (
          <Card><EmptyState heading="No customers yet" image=""><p>Segments appear once customers have placed orders and their margins are computed.</p></EmptyState></Card>
        ) : null}
        {table.highlights.length > 0 ? (
          <Banner tone="warning" title="Valuable on revenue, not on margin">
            <BlockStack gap="100">
              {table.highlights.map((h) => <p key={`${h.dimension}-${h.key}`}><strong>{h.label}</strong>: {h.highlight}</p>)}
            </BlockStack>
          </Banner>
        ) : null}
        {table.total.customers > 0 ? <PredictionLegend predictions={predictions} /> : null}
        {table.total.customers > 0 ? table.groups.map((group) => (
          <Card key={group.dimension}>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">{group.label}</Text>
              {group.dimension === "behaviour" ? (
                <Text as="p" variant="bodySm" tone="subdued">Behaviour segments overlap: a customer can be in several, so shares do not add up to 100%. <RemixLink to="/app/settings">Thresholds</RemixLink></Text>
              ) : null}
              <SegmentTableView label={group.label} rows={group.segments.slice(0, 50)} shop={shop} total={table.total} predictions={ready} />
              {group.segments.length > 50 ? <Text as="p" variant="bodySm" tone="subdued">The 50 largest of {count(group.segments.length)} segments; the CSV has them all.</Text> : null}
            </BlockStack>
          </Card>
        )) : null}
      </BlockStack>
    </Page>
  );
}
