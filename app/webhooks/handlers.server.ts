/**
 * What each webhook topic does once the request is authenticated and parsed.
 * Order topics carry the whole order; they go through the same ingestion as the backfill and demo.
 */
import { z } from "zod";
import db from "~/db.server";
import { normalizeGid } from "~/domain/ledger/gid";
import { normalizeOrder, PayloadError } from "~/domain/ledger/shopify-order";
import { ingestOrders } from "~/ingest/orders.server";
import { log } from "~/lib/log.server";
import { deleteShopData, redactCustomer } from "~/privacy/erase.server";
import { ensureShop } from "~/shops/shops.server";
import type { WebhookHandler } from "./receive.server";

/** orders/create, orders/updated, orders/cancelled: the body is the whole order snapshot. */
export const handleOrderSnapshot: WebhookHandler = async ({ shop, topic, webhookId, body }) => {
  const order = normalizeOrder(body);
  const settings = await ensureShop(db, shop, order.currency);
  if (settings.currency !== order.currency) {
    throw new PayloadError("Order is not in the shop currency", [
      `${order.id} is in ${order.currency}, the shop reports in ${settings.currency}`,
    ]);
  }
  const counts = await ingestOrders(db, shop, [order], { webhookId, topic });
  return { order: order.id, ...counts };
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
