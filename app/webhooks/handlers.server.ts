/**
 * What each webhook topic does once the request is authenticated and parsed.
 * Order topics carry the whole order; they go through the same ingestion as the backfill and demo.
 * Thin topics (orders/edited, discounts/*, bulk_operations/finish) enqueue a job in the same
 * transaction as their receipt and answer at once; the worker does the Admin API read.
 * Every handler validates the whole payload before writing anything (PayloadError -> 422, no receipt,
 * no job), and writes its change and its receipt in one transaction (a repeated webhook id is a no-op).
 */
import { z } from "zod";
import db from "~/db.server";
import { normalizeGid } from "~/domain/ledger/gid";
import { MoneyParseError } from "~/domain/money/money";
import { normalizeOrder, normalizeRefund, PayloadError, refundSchema } from "~/domain/ledger/shopify-order";
import { applyCustomerMerge } from "~/ingest/customers.server";
import { markDiscountDeleted } from "~/ingest/discounts.server";
import { recordInventoryCosts } from "~/ingest/inventory.server";
import { deleteOrder } from "~/ingest/order-delete.server";
import { ingestOrderWebhook } from "~/ingest/order-batcher.server";
import { withReceipt } from "~/ingest/receipts.server";
import { applyRefund } from "~/ingest/refunds.server";
import { currencyDigits, parseMoney } from "~/domain/money/money";
import { log } from "~/lib/log.server";
import { deleteShopData, redactCustomer } from "~/privacy/erase.server";
import { BULK_FINISHED_JOB, REREAD_DISCOUNT_JOB, REREAD_ORDER_JOB } from "~/queue/jobs.server";
import { enqueue } from "~/queue/queue.server";
import { wakeWorker } from "~/queue/worker.server";
import { ensureShop } from "~/shops/shops.server";
import type { WebhookHandler, WebhookRequest } from "./receive.server";

/** orders/create, orders/updated, orders/cancelled: the body is the whole order snapshot. */
export const handleOrderSnapshot: WebhookHandler = async ({ shop, topic, webhookId, body }) => {
  const order = normalizeOrder(body);
  // Group commit: concurrent deliveries of the shop share one transaction, answered once it committed.
  // The shop is registered from the first order's currency, and an order in another currency is
  // refused (PayloadError: 422, nothing written), inside that transaction.
  const outcome = await ingestOrderWebhook(db, shop, order, { webhookId, topic });
  return { order: order.id, outcome };
};

export const handleShopErase: WebhookHandler = async ({ shop }) => {
  const deleted = await deleteShopData(db, shop);
  return { deleted };
};

const id = z.union([z.number(), z.string().regex(/^[0-9]+$/)]);
const customersRedactSchema = z.object({
  customer: z.object({ id }),
  orders_to_redact: z.array(id).optional().default([]),
});

export const handleCustomerRedact: WebhookHandler = async ({ shop, body }) => {
  const parsed = customersRedactSchema.safeParse(body);
  if (!parsed.success) {
    throw new PayloadError("customers/redact payload failed validation", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const customerId = normalizeGid(parsed.data.customer.id, "Customer");
  const orderIds = parsed.data.orders_to_redact.map((orderId) => normalizeGid(orderId, "Order"));
  const deleted = await redactCustomer(db, shop, customerId, orderIds);
  return { customer: customerId, deleted };
};

const dataRequestSchema = z.object({
  customer: z.object({ id }).passthrough(),
  orders_requested: z.array(id).optional().default([]),
  data_request: z.object({ id }).passthrough().optional(),
});

/**
 * customers/data_request: the app holds no personal data beyond the customer id, their order
 * ids and the figures derived from them; the request is acknowledged and logged for the merchant.
 */
export const handleCustomerDataRequest: WebhookHandler = async ({ shop, body }) => {
  const parsed = dataRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new PayloadError("customers/data_request payload failed validation", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const customerId = normalizeGid(parsed.data.customer.id, "Customer");
  const orders = await db.order.count({ where: { shopId: shop, customerId } });
  log("info", "compliance.data_request", { shop, customer: customerId, ordersHeld: orders, request: parsed.data.data_request?.id });
  return { customer: customerId, ordersHeld: orders };
};

const scopesUpdateSchema = z.object({ current: z.array(z.string()) });

/** app/scopes_update: keep the stored sessions' scope in step with what the merchant granted. */
export const handleScopesUpdate: WebhookHandler = async ({ shop, body }) => {
  const parsed = scopesUpdateSchema.safeParse(body);
  if (!parsed.success) throw new PayloadError("app/scopes_update payload failed validation", ["current: expected a list of scopes"]);
  const updated = await db.session.updateMany({ where: { shop }, data: { scope: parsed.data.current.join(",") } });
  return { sessions: updated.count };
};

// ----------------------------------------------------------------------------------------------------
// Ledger topics beyond the order snapshots.
// ----------------------------------------------------------------------------------------------------

function validate<S extends z.ZodTypeAny>(schema: S, body: unknown, topic: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new PayloadError(`${topic} payload failed validation`, parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return parsed.data as z.infer<S>;
}

/** GID of `type` from a payload id (GID string, numeric string or number); refused if malformed. */
function gidOf(value: string | number, type: Parameters<typeof normalizeGid>[1], field: string): string {
  try {
    return normalizeGid(value, type);
  } catch (error) {
    throw new PayloadError("Payload has a bad id", [`${field}: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/)]);
const gidOrId = z.union([numericId, z.string().startsWith("gid://shopify/")]);
const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not a date");
const receiptOf = (webhook: WebhookRequest) => ({ webhookId: webhook.webhookId, topic: webhook.topic });

/** Enqueues a job with the webhook's receipt, then nudges this process's worker. */
async function enqueueForWebhook(webhook: WebhookRequest, kind: string, payload: Record<string, unknown>, dedupeKey?: string) {
  const result = await withReceipt(db, webhook.shop, receiptOf(webhook), async (tx) => {
    await enqueue(tx, { shopId: webhook.shop, kind, payload, dedupeKey });
    await tx.shop.updateMany({ where: { id: webhook.shop }, data: { lastWebhookAt: new Date() } });
    return { outcome: "queued" };
  });
  if (result.outcome === "queued") wakeWorker();
  return { job: kind, ...payload, outcome: result.outcome };
}

// orders/edited: { order_edit: { id, order_id, ... } } (Shopify webhook reference 2026-07). The edit
// summary is not a snapshot: the order is re-read and goes through the newer-wins ingestion.
const orderEditedSchema = z.object({ order_edit: z.object({ order_id: numericId }).passthrough() });

export const handleOrderEdited: WebhookHandler = async (webhook) => {
  const body = validate(orderEditedSchema, webhook.body, "orders/edited");
  const orderId = gidOf(body.order_edit.order_id, "Order", "order_edit.order_id");
  return enqueueForWebhook(webhook, REREAD_ORDER_JOB, { orderId });
};

// orders/delete: { id } (Shopify webhook reference 2026-07).
const orderDeleteSchema = z.object({ id: gidOrId, admin_graphql_api_id: z.string().optional() });

export const handleOrderDelete: WebhookHandler = async (webhook) => {
  const body = validate(orderDeleteSchema, webhook.body, "orders/delete");
  const orderId = gidOf(body.admin_graphql_api_id ?? body.id, "Order", "id");
  const result = await withReceipt(db, webhook.shop, receiptOf(webhook), async (tx) => {
    const deleted = await deleteOrder(tx, webhook.shop, orderId, new Date());
    await tx.shop.updateMany({ where: { id: webhook.shop }, data: { lastWebhookAt: new Date(), ...(deleted.Order ? { lastOrderAt: new Date() } : {}) } });
    return { outcome: deleted.Order ? "applied" : "tombstoned", deleted };
  });
  return { order: orderId, ...result };
};

/** The shop currency a refund body is in (its first shop_money), for a shop not registered yet. */
function refundCurrency(body: z.infer<typeof refundSchema>): string | null {
  const sets = [
    ...body.refund_line_items.flatMap((line) => [line.subtotal_set, line.total_tax_set]),
    ...body.refund_shipping_lines.flatMap((line) => [line.subtotal_amount_set, line.tax_amount_set]),
    ...body.order_adjustments.flatMap((adjustment) => [adjustment.amount_set, adjustment.tax_amount_set]),
  ];
  return sets.find((set) => set !== undefined)?.shop_money.currency_code ?? null;
}

// refunds/create: the REST refund (test/fixtures/shopify-webhooks/refunds-create.*), order_id required.
export const handleRefundCreate: WebhookHandler = async (webhook) => {
  const body = validate(refundSchema.extend({ order_id: numericId }), webhook.body, "refunds/create");
  const stored = await db.shop.findUnique({ where: { id: webhook.shop }, select: { currency: true } });
  const currency = stored?.currency ?? refundCurrency(body) ?? "USD";
  const derive = (taxesIncluded: boolean) => {
    try {
      return normalizeRefund(body, currency, taxesIncluded);
    } catch (error) {
      if (error instanceof MoneyParseError) throw new PayloadError("Refund payload has a bad amount", [error.message]);
      if (error instanceof PayloadError) throw error;
      throw new PayloadError("Refund payload failed validation", [error instanceof Error ? error.message : String(error)]);
    }
  };
  derive(false); // validates amounts, ids and currency before anything is written
  derive(true);
  if (!stored) await ensureShop(db, webhook.shop, currency);
  const bodyText = webhook.rawBody;
  const result = await withReceipt(db, webhook.shop, receiptOf(webhook), async (tx) => {
    const applied = await applyRefund(tx, webhook.shop, { derive, bodyText });
    const now = new Date();
    await tx.shop.update({
      where: { id: webhook.shop },
      data: { lastWebhookAt: now, ...(applied.outcome === "applied" || applied.outcome === "pending" ? { lastOrderAt: now } : {}) },
    });
    return applied;
  });
  return { ...result };
};

// discounts/create|update: { admin_graphql_api_id, title, status, created_at, updated_at };
// discounts/delete: { admin_graphql_api_id, deleted_at } (Shopify webhook reference 2026-07).
const discountIdSchema = z
  .string()
  .regex(/^gid:\/\/shopify\/(DiscountCodeNode|DiscountAutomaticNode)\/[0-9]+$/, "expected a DiscountCodeNode or DiscountAutomaticNode GID");
const discountChangeSchema = z.object({ admin_graphql_api_id: discountIdSchema, updated_at: isoDate.nullish() }).passthrough();
const discountDeleteSchema = z.object({ admin_graphql_api_id: discountIdSchema, deleted_at: isoDate.nullish() }).passthrough();

export const handleDiscountChange: WebhookHandler = async (webhook) => {
  const body = validate(discountChangeSchema, webhook.body, webhook.topic);
  return enqueueForWebhook(webhook, REREAD_DISCOUNT_JOB, { discountId: body.admin_graphql_api_id });
};

export const handleDiscountDelete: WebhookHandler = async (webhook) => {
  const body = validate(discountDeleteSchema, webhook.body, "discounts/delete");
  const deletedAt = body.deleted_at ? new Date(body.deleted_at) : new Date();
  const result = await withReceipt(db, webhook.shop, receiptOf(webhook), async (tx) => {
    await markDiscountDeleted(tx, webhook.shop, body.admin_graphql_api_id, deletedAt);
    await tx.shop.updateMany({ where: { id: webhook.shop }, data: { lastWebhookAt: new Date() } });
    return { outcome: "applied" };
  });
  return { discount: body.admin_graphql_api_id, ...result };
};

// inventory_items/update: the REST InventoryItem { id, admin_graphql_api_id, sku, cost, updated_at, ... };
// `cost` is a decimal string in the shop currency, or null.
const inventoryItemSchema = z
  .object({
    id: numericId,
    admin_graphql_api_id: z.string().optional(),
    cost: z.union([z.string(), z.number()]).nullish(),
    updated_at: isoDate,
  })
  .passthrough();

export const handleInventoryItemUpdate: WebhookHandler = async (webhook) => {
  const body = validate(inventoryItemSchema, webhook.body, "inventory_items/update");
  const itemId = gidOf(body.admin_graphql_api_id ?? body.id, "InventoryItem", "id");
  const shop = await db.shop.findUnique({ where: { id: webhook.shop }, select: { currency: true } });
  if (!shop) {
    // The cost is a bare decimal in the shop currency: without the shop's currency it cannot be read.
    // Shopify retries; the shop is registered at install (afterAuth) and by its first order.
    throw new Error(`Shop ${webhook.shop} is not registered yet: inventory cost cannot be read without its currency`);
  }
  let unitCost: number | null = null;
  if (body.cost !== null && body.cost !== undefined) {
    try {
      unitCost = parseMoney(body.cost, currencyDigits(shop.currency));
    } catch (error) {
      throw new PayloadError("inventory_items/update payload has a bad cost", [error instanceof Error ? error.message : String(error)]);
    }
  }
  const result = await withReceipt(db, webhook.shop, receiptOf(webhook), async (tx) => {
    const inserted = await recordInventoryCosts(tx, webhook.shop, [
      { inventoryItemId: itemId, variantId: null, unitCost, changedAt: new Date(body.updated_at), source: "webhook" },
    ]);
    await tx.shop.update({ where: { id: webhook.shop }, data: { lastWebhookAt: new Date() } });
    return { outcome: inserted ? "applied" : "known" };
  });
  return { inventoryItem: itemId, unitCost, ...result };
};

// customers/merge (Shopify webhook reference 2026-07, https://shopify.dev/docs/api/webhooks/2026-07):
// { admin_graphql_api_customer_kept_id, admin_graphql_api_customer_deleted_id, admin_graphql_api_job_id,
//   status, errors: [{ customer_ids, field, message }] }. Only a completed merge re-keys anything.
const customerGid = z.string().regex(/^gid:\/\/shopify\/Customer\/[0-9]+$/, "expected a Customer GID");
const customersMergeSchema = z
  .object({
    admin_graphql_api_customer_kept_id: customerGid,
    admin_graphql_api_customer_deleted_id: customerGid,
    admin_graphql_api_job_id: z.string().nullish(),
    status: z.string(),
    errors: z.array(z.unknown()).nullish(),
  })
  .passthrough();

export const handleCustomersMerge: WebhookHandler = async (webhook) => {
  const body = validate(customersMergeSchema, webhook.body, "customers/merge");
  const kept = body.admin_graphql_api_customer_kept_id;
  const merged = body.admin_graphql_api_customer_deleted_id;
  const completed = ["completed", "succeeded", "success"].includes(body.status.toLowerCase());
  const result = await withReceipt(db, webhook.shop, receiptOf(webhook), async (tx) => {
    await tx.shop.updateMany({ where: { id: webhook.shop }, data: { lastWebhookAt: new Date() } });
    if (!completed || kept === merged) return { outcome: `ignored-${body.status}` };
    const outcome = await applyCustomerMerge(tx, webhook.shop, merged, kept, new Date());
    return { outcome: "applied", ...outcome };
  });
  return { kept, merged, status: body.status, ...result };
};

// bulk_operations/finish: { admin_graphql_api_id, completed_at, created_at, error_code, status, type }.
const bulkFinishSchema = z
  .object({
    admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/BulkOperation\/[0-9]+$/, "expected a BulkOperation GID"),
    status: z.string(),
    error_code: z.string().nullish(),
    completed_at: isoDate.nullish(),
    type: z.string().nullish(),
  })
  .passthrough();

export const handleBulkOperationFinish: WebhookHandler = async (webhook) => {
  const body = validate(bulkFinishSchema, webhook.body, "bulk_operations/finish");
  const operationId = body.admin_graphql_api_id;
  return enqueueForWebhook(
    webhook,
    BULK_FINISHED_JOB,
    { operationId, status: body.status, errorCode: body.error_code ?? null, type: body.type ?? null },
    `bulk-finished:${operationId}`,
  );
};
