import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { ZodError } from "zod";
import { getAnalyticsSettings, listChannelOptions, parseChannelMapping, saveAnalyticsSettings } from "~/analytics/settings.server";
import { requestAnalyticsRefresh } from "~/analytics/snapshot.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import type { SegmentThresholds, ThresholdDescription } from "~/domain/analytics";
import { channelLabel, DEFAULT_SEGMENT_THRESHOLDS, parseSegmentThresholds, SEGMENT_THRESHOLD_DESCRIPTIONS } from "~/domain/analytics";
import { VERTICAL_BENCHMARKS } from "~/domain/economics/vertical-benchmarks";

export const meta: MetaFunction = () => [{ title: "Settings · Margin LTV" }];

type Key = keyof SegmentThresholds;
const KEYS = Object.keys(DEFAULT_SEGMENT_THRESHOLDS) as Key[];

/** Stored units (basis points, contacts x100) to what the form shows (percent, contacts) and back. */
export function toField(value: number, unit: ThresholdDescription["unit"]): string {
  return unit === "bps" || unit === "contacts_x100" ? (value / 100).toFixed(2).replace(/\.?0+$/, "") : String(value);
}

function fromField(text: string, unit: ThresholdDescription["unit"]): number {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return NaN;
  return unit === "bps" || unit === "contacts_x100" ? Math.round(Number(trimmed) * 100) : Number(trimmed);
}

const UNIT_LABEL: Record<ThresholdDescription["unit"], string> = { bps: "%", orders: "orders", days: "days", contacts_x100: "contacts / order", customers: "customers" };

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const [settings, channels] = await Promise.all([getAnalyticsSettings(db, shop.id), listChannelOptions(db, shop.id)]);
  return {
    thresholds: settings.thresholds, vertical: settings.vertical, channelMapping: settings.channelMapping, channels,
    verticals: VERTICAL_BENCHMARKS.map((v) => ({ value: v.vertical, label: v.label })),
  };
};

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const form = await request.formData();
  const values: Record<string, number> = {};
  const errors: Partial<Record<Key | "vertical" | `map:${string}`, string>> = {};
  for (const key of KEYS) {
    const value = fromField(String(form.get(key) ?? ""), SEGMENT_THRESHOLD_DESCRIPTIONS[key].unit);
    if (Number.isNaN(value)) errors[key] = "Enter a number";
    values[key] = value;
  }
  const vertical = String(form.get("vertical") ?? "");
  if (vertical && !VERTICAL_BENCHMARKS.some((v) => v.vertical === vertical)) errors.vertical = "Unknown vertical";
  let thresholds: SegmentThresholds | null = null;
  try {
    thresholds = parseSegmentThresholds(Object.fromEntries(Object.entries(values).filter(([, v]) => !Number.isNaN(v))));
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    for (const issue of error.issues) {
      const key = issue.path[0] as Key;
      const unit = SEGMENT_THRESHOLD_DESCRIPTIONS[key]?.unit;
      errors[key] ??= issue.code === "too_small" ? `Must be at least ${toField(Number(issue.minimum), unit)}`
        : issue.code === "too_big" ? `Must be at most ${toField(Number(issue.maximum), unit)}`
          : issue.code === "invalid_type" && issue.expected === "integer" ? "Must be a whole number" : issue.message;
    }
  }
  const channels = parseChannelMapping(form.entries(), await listChannelOptions(db, shop.id));
  for (const [name, message] of Object.entries(channels.errors)) errors[`map:${name}`] = message;
  if (Object.keys(errors).length || !thresholds) return { ok: false as const, errors };
  await saveAnalyticsSettings(db, shop.id, { thresholds, vertical: vertical || null, channelMapping: channels.mapping });
  await requestAnalyticsRefresh(db, shop.id);
  return { ok: true as const, errors: {} as typeof errors };
};

export default function Settings() {
  const { thresholds, vertical, verticals, channelMapping, channels } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [fields, setFields] = useState(() => Object.fromEntries(KEYS.map((k) => [k, toField(thresholds[k], SEGMENT_THRESHOLD_DESCRIPTIONS[k].unit)])) as Record<Key, string>);
  const [chosen, setChosen] = useState(vertical ?? "");
  const [mapping, setMapping] = useState<Record<string, string>>(channelMapping);
  const errors = (result?.errors ?? {}) as Partial<Record<Key | "vertical" | `map:${string}`, string>>;
  const salesOptions = [{ label: "Same name as the marketing channel", value: "" },
    ...channels.salesChannels.map((c) => ({ label: channelLabel(c).includes(c) ? channelLabel(c) : `${channelLabel(c)} (${c})`, value: c }))];
  return (
    <Page title="Settings" subtitle="Benchmarks, marketing channels and segment thresholds: the Segments page, customer flags and LTV:CAC use them">
      <Form method="post">
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {result?.ok ? <Banner tone="success" title="Settings saved">The figures are being recomputed with them.</Banner> : null}
              {result && !result.ok ? <Banner tone="critical" title="Some values need fixing">Nothing was saved.</Banner> : null}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Benchmarks</Text>
                  <Select label="Your store's vertical" name="vertical" value={chosen} onChange={setChosen} error={errors.vertical}
                    options={[{ label: "Not set", value: "" }, ...verticals]} helpText="The LTV:CAC page compares your contribution margin and CM-LTV with this vertical's typical ranges." />
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Marketing channels</Text>
                  <Text as="p" tone="subdued">
                    CAC divides a channel&apos;s marketing spend by the new customers whose first order came through the Shopify sales channel
                    it is mapped to. A marketing channel left unmapped must have the sales channel&apos;s own name, or its spend has no customers.
                  </Text>
                  {channels.marketingChannels.length === 0 ? (
                    <Text as="p">No marketing spend yet: add it under Costs → Marketing spend, then map its channels here.</Text>
                  ) : (
                    <FormLayout>
                      {channels.marketingChannels.map((name) => (
                        <Select key={name} label={`${name} spend counts for`} name={`map:${name}`} options={salesOptions}
                          value={mapping[name] ?? ""} onChange={(v) => setMapping((m) => ({ ...m, [name]: v }))} error={errors[`map:${name}`]} />
                      ))}
                    </FormLayout>
                  )}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Behaviour segment thresholds</Text>
                  <FormLayout>
                    {KEYS.map((key) => {
                      const d = SEGMENT_THRESHOLD_DESCRIPTIONS[key];
                      return (
                        <TextField key={key} label={d.label} name={key} autoComplete="off" inputMode="decimal" value={fields[key]}
                          onChange={(v) => setFields((f) => ({ ...f, [key]: v }))} suffix={UNIT_LABEL[d.unit]} error={errors[key]}
                          helpText={`${d.description} Default: ${toField(DEFAULT_SEGMENT_THRESHOLDS[key], d.unit)} ${UNIT_LABEL[d.unit]}.`} />
                      );
                    })}
                  </FormLayout>
                  <Button submit variant="primary" loading={navigation.state === "submitting"}>Save</Button>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}
