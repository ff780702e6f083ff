import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import type { BadgeProps } from "@shopify/polaris";
import { Badge, Banner, BlockStack, Box, Button, ButtonGroup, Card, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { getLtvCacView, horizonOf } from "~/analytics/ltv-cac.server";
import { LTV_CAC_HORIZONS } from "~/analytics/ltv-cac-options";
import { requireShop } from "~/auth/shop-context.server";
import { FreshnessLine } from "~/components/analytics/Freshness";
import { useCsvDownload } from "~/components/csv-download";
import { count, money } from "~/components/format";
import db from "~/db.server";
import { channelLabel } from "~/domain/analytics";
import type { LtvCacBand } from "~/domain/economics/simple-ltv";
import { LTV_CAC_BANDS } from "~/domain/economics/simple-ltv";

export const meta: MetaFunction = () => [{ title: "LTV:CAC · Margin LTV" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const horizon = horizonOf(new URL(request.url).searchParams.get("horizon"));
  const view = await getLtvCacView(db, shop.id, horizon);
  return { shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone }, horizon, ...view };
};

export const BAND_TONE: Record<LtvCacBand, BadgeProps["tone"]> = {
  losing_money: "critical", fragile: "warning", below_target: "attention", healthy: "success", strong: "success", under_investing: "info",
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function BandBadge({ band }: { band: LtvCacBand }) {
  const info = LTV_CAC_BANDS.find((b) => b.band === band)!;
  return <Badge tone={BAND_TONE[band]}>{info.label}</Badge>;
}

function Benchmark({ report, shop }: { report: NonNullable<Data["report"]>; shop: Data["shop"] }) {
  const b = report.benchmark;
  if (!b) {
    return (
      <Text as="p" tone="subdued">
        Choose your store&apos;s vertical in <RemixLink to="/app/settings">Settings</RemixLink> to compare your contribution margin and CM-LTV with typical DTC stores.
      </Text>
    );
  }
  const word = { below: "below the typical range", within: "within the typical range", above: "above the typical range" } as const;
  return (
    <BlockStack gap="200">
      <Text as="p">
        Contribution margin: <strong>{b.contributionMargin.storeBps === null ? "–" : `${(b.contributionMargin.storeBps / 100).toFixed(1)}%`}</strong> of revenue
        against {b.contributionMargin.range.min / 100}–{b.contributionMargin.range.max / 100}% for {b.vertical.label}
        {b.contributionMargin.verdict ? ` (${word[b.contributionMargin.verdict]})` : ""}.
      </Text>
      <Text as="p">
        CM-LTV at {report.horizonMonths} months: <strong>{b.cmLtv.store === null ? "–" : money(b.cmLtv.store, shop)}</strong> against €{b.cmLtv.range.min / 100}–€{b.cmLtv.range.max / 100}
        {b.cmLtv.verdict ? ` (${word[b.cmLtv.verdict]})` : ""}.
      </Text>
      {b.cmLtv.note ? <Text as="p" variant="bodySm" tone="subdued">{b.cmLtv.note}</Text> : null}
    </BlockStack>
  );
}

export default function LtvCac() {
  const { shop, horizon, report, spendRows, freshness, computed } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { download, exporting, exportError, clearError } = useCsvDownload();
  const header = <Box paddingBlockEnd="200"><FreshnessLine freshness={freshness} timeZone={shop.ianaTimezone} /></Box>;
  if (!computed || !report) {
    return (
      <Page title="LTV:CAC">
        {header}
        <Card><EmptyState heading="LTV:CAC is being computed" image=""><p>This page updates by itself when it is ready.</p></EmptyState></Card>
      </Page>
    );
  }
  if (spendRows === 0) {
    return (
      <Page title="LTV:CAC">
        {header}
        <Card>
          <EmptyState heading="Add your marketing spend to see CAC" image="" action={{ content: "Enter marketing spend", url: "/app/costs/marketing" }}>
            <p>CAC is marketing spend per month and channel divided by the new customers it brought. Enter or import your spend on the Costs page.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const m = (v: number | null) => (v === null ? "–" : money(v, shop));
  // spendKnown is absent from snapshots computed before it existed: treat those as known, as they were.
  const noSpend = report.rows.filter((r) => r.channel !== null && r.spendKnown === false && r.customers > 0);
  const unknownCac = <span title="No marketing spend is mapped to this channel, so its CAC is unknown">–</span>;
  const exportCsv = (table: "ltv" | "cac") => download(`/app/ltv-cac.csv?horizon=${horizon}&table=${table}`, `ltv-cac-${table}.csv`);
  const td: React.CSSProperties = { padding: "6px 10px", textAlign: "right", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums", borderTop: "1px solid var(--p-color-border-secondary)" };
  const thStyle: React.CSSProperties = { ...td, borderTop: 0, fontWeight: 600 };
  return (
    <Page title="LTV:CAC" fullWidth subtitle={`Contribution-margin LTV against acquisition cost · ${shop.currency}`}
      secondaryActions={[{ content: "Export LTV:CAC CSV", onAction: () => exportCsv("ltv"), loading: exporting }, { content: "Export CAC CSV", onAction: () => exportCsv("cac") }]}>
      {header}
      <Layout>
        {exportError ? <Layout.Section><Banner tone="critical" title="Export failed" onDismiss={clearError}><p>{exportError}</p></Banner></Layout.Section> : null}
        <Layout.Section variant="fullWidth">
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center" gap="200">
                <Text as="h2" variant="headingMd">LTV:CAC at {horizon} months</Text>
                <ButtonGroup variant="segmented">
                  {LTV_CAC_HORIZONS.map((h) => (
                    <Button key={h} pressed={h === horizon} onClick={() => {
                      const next = new URLSearchParams(params);
                      next.set("horizon", String(h));
                      navigate(`?${next.toString()}`, { preventScrollReset: true });
                    }}>{`${h} months`}</Button>
                  ))}
                </ButtonGroup>
              </InlineStack>
              <div style={{ overflowX: "auto" }}>
                <table style={{ borderCollapse: "collapse", width: "100%", fontSize: 13 }} aria-label="LTV:CAC by channel">
                  <thead>
                    <tr>
                      {["Channel", "Customers", "Spend", "CAC", "CM-LTV", "CM-LTV:CAC", "Revenue LTV", "Revenue LTV:CAC", "Payback"].map((h, i) => (
                        <th key={h} style={{ ...thStyle, textAlign: i === 0 ? "left" : "right" }}>{h}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {report.rows.map((r) => (
                      <tr key={r.channel ?? "all"} style={{ fontWeight: r.channel === null ? 650 : undefined }}>
                        <td style={{ ...td, textAlign: "left" }}>{r.channel === null ? "All channels" : channelLabel(r.channel)}</td>
                        <td style={td}>{count(r.customers)}</td>
                        <td style={td}>{r.spendKnown !== false ? m(r.spend) : "–"}</td>
                        <td style={td}>{r.spendKnown !== false ? m(r.cac) : unknownCac}</td>
                        <td style={td}>{m(r.cmLtv)}</td>
                        <td style={td}>{r.cmLtvToCac ? <InlineStack gap="100" align="end" wrap={false}><span>{r.cmLtvToCac.display}</span><BandBadge band={r.cmLtvToCac.band} /></InlineStack> : "–"}</td>
                        <td style={td}>{m(r.revenueLtv)}</td>
                        <td style={td}>{r.revenueLtvToCac?.display ?? "–"}</td>
                        <td style={td}>{r.spendKnown === false || r.spend === 0 ? "–" : r.paybackMonth === null ? "not yet" : `month ${r.paybackMonth}`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Text as="p" variant="bodySm" tone="subdued">
                Acquisition months whose month {horizon - 1} has ended. CM-LTV:CAC = their cumulative contribution margin / their spend; revenue LTV:CAC
                is shown for comparison and is not banded: the bands are for margin. Payback: the first month after acquisition where cumulative CM covers the spend.
              </Text>
              {noSpend.length ? (
                <Text as="p" variant="bodySm" tone="subdued">
                  No marketing spend is mapped to {noSpend.map((r) => channelLabel(r.channel)).join(", ")}, so {noSpend.length === 1 ? "its" : "their"} CAC
                  is unknown (–), not zero. <RemixLink to="/app/settings">Map your marketing channels in Settings</RemixLink>.
                </Text>
              ) : null}
              {report.unmatchedSpendChannels.length ? (
                <Banner tone="info" title="Spend on channels with no customers">
                  <p>{report.unmatchedSpendChannels.join(", ")}: map marketing channel names to Shopify channels in Settings.</p>
                </Banner>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">What the bands mean</Text>
              {LTV_CAC_BANDS.map((b) => (
                <InlineStack key={b.band} gap="200" blockAlign="center" wrap={false}>
                  <Box minWidth="150px"><BandBadge band={b.band} /></Box>
                  <Text as="span" variant="bodySm">
                    {b.fromX100 === null ? `below ${b.toX100! / 100}x` : b.toX100 === null ? `above ${b.fromX100 / 100}x` : `${b.fromX100 / 100}–${b.toX100 / 100}x`}: {b.meaning}
                  </Text>
                </InlineStack>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Against your vertical</Text>
              <Benchmark report={report} shop={shop} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="fullWidth">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">CAC by month and channel</Text>
              <div style={{ overflowX: "auto", maxHeight: 480 }}>
                <table style={{ borderCollapse: "collapse", width: "100%", fontSize: 13 }} aria-label="CAC by month and channel">
                  <thead><tr>{["Month", "Channel", "Spend", "New customers", "CAC"].map((h, i) => <th key={h} style={{ ...thStyle, textAlign: i < 2 ? "left" : "right" }}>{h}</th>)}</tr></thead>
                  <tbody>
                    {report.cac.map((r) => (
                      <tr key={`${r.month}-${r.channel ?? "all"}`} style={{ fontWeight: r.channel === null ? 650 : undefined }}>
                        <td style={{ ...td, textAlign: "left" }}>{r.month}</td>
                        <td style={{ ...td, textAlign: "left" }}>{r.channel === null ? "All channels" : channelLabel(r.channel)}</td>
                        <td style={td}>{r.spendKnown !== false ? m(r.spend) : "–"}</td>
                        <td style={td}>{count(r.newCustomers)}</td>
                        <td style={td}>{m(r.cac)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
