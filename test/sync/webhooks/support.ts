/**
 * Delivering webhooks of every topic through the real route actions (signed requests), and a canonical
 * dump of the ledger for comparing outcomes.
 */
import db from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { action as bulkOperationsFinish } from "~/routes/webhooks.bulk_operations.finish";
import { action as customersMerge } from "~/routes/webhooks.customers.merge";
import { action as discountsCreate } from "~/routes/webhooks.discounts.create";
import { action as discountsDelete } from "~/routes/webhooks.discounts.delete";
import { action as discountsUpdate } from "~/routes/webhooks.discounts.update";
import { action as inventoryItemsUpdate } from "~/routes/webhooks.inventory_items.update";
import { action as ordersCancelled } from "~/routes/webhooks.orders.cancelled";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersDelete } from "~/routes/webhooks.orders.delete";
import { action as ordersEdited } from "~/routes/webhooks.orders.edited";
import { action as ordersUpdated } from "~/routes/webhooks.orders.updated";
import { action as refundsCreate } from "~/routes/webhooks.refunds.create";
import { callAction, signedWebhook, type WebhookOptions } from "../../support/webhooks";
import type { Delivery } from "./store";

export const ROUTES = {
  "orders/create": ordersCreate,
  "orders/updated": ordersUpdated,
  "orders/cancelled": ordersCancelled,
  "orders/edited": ordersEdited,
  "orders/delete": ordersDelete,
  "refunds/create": refundsCreate,
  "discounts/create": discountsCreate,
  "discounts/update": discountsUpdate,
  "discounts/delete": discountsDelete,
  "inventory_items/update": inventoryItemsUpdate,
  "customers/merge": customersMerge,
  "bulk_operations/finish": bulkOperationsFinish,
} as const;

export type Topic = keyof typeof ROUTES;

export function deliver(topic: Topic, body: unknown, options: WebhookOptions = {}): Promise<Response> {
  return callAction(ROUTES[topic], signedWebhook(topic, typeof body === "string" ? body : JSON.stringify(body), options));
}

/** Columns written from the wall clock at processing time, not from Shopify's data. */
const CLOCK_COLUMNS: Record<string, string[]> = {
  Order: ["ingestedAt"],
  Customer: ["firstSeen"],
  PendingRefund: ["receivedAt"],
  OrderTombstone: ["deletedAt"],
  CustomerMerge: ["mergedAt"],
  Discount: ["fetchedAt"],
  InventoryCostHistory: ["recordedAt"],
  OrderMargin: ["computedAt"],
};

/** Bookkeeping, not ledger: receipts, jobs, the shop row, sessions, cost setup and sync runs. */
const NOT_LEDGER = new Set(["Session", "Shop", "WebhookReceipt", "Job"]);
const LEDGER_PREFIXES = ["Order", "Refund", "Customer", "PendingRefund", "Discount", "InventoryCost", "ValueEvent"];

export function ledgerModels(): string[] {
  return Object.values(Prisma.ModelName).filter(
    (model) => !NOT_LEDGER.has(model) && LEDGER_PREFIXES.some((prefix) => model.startsWith(prefix)),
  );
}

const plain = (value: unknown): unknown =>
  typeof value === "bigint" ? `${value}n` : value instanceof Date ? value.toISOString() : value;

/** Every ledger table of a shop as sorted JSON rows, without wall-clock columns. */
export async function ledgerDump(shop: string): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const model of ledgerModels()) {
    const key = model.charAt(0).toLowerCase() + model.slice(1);
    const delegate = (db as unknown as Record<string, { findMany: (args: object) => Promise<Record<string, unknown>[]> }>)[key];
    const rows = await delegate.findMany({ where: { shopId: shop } });
    dump[model] = rows
      .map((row) => {
        const copy: Record<string, unknown> = {};
        for (const [column, value] of Object.entries(row)) {
          if (!(CLOCK_COLUMNS[model] ?? []).includes(column)) copy[column] = plain(value);
        }
        return JSON.stringify(copy);
      })
      .sort();
  }
  return dump;
}

/**
 * Delivers each item; a failure (5xx or thrown) is retried after the rest, as Shopify does. Throws
 * plain errors rather than using vitest's `expect`: the multi-instance test's child processes import
 * this module outside vitest.
 */
export async function deliverAll(deliveries: Delivery[], concurrency = 1): Promise<void> {
  let queue = deliveries;
  for (let round = 0; queue.length && round < 5; round += 1) {
    const failed: Delivery[] = [];
    for (let start = 0; start < queue.length; start += concurrency) {
      const batch = queue.slice(start, start + concurrency);
      await Promise.all(
        batch.map(async (delivery) => {
          try {
            const response = await deliver(delivery.topic, delivery.body, { webhookId: delivery.webhookId });
            if (response.status >= 500) failed.push(delivery);
            else if (response.status !== 200) throw new Error(`${delivery.topic} answered ${response.status}, not 200`);
          } catch (error) {
            if (error instanceof Error && /not registered yet/.test(error.message)) failed.push(delivery);
            else throw error;
          }
        }),
      );
    }
    queue = failed;
  }
  if (queue.length) throw new Error(`still failing after 5 rounds: ${queue.map((delivery) => delivery.topic).join(", ")}`);
}
