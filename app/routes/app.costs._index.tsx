import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { count, money, percent } from "~/components/format";
import { costsHub } from "~/costs/hub.server";
import { setUseActualPaymentFees } from "~/costs/settings.server";
import { RecomputeStatus } from "~/costs/ui";
import db from "~/db.server";
import { requestRecompute } from "~/margins/schedule.server";

export const meta: MetaFunction = () => [{ title: "Costs · Margin LTV" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const hub = await costsHub(db, shop);
  return { shop: { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone }, hub };
};

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("recompute") }),
  z.object({ intent: z.literal("actual-fees"), value: z.enum(["on", "off"]) }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ ok: false as const, message: "Unknown request" }, { status: 400 });
  if (parsed.data.intent === "actual-fees") await setUseActualPaymentFees(db, shop.id, parsed.data.value === "on");
  await requestRecompute(db, shop.id);
  return json({ ok: true as const, message: "Recomputing margins with the current costs" });
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function ComponentCard({ component }: { component: Data["hub"]["components"][number] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{component.label}</Text>
          <Button url={`/app/costs/${component.slug}`} variant="plain">{component.current ? "Change" : "Set up"}</Button>
        </InlineStack>
        {component.current ? (
          <BlockStack gap="100">
            <Text as="p" fontWeight="semibold">{component.current.description}</Text>
            <Text as="p" variant="bodySm" tone="subdued">In force since {component.current.validFrom}</Text>
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">Not set: orders count this cost as 0 and are flagged as missing it.</Text>
        )}
        {component.history.length > 1 || component.history.some((h) => h.state === "scheduled") ? (
          <DataTable columnContentTypes={["text", "text", "text"]} headings={["From", "Cost", ""]} increasedTableDensity
            rows={component.history.map((h) => [h.validFrom, h.description, h.state === "in force" ? <Badge tone="success">in force</Badge> : h.state === "scheduled" ? <Badge tone="info">scheduled</Badge> : <Badge>past</Badge>])} />
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function CostsHub() {
  const { hub, shop } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const recompute = () => fetcher.submit({ intent: "recompute" }, { method: "post" });
  const coverage = hub.coverage;
  const covered = coverage ? coverage.known + coverage.estimated + coverage.missing : 0;
  return (
    <Page title="Costs" subtitle={`Every variable cost the contribution margin subtracts · ${shop.currency} · effective-dated: a change applies from its date on`}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <RecomputeStatus status={hub.status} onRecompute={recompute} recomputing={fetcher.state !== "idle" || fetcher.data?.ok === true} />
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">Cost of goods per variant</Text>
                  <Button url="/app/costs/cogs" variant="primary">Edit COGS</Button>
                </InlineStack>
                <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">Variants with a cost</Text>
                    <Text as="span" variant="headingLg">{count(hub.variants.total - hub.variants.withoutCost)} of {count(hub.variants.total)}</Text>
                  </BlockStack>
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">Revenue with a known COGS</Text>
                    <Text as="span" variant="headingLg">{coverage && covered ? percent(coverage.known / covered) : "–"}</Text>
                  </BlockStack>
                  <BlockStack gap="050">
                    <Text as="span" tone="subdued" variant="bodySm">Revenue with estimated COGS (default %)</Text>
                    <Text as="span" variant="headingLg">{coverage && covered ? percent(coverage.estimated / covered) : "–"}</Text>
                  </BlockStack>
                </InlineGrid>
                {hub.topWithoutCost.length ? (
                  <BlockStack gap="200">
                    <Text as="h3" variant="headingSm">Top revenue variants without a cost</Text>
                    <DataTable columnContentTypes={["text", "text", "numeric", "numeric"]} headings={["Variant", "SKU", "Units sold", "Revenue"]} increasedTableDensity
                      rows={hub.topWithoutCost.map((v) => [
                        <RemixLink key={v.variantId} to={`/app/costs/cogs?q=${encodeURIComponent(v.sku ?? v.variantId)}`}>{v.title}</RemixLink>,
                        v.sku ?? "–", count(v.units), money(v.revenue, shop),
                      ])} />
                    <Text as="p" variant="bodySm" tone="subdued">Their COGS is estimated with the default % until you enter a cost.</Text>
                  </BlockStack>
                ) : hub.variants.total ? <Text as="p" tone="success">Every variant has a cost.</Text> : null}
              </BlockStack>
            </Card>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              {hub.components.map((component) => <ComponentCard key={component.key} component={component} />)}
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">Service contacts</Text>
                    <Button url="/app/costs/service" variant="plain">Import</Button>
                  </InlineStack>
                  <Text as="p">{count(hub.service.contacts)} contacts{hub.service.unattributed ? `, ${count(hub.service.unattributed)} not matched to an order` : ""}</Text>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">Marketing spend</Text>
                    <Button url="/app/costs/marketing" variant="plain">{hub.marketing.rows ? "Change" : "Set up"}</Button>
                  </InlineStack>
                  <Text as="p">
                    {hub.marketing.rows ? `${money(hub.marketing.total, shop)} over ${hub.marketing.months} months (${hub.marketing.first} to ${hub.marketing.last}), ${hub.marketing.channels.join(", ")}` : "No marketing spend yet: it is the CAC input of LTV:CAC."}
                  </Text>
                </BlockStack>
              </Card>
            </InlineGrid>
            <Box paddingBlockEnd="400">
              <Card>
                <InlineStack align="space-between" blockAlign="center">
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">Shopify Payments fees from transactions</Text>
                    <Text as="p" tone="subdued">When on, an order's real processor fee (reported on its Shopify Payments transactions) replaces the configured rate.</Text>
                  </BlockStack>
                  <Button onClick={() => fetcher.submit({ intent: "actual-fees", value: hub.useActualPaymentFees ? "off" : "on" }, { method: "post" })}
                    pressed={hub.useActualPaymentFees}>{hub.useActualPaymentFees ? "On" : "Off"}</Button>
                </InlineStack>
              </Card>
            </Box>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
