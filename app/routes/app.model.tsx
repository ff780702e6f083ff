import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, DataTable, EmptyState, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { getModelReport, type BacktestReport } from "~/analytics/model.server";
import { requireShop } from "~/auth/shop-context.server";
import { count, dateInZone, money } from "~/components/format";
import db from "~/db.server";

export const meta: MetaFunction = () => [{ title: "Model · Margin LTV" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const { report, computedAt } = await getModelReport(db, shop);
  return {
    shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone },
    report,
    computedAt: computedAt.toISOString(),
  };
};

const pct = (value: number | null) => (value === null ? "–" : `${value > 0 ? "+" : ""}${(value * 100).toFixed(1)}%`);

/** How far to trust the forecast, in words, from the backtest's error and correlation. */
export function verdict(backtest: BacktestReport): { tone: "success" | "warning" | "critical"; text: string } {
  const error = Math.abs(backtest.purchases.relativeError ?? 1);
  const correlation = backtest.purchases.correlation ?? 0;
  if (error <= 0.15 && correlation >= 0.5) {
    return { tone: "success", text: `The model predicted the last ${Math.round(backtest.holdoutWeeks)} weeks within ${(error * 100).toFixed(0)}% and ranks customers well (correlation ${correlation.toFixed(2)}): its forecasts are a reasonable guide for this store.` };
  }
  if (error <= 0.3 && correlation >= 0.3) {
    return { tone: "warning", text: `The model was off by ${(error * 100).toFixed(0)}% on the holdout (correlation ${correlation.toFixed(2)}): use its forecasts as a rough range, not a number to plan on.` };
  }
  return { tone: "critical", text: `The model missed the holdout by ${(error * 100).toFixed(0)}% (correlation ${correlation.toFixed(2)}): do not rely on its forecasts for this store yet.` };
}

function CalibrationChart({ groups }: { groups: BacktestReport["byFrequency"] }) {
  const max = Math.max(0.01, ...groups.flatMap((g) => [g.meanPredicted, g.meanActual]));
  const bar = (value: number, color: string) => (
    <div style={{ height: 10, width: `${(value / max) * 100}%`, minWidth: value > 0 ? 2 : 0, background: color, borderRadius: 3 }} />
  );
  return (
    <BlockStack gap="200">
      <InlineStack gap="400">
        <InlineStack gap="100" blockAlign="center"><div style={{ width: 12, height: 10, background: "#2c6ecb" }} /><Text as="span" variant="bodySm">Predicted</Text></InlineStack>
        <InlineStack gap="100" blockAlign="center"><div style={{ width: 12, height: 10, background: "#8a8a8a" }} /><Text as="span" variant="bodySm">Actual</Text></InlineStack>
      </InlineStack>
      {groups.map((group) => (
        <InlineGrid key={group.label} columns="140px 1fr 120px" gap="200" alignItems="center">
          <Text as="span" variant="bodySm">
            {group.label} repeat{group.label === "1" ? "" : "s"} ({count(group.customers)})
          </Text>
          <BlockStack gap="050">
            {bar(group.meanPredicted, "#2c6ecb")}
            {bar(group.meanActual, "#8a8a8a")}
          </BlockStack>
          <Text as="span" variant="bodySm" numeric alignment="end">
            {group.meanPredicted.toFixed(2)} / {group.meanActual.toFixed(2)}
          </Text>
        </InlineGrid>
      ))}
    </BlockStack>
  );
}

export default function ModelPage() {
  const { shop, report, computedAt } = useLoaderData<typeof loader>();
  const zone = shop.ianaTimezone;
  const backtest = report.backtest;
  const forecast = report.forecast;
  const subtitle = `BG/NBD purchases x Gamma-Gamma margin per order · computed ${dateInZone(computedAt, zone, true)}`;

  if (!backtest && !forecast) {
    return (
      <Page title="Model" subtitle={subtitle}>
        <Card>
          <EmptyState heading="Not enough history to fit the model yet" image="">
            <p>{report.backtestError ?? report.forecastError ?? "The model needs customers with repeat orders."}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const check = backtest ? verdict(backtest) : null;
  return (
    <Page title="Model" subtitle={subtitle}>
      <Layout>
        {check && backtest ? (
          <Layout.Section>
            <BlockStack gap="400">
              <Banner tone={check.tone} title="Can you trust the forecast?">
                <p>{check.text}</p>
              </Banner>
              <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
                <Card>
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm" tone="subdued">Holdout purchases</Text>
                    <Text as="p" variant="headingLg" numeric>
                      {backtest.purchases.predicted.toFixed(0)} predicted · {count(backtest.purchases.actual)} actual
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      Error {pct(backtest.purchases.relativeError)}. Fitted on orders to {backtest.calibrationEnd}, checked on{" "}
                      {backtest.calibrationEnd} – {backtest.holdoutEnd} ({Math.round(backtest.holdoutWeeks)} weeks), {count(backtest.customers)} customers.
                    </Text>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm" tone="subdued">Holdout contribution margin</Text>
                    <Text as="p" variant="headingLg" numeric>
                      {backtest.margin ? `${money(Math.round(backtest.margin.predicted), shop)} vs ${money(Math.round(backtest.margin.actual), shop)}` : "not modelled"}
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {backtest.margin ? `Predicted against actual, error ${pct(backtest.margin.relativeError)}.` : "Margin per order could not be modelled (see below)."}
                    </Text>
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm" tone="subdued">Individual accuracy</Text>
                    <Text as="p" variant="headingLg" numeric>
                      {backtest.purchases.correlation === null ? "–" : backtest.purchases.correlation.toFixed(2)}
                    </Text>
                    <Text as="p" variant="bodySm" tone="subdued">
                      Correlation of each customer's predicted and actual purchases (1 is perfect; the model's authors report 0.63 on CDNOW).
                    </Text>
                  </BlockStack>
                </Card>
              </InlineGrid>
              {backtest.messages.length ? (
                <Banner tone="info">
                  {backtest.messages.map((text) => <p key={text}>{text}</p>)}
                </Banner>
              ) : null}
            </BlockStack>
          </Layout.Section>
        ) : (
          <Layout.Section>
            <Banner tone="warning" title="No backtest">
              <p>{report.backtestError}</p>
            </Banner>
          </Layout.Section>
        )}
        {backtest ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Calibration by past purchases</Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  Customers grouped by their repeat purchases before the cut-off; mean purchases per customer in the holdout.
                </Text>
                <CalibrationChart groups={backtest.byFrequency} />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Forecast CM-LTV by acquisition cohort</Text>
              {forecast ? (
                <>
                  <Text as="p" variant="bodySm" tone="subdued">
                    Expected contribution margin per customer over the next {report.settings.horizonMonths} months, discounted at{" "}
                    {(report.settings.monthlyDiscountRate * 100).toFixed(1)}% a month, with a 95% interval from the parameters' uncertainty.
                    Customers whose repeat orders lose money are forecast at their own margin, not dropped.
                  </Text>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "text", "numeric"]}
                    headings={["Cohort", "Customers", "Expected CM per customer", "95% interval", "Losing money"]}
                    rows={forecast.cohorts.map((row) => [
                      row.cohort,
                      count(row.customers),
                      money(row.estimate, shop),
                      row.lower === null || row.upper === null ? "–" : `${money(row.lower, shop)} – ${money(row.upper, shop)}`,
                      count(row.nonPositiveMarginCustomers),
                    ])}
                    totals={["", count(forecast.customers), money(forecast.customers ? Math.round(forecast.totalEstimate / forecast.customers) : 0, shop), "", ""]}
                    showTotalsInFooter
                  />
                </>
              ) : (
                <Banner tone="warning"><p>{report.forecastError}</p></Banner>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        {backtest ? (
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Fitted parameters</Text>
                <Box>
                  <Text as="p" variant="bodySm" numeric>
                    BG/NBD r {backtest.bgnbd.r.toFixed(4)}, α {backtest.bgnbd.alpha.toFixed(4)}, a {backtest.bgnbd.a.toFixed(4)}, b {backtest.bgnbd.b.toFixed(4)}
                  </Text>
                  <Text as="p" variant="bodySm" numeric>
                    {backtest.gammaGamma
                      ? `Gamma-Gamma p ${backtest.gammaGamma.p.toFixed(3)}, q ${backtest.gammaGamma.q.toFixed(3)}, v ${backtest.gammaGamma.v.toFixed(1)}`
                      : "Gamma-Gamma not fitted"}
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">Fitted on the orders before the cut-off, in weeks.</Text>
                </Box>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
