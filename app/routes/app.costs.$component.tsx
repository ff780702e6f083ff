import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, DropZone, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { CsvDownloadButton } from "~/components/CsvDownloadButton";
import { money } from "~/components/format";
import { COMPONENT_LABELS, type ComponentKey } from "~/costs/component-keys";
import { componentVersions, deleteComponentVersion, saveComponentVersion } from "~/costs/components.server";
import { importMarketingSpendCsv, importServiceContactCsv, type CsvError } from "~/costs/csv.server";
import { COMPONENT_SLUGS, describeVersion, fieldOfIssue, formValues, GATEWAY_ROWS, parseComponentForm, type FieldErrors } from "~/costs/forms";
import { dayInZone, formatValidFrom, parseAmount, parseMonth } from "~/costs/input";
import { listMarketingSpend, saveMarketingSpend } from "~/costs/marketing.server";
import { serviceContactSummary } from "~/costs/service.server";
import { CsvErrors } from "~/costs/ui";
import db from "~/db.server";
import { CostConfigError, costInForce } from "~/domain/economics/cost-config";
import { requestRecompute } from "~/margins/schedule.server";

export const meta: MetaFunction = () => [{ title: "Costs · Margin LTV" }];

const slug = z.enum(["fulfilment", "shipping", "payments", "returns", "service", "default-cogs", "marketing"]);

const HELP: Record<ComponentKey, string> = {
  defaultCogs: "COGS for variants without a unit cost, as a share of the line's list price. Margins that use it are marked as estimates.",
  fulfilment: "Pick, pack and packaging: a cost per order plus a cost per item shipped.",
  shipping: "What carriers charge you, whatever the customer paid for shipping: flat per order, per destination country, or a share of shipping charged.",
  paymentFees: "Processor fees per gateway, as named in Shopify (shopify_payments, paypal, ...): a percentage of the amount charged plus a fixed fee per order.",
  returns: "Reverse logistics per return and per returned item, and a reserve: while an order is inside the return window, the expected return rate is held against it.",
  service: "Cost of one support contact. Contacts are imported below and charged to the order they concern.",
};

export const loader = async ({ request, context, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const page = slug.safeParse(params.component);
  if (!page.success) throw new Response("Not found", { status: 404 });
  const shopInfo = { currency: shop.currency, currencyDigits: shop.currencyDigits, ianaTimezone: shop.ianaTimezone };
  const today = dayInZone(new Date(), shop.ianaTimezone);
  if (page.data === "marketing") {
    return { page: "marketing" as const, shop: shopInfo, today, marketing: await listMarketingSpend(db, shop.id), component: null,
      values: {} as Record<string, string>, history: [] as { validFrom: string; iso: string; description: string; inForce: boolean }[], contacts: null };
  }
  const key = COMPONENT_SLUGS[page.data];
  const versions = (await componentVersions(db, shop.id, key)).map((stored) => stored.version);
  const current = costInForce(versions, new Date());
  return {
    page: page.data, shop: shopInfo, today, marketing: [], component: key,
    values: formValues(key, current, shop),
    history: [...versions].reverse().map((version) => ({
      validFrom: formatValidFrom(version.validFrom, shop.ianaTimezone), iso: version.validFrom.toISOString(),
      description: describeVersion(key, version, shop), inForce: version === current,
    })),
    contacts: key === "service" ? await serviceContactSummary(db, shop.id).then((s) => ({ contacts: s.contacts, unattributed: s.unattributed })) : null,
  };
};

type ActionData = { ok: true; message: string } | { ok: false; errors?: FieldErrors; csvErrors?: CsvError[]; message?: string };

async function fileText(form: FormData): Promise<string | null> {
  const file = form.get("file");
  if (file && typeof file === "object" && "text" in file) return (file as File).text();
  return typeof file === "string" && file ? file : null;
}

export const action = async ({ request, context, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request, context);
  const page = slug.safeParse(params.component);
  if (!page.success) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  const fail = (data: Omit<Extract<ActionData, { ok: false }>, "ok">) => json<ActionData>({ ok: false, ...data }, { status: 400 });

  if (intent === "import-contacts" || intent === "import-marketing") {
    const text = await fileText(form);
    if (!text) return fail({ csvErrors: [{ line: 1, message: "Choose a CSV file to import" }] });
    const result = intent === "import-contacts" ? await importServiceContactCsv(db, shop, text) : await importMarketingSpendCsv(db, shop, text);
    if (!result.ok) return fail({ csvErrors: result.errors });
    if (intent === "import-contacts") await requestRecompute(db, shop.id);
    return json<ActionData>({ ok: true, message: `Imported ${result.rows} rows` });
  }
  if (page.data === "marketing") {
    const errors: FieldErrors = {};
    const month = parseMonth(String(form.get("month") ?? ""));
    const amount = parseAmount(String(form.get("amount") ?? ""), shop.currencyDigits);
    const channel = String(form.get("channel") ?? "").trim();
    if (!month.ok) errors.month = month.error;
    if (!amount.ok) errors.amount = amount.error;
    if (!channel) errors.channel = "Enter a channel name";
    if (!month.ok || !amount.ok || !channel) return fail({ errors });
    await saveMarketingSpend(db, shop.id, [{ month: month.value, channel, amount: amount.value }], "manual");
    return json<ActionData>({ ok: true, message: `Saved ${channel} spend for ${month.value}` });
  }
  const key = COMPONENT_SLUGS[page.data];
  if (intent === "delete") {
    const validFrom = new Date(String(form.get("validFrom") ?? ""));
    if (Number.isNaN(validFrom.getTime())) return fail({ message: "Unknown version" });
    await deleteComponentVersion(db, shop.id, key, validFrom);
    await requestRecompute(db, shop.id);
    return json<ActionData>({ ok: true, message: "Version removed; margins are being recomputed" });
  }
  const parsed = parseComponentForm(key, form, shop);
  if (!parsed.ok) return fail({ errors: parsed.errors });
  try {
    await saveComponentVersion(db, shop.id, shop.currency, key, parsed.version);
  } catch (error) {
    if (error instanceof CostConfigError) {
      return fail({ errors: Object.fromEntries(error.issues.map((issue) => [fieldOfIssue(key, issue.path), issue.message])) });
    }
    throw error;
  }
  await requestRecompute(db, shop.id);
  return json<ActionData>({ ok: true, message: `Saved: applies to orders from ${String(form.get("validFrom"))} on; margins are being recomputed` });
};

function Field({ name, label, initial, errors, ...rest }: { name: string; label: string; initial?: string; errors?: FieldErrors; prefix?: string; suffix?: string; helpText?: string; multiline?: number; type?: "text" | "date" | "month" }) {
  const [value, setValue] = useState(initial ?? "");
  return <TextField name={name} label={label} value={value} onChange={setValue} autoComplete="off" error={errors?.[name]} {...rest} />;
}

function ShippingFields({ values, errors, currency }: { values: Record<string, string>; errors?: FieldErrors; currency: string }) {
  const [method, setMethod] = useState(values.method ?? "flat_per_order");
  return (
    <FormLayout>
      <Select name="method" label="How shipping is costed" value={method} onChange={setMethod} error={errors?.method}
        options={[{ label: "Flat per order", value: "flat_per_order" }, { label: "Per destination country", value: "per_country" }, { label: "% of shipping charged", value: "percent_of_shipping_charged" }]} />
      {method === "flat_per_order" ? <Field name="perOrder" label={`Cost per order (${currency})`} initial={values.perOrder} errors={errors} /> : null}
      {method === "per_country" ? (
        <>
          <Field name="byCountry" label="Cost per country" multiline={4} initial={values.byCountry} errors={errors} helpText='One per line: a two-letter country code and an amount, like "US 6.00".' />
          <Field name="fallback" label={`Other countries (${currency})`} initial={values.fallback} errors={errors} />
        </>
      ) : null}
      {method === "percent_of_shipping_charged" ? <Field name="percent" label="% of shipping charged" suffix="%" initial={values.percent} errors={errors} /> : null}
    </FormLayout>
  );
}

function ComponentFields({ component, values, errors, currency }: { component: ComponentKey; values: Record<string, string>; errors?: FieldErrors; currency: string }) {
  const f = (name: string, label: string, extra: { suffix?: string; helpText?: string } = {}) => <Field key={name} name={name} label={label} initial={values[name]} errors={errors} {...extra} />;
  switch (component) {
    case "defaultCogs":
      return <FormLayout>{f("percent", "COGS as % of list price", { suffix: "%" })}</FormLayout>;
    case "fulfilment":
      return <FormLayout><FormLayout.Group>{f("perOrder", `Per order (${currency})`)}{f("perItem", `Per item (${currency})`)}</FormLayout.Group></FormLayout>;
    case "shipping":
      return <ShippingFields values={values} errors={errors} currency={currency} />;
    case "paymentFees":
      return (
        <FormLayout>
          {Array.from({ length: GATEWAY_ROWS }, (_, i) => (
            <FormLayout.Group key={i} condensed>
              {f(`gw${i}_name`, "Gateway")}{f(`gw${i}_percent`, "% of amount charged", { suffix: "%" })}{f(`gw${i}_fixed`, `Fixed per order (${currency})`)}
            </FormLayout.Group>
          ))}
          <FormLayout.Group condensed>
            {f("fallback_percent", "Other gateways: %", { suffix: "%" })}{f("fallback_fixed", `Other gateways: fixed (${currency})`)}
          </FormLayout.Group>
        </FormLayout>
      );
    case "returns":
      return (
        <FormLayout>
          <FormLayout.Group>{f("perReturn", `Per return (${currency})`)}{f("perReturnedItem", `Per returned item (${currency})`)}</FormLayout.Group>
          <FormLayout.Group>{f("windowDays", "Return window (days)")}{f("returnRate", "Expected return rate (reserve)", { suffix: "%" })}</FormLayout.Group>
        </FormLayout>
      );
    case "service":
      return <FormLayout>{f("perContact", `Cost per support contact (${currency})`)}</FormLayout>;
  }
}

function CsvImport({ intent, label, help }: { intent: string; label: string; help: string }) {
  const [file, setFile] = useState<File | null>(null);
  const navigation = useNavigation();
  return (
    <Form method="post" encType="multipart/form-data">
      <input type="hidden" name="intent" value={intent} />
      <BlockStack gap="200">
        <Text as="p" tone="subdued">{help}</Text>
        <DropZone label={label} accept=".csv,text/csv" type="file" allowMultiple={false} onDrop={(files) => setFile(files[0] ?? null)}>
          {file ? <Text as="p" alignment="center">{file.name}</Text> : <DropZone.FileUpload actionHint="CSV only" />}
        </DropZone>
        <input type="file" name="file" accept=".csv,text/csv" style={{ display: "none" }} ref={(input) => {
          if (input && file) {
            const transfer = new DataTransfer();
            transfer.items.add(file);
            input.files = transfer.files;
          }
        }} />
        <InlineStack><Button submit disabled={!file} loading={navigation.state === "submitting" && navigation.formData?.get("intent") === intent}>Import</Button></InlineStack>
      </BlockStack>
    </Form>
  );
}

export default function CostComponentPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = result && !result.ok ? result.errors : undefined;
  const csvErrors = result && !result.ok ? result.csvErrors : undefined;
  const title = data.component ? COMPONENT_LABELS[data.component] : "Marketing spend";
  return (
    <Page title={title} backAction={{ content: "Costs", url: "/app/costs" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title={result.message} /> : null}
            {result && !result.ok && errors && Object.keys(errors).length ? <Banner tone="critical" title="Nothing was saved: fix the fields marked below" /> : null}
            {result && !result.ok && result.message ? <Banner tone="critical" title={result.message} /> : null}
            {csvErrors?.length ? <CsvErrors errors={csvErrors} /> : null}
            {data.component ? (
              <Card>
                <Form method="post">
                  <input type="hidden" name="intent" value="save" />
                  <BlockStack gap="400">
                    <Text as="p" tone="subdued">{HELP[data.component]}</Text>
                    <ComponentFields component={data.component} values={data.values} errors={errors} currency={data.shop.currency} />
                    <Field name="validFrom" label="Applies to orders from" type="date" initial={data.today} errors={errors}
                      helpText={`Midnight in the shop's time zone (${data.shop.ianaTimezone}). Orders placed before keep the cost in force then; the same date again corrects that version.`} />
                    <InlineStack><Button submit variant="primary" loading={navigation.state === "submitting"}>Save</Button></InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            ) : (
              <Card>
                <Form method="post">
                  <input type="hidden" name="intent" value="save" />
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">Add or change one month</Text>
                    <FormLayout>
                      <FormLayout.Group condensed>
                        <Field name="month" label="Month (YYYY-MM)" initial={data.today.slice(0, 7)} errors={errors} />
                        <Field name="channel" label="Channel" errors={errors} />
                        <Field name="amount" label={`Amount (${data.shop.currency})`} errors={errors} />
                      </FormLayout.Group>
                    </FormLayout>
                    <InlineStack><Button submit variant="primary">Save</Button></InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            )}
            {data.history.length ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">History</Text>
                  <DataTable columnContentTypes={["text", "text", "text"]} headings={["From", "Cost", ""]}
                    rows={data.history.map((h) => [h.validFrom + (h.inForce ? " (in force)" : ""), h.description,
                      <Form method="post" key={h.iso}><input type="hidden" name="intent" value="delete" /><input type="hidden" name="validFrom" value={h.iso} /><Button submit variant="plain" tone="critical">Remove</Button></Form>])} />
                </BlockStack>
              </Card>
            ) : null}
            {data.component === "service" ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">Support contacts</Text>
                  <Text as="p">{data.contacts?.contacts ?? 0} contacts imported{data.contacts?.unattributed ? `, ${data.contacts.unattributed} not matched to an order yet` : ""}.</Text>
                  <CsvDownloadButton url="/app/costs/export/service-contacts" fileName="service-contacts.csv" />
                  <CsvImport intent="import-contacts" label="Contacts CSV" help="Columns customer_id,order_name,contacted_on (a customer GID or an order name like #1001, and a date YYYY-MM-DD). The file replaces the contacts imported before; a file with any bad row imports nothing." />
                </BlockStack>
              </Card>
            ) : null}
            {data.page === "marketing" ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Spend by month and channel</Text>
                  {data.marketing.length ? (
                    <DataTable columnContentTypes={["text", "text", "numeric"]} headings={["Month", "Channel", "Amount"]}
                      rows={data.marketing.map((row) => [row.month, row.channel, money(row.amount, data.shop)])} />
                  ) : <Text as="p" tone="subdued">No spend recorded yet.</Text>}
                  <CsvDownloadButton url="/app/costs/export/marketing-spend" fileName="marketing-spend.csv" />
                  <CsvImport intent="import-marketing" label="Marketing spend CSV" help="Columns month,channel,amount (YYYY-MM, a channel name, an amount in the shop currency). Each row sets that month and channel; a file with any bad row imports nothing." />
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
