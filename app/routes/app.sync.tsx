import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRevalidator, useRouteError, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { z } from "zod";
import { requireShop } from "~/auth/shop-context.server";
import { count, dateInZone } from "~/components/format";
import db from "~/db.server";
import { retryBackfill, startBackfill } from "~/sync/backfill.server";
import { scheduleBackfill, scheduleReconcile } from "~/sync/jobs.server";
import { syncStatus, type SyncStatus } from "~/sync/status.server";
import { wakeWorker } from "~/queue/worker.server";

export const meta: MetaFunction = () => [{ title: "Sync · Margin LTV" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShop(request, context);
  const status = await syncStatus(db, shop.id);
  return { shop: { ianaTimezone: shop.ianaTimezone }, demo, status };
};

export const syncAction = z.object({ intent: z.enum(["start-backfill", "retry-backfill", "reconcile"]) });

export type SyncActionResult = { ok: true; message: string } | { ok: false; error: string };

export const action = async ({ request, context }: ActionFunctionArgs): Promise<Response> => {
  const { shop, admin } = await requireShop(request, context);
  const parsed = syncAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return Response.json({ ok: false, error: "Unknown action" } satisfies SyncActionResult, { status: 400 });
  }
  if (!admin) {
    return Response.json({ ok: false, error: "The demo store is not connected to Shopify: imports and reconciliation are disabled." } satisfies SyncActionResult,
      { status: 409 });
  }
  if (parsed.data.intent === "reconcile") {
    await scheduleReconcile(shop.id);
    wakeWorker();
    return Response.json({ ok: true, message: "Reconciliation queued" } satisfies SyncActionResult);
  }
  const result = parsed.data.intent === "start-backfill"
    ? await startBackfill(db, shop.id, admin)
    : await retryBackfill(db, shop.id, admin);
  if (result.backfill.status === "failed") {
    return Response.json({ ok: false, error: result.backfill.lastError ?? "The import could not start" } satisfies SyncActionResult, { status: 502 });
  }
  if (parsed.data.intent === "retry-backfill") await scheduleBackfill(shop.id, result.backfill.id);
  wakeWorker();
  return Response.json({ ok: true, message: result.started ? "History import started" : "History import resumed" } satisfies SyncActionResult);
};

const STATUS_TONE = { running: "info", waiting: "info", failed: "critical", done: "success" } as const;
const STEP_LABEL: Record<string, string> = {
  bulk: "Shopify is preparing the export",
  download: "Importing orders",
  refunds: "Reading refund details",
  done: "Complete",
};

function Figure({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingLg" numeric>
        {value}
      </Text>
      {help ? (
        <Text as="span" tone="subdued" variant="bodySm">
          {help}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function BackfillCard({ status, demo, busy, onAction, timeZone }: {
  status: SyncStatus; demo: boolean; busy: boolean; onAction: (intent: string) => void; timeZone: string;
}) {
  const backfill = status.backfill;
  const when = (iso: string | null) => (iso ? dateInZone(iso, timeZone, true) : "–");
  if (!backfill) {
    return (
      <Card>
        <EmptyState
          heading="Import your order history"
          image=""
          action={{ content: "Start import", onAction: () => onAction("start-backfill"), disabled: demo, loading: busy }}
        >
          <p>New orders arrive by webhook. The import reads every earlier order, refund and payment fee from Shopify.</p>
        </EmptyState>
      </Card>
    );
  }
  const active = backfill.status === "running" || backfill.status === "waiting";
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            History import
          </Text>
          <Badge tone={STATUS_TONE[backfill.status as keyof typeof STATUS_TONE]}>{backfill.status}</Badge>
        </InlineStack>
        <BlockStack gap="200">
          <Text as="p">{STEP_LABEL[backfill.step] ?? backfill.step}</Text>
          <ProgressBar progress={backfill.progress} tone={backfill.status === "failed" ? "critical" : "highlight"} />
          <Text as="p" tone="subdued" variant="bodySm">
            {backfill.progress}% · started {when(backfill.startedAt)}
            {backfill.finishedAt ? ` · finished ${when(backfill.finishedAt)}` : ""}
          </Text>
        </BlockStack>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Figure label="Orders read" value={count(backfill.ordersSeen)} help={backfill.step === "bulk" && backfill.objectCount ? `${count(backfill.objectCount)} objects exported so far` : undefined} />
          <Figure label="Orders imported" value={count(backfill.ordersApplied)} help={backfill.ordersSkipped ? `${count(backfill.ordersSkipped)} already up to date or test orders` : undefined} />
          <Figure label="Orders with refunds read" value={`${count(backfill.refundOrdersDone)} / ${count(backfill.refundOrders)}`} />
          <Figure label="Refunds imported" value={count(backfill.refundsApplied)} help={backfill.badRecords ? `${count(backfill.badRecords)} records skipped` : undefined} />
        </InlineGrid>
        {backfill.status === "failed" ? (
          <Banner
            tone="critical"
            title="The import stopped"
            action={{ content: "Retry", onAction: () => onAction("retry-backfill"), disabled: demo, loading: busy }}
          >
            <p>{backfill.lastError ?? "Unknown error"}</p>
            <p>Retrying resumes where it stopped; nothing is imported twice.</p>
          </Banner>
        ) : backfill.lastError ? (
          <Banner tone="warning" title="Some records were skipped">
            <p>{backfill.lastError}</p>
          </Banner>
        ) : null}
        {!active && backfill.status !== "failed" ? (
          <InlineStack>
            <Button onClick={() => onAction("start-backfill")} disabled={demo} loading={busy}>
              Import again
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function SyncPage() {
  const { shop, demo, status } = useLoaderData<typeof loader>();
  const result = useActionData<SyncActionResult>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const revalidator = useRevalidator();
  const busy = navigation.state === "submitting";
  const active = status.backfill?.status === "running" || status.backfill?.status === "waiting";

  // While an import runs, refresh the figures every 5 seconds.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 5000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const onAction = (intent: string) => submit({ intent }, { method: "post" });
  const when = (iso: string | null) => (iso ? dateInZone(iso, shop.ianaTimezone, true) : "never");
  const reconciliation = status.lastReconciliation;

  return (
    <Page title="Sync" subtitle="How complete and how fresh your order data is">
      <BlockStack gap="400">
        {demo ? (
          <Banner tone="info" title="Demo data">
            <p>This demo store is generated locally and not connected to Shopify, so importing and reconciling are disabled. The figures below are the demo ledger&apos;s.</p>
          </Banner>
        ) : null}
        {result && !result.ok ? (
          <Banner tone="critical" title="That did not work">
            <p>{result.error}</p>
          </Banner>
        ) : result?.ok ? (
          <Banner tone="success" title={result.message} />
        ) : null}
        <Layout>
          <Layout.Section>
            <BackfillCard status={status} demo={demo} busy={busy} onAction={onAction} timeZone={shop.ianaTimezone} />
          </Layout.Section>
          <Layout.Section>
            <Card>
              <BlockStack gap="400">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Freshness
                  </Text>
                  <Button onClick={() => onAction("reconcile")} disabled={demo} loading={busy}>
                    Reconcile now
                  </Button>
                </InlineStack>
                <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
                  <Figure label="Last webhook" value={when(status.lastWebhookAt)} />
                  <Figure
                    label="Last reconciliation"
                    value={reconciliation ? when(reconciliation.finishedAt ?? reconciliation.startedAt) : "never"}
                    help={reconciliation ? (reconciliation.status === "failed" ? `failed: ${reconciliation.error ?? ""}` : `${count(reconciliation.checked)} orders checked, ${count(reconciliation.repaired)} repaired`) : "runs every 30 minutes"}
                  />
                  <Figure label="Drift repaired" value={count(status.driftRepaired)} help="orders a missed webhook had left missing or out of date" />
                </InlineGrid>
                {status.recentDrift.length ? (
                  <Box>
                    <Text as="p" tone="subdued" variant="bodySm">
                      Latest repairs: {status.recentDrift.map((drift) => `${drift.orderId.split("/").pop()} (${drift.kind})`).join(", ")}
                    </Text>
                  </Box>
                ) : null}
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section>
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Ledger
                </Text>
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                  <Figure label="Orders stored" value={count(status.ordersStored)} />
                  <Figure label="Orders with refunds" value={count(status.ordersWithRefunds)} />
                  {status.ordersMissingCosts !== null ? (
                    <Figure label="Orders missing costs" value={count(status.ordersMissingCosts)} help="COGS estimated: a product has no unit cost" />
                  ) : null}
                  {status.queue ? (
                    <Figure label="Queue depth" value={count(status.queue.queued + status.queue.running)} help={status.queue.failed ? `${count(status.queue.failed)} failed jobs` : "jobs waiting to run"} />
                  ) : null}
                </InlineGrid>
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${typeof error.data === "string" ? error.data : error.statusText}` : error instanceof Error ? error.message : "Unknown error";
  return (
    <Page title="Sync">
      <Banner tone="critical" title="The sync status could not be loaded">
        <p>{message}</p>
      </Banner>
    </Page>
  );
}
