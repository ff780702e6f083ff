/**
 * Group commit for order webhooks: deliveries of a shop that arrive while its previous batch is being
 * written are applied together in one transaction (ingestOrderWebhooks), so a burst costs one commit
 * (one fsync) and a few multi-row statements instead of a dozen statements per order. A delivery is
 * answered only after the transaction holding it committed, so "200" still means "stored". Nothing
 * waits when idle: the first delivery is written at the next turn of the event loop.
 *
 * If a batch fails (a bad row, or another process applying one of the same webhook ids at the same
 * moment), its deliveries are applied one by one through ingestOrders, so one delivery's failure
 * never fails another's.
 */
import type { Db } from "~/db.server";
import type { LedgerOrder } from "~/domain/ledger/types";
import { log } from "~/lib/log.server";
import { PayloadError } from "~/domain/ledger/shopify-order";
import { ingestOrderWebhooks, type OrderWebhookOutcome, type WebhookReceiptInput } from "./orders.server";
import { isDuplicateDelivery } from "./receipts.server";

const MAX_BATCH = 200;

interface Waiting {
  order: LedgerOrder;
  receipt: WebhookReceiptInput;
  resolve(outcome: OrderWebhookOutcome): void;
  reject(error: unknown): void;
}

interface ShopQueue {
  waiting: Waiting[];
  flushing: boolean;
}

const queues = new Map<string, ShopQueue>();

export function ingestOrderWebhook(db: Db, shopId: string, order: LedgerOrder, receipt: WebhookReceiptInput): Promise<OrderWebhookOutcome> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(shopId);
    if (!queue) {
      queue = { waiting: [], flushing: false };
      queues.set(shopId, queue);
    }
    queue.waiting.push({ order, receipt, resolve, reject });
    if (!queue.flushing) {
      queue.flushing = true;
      setImmediate(() => void flush(db, shopId, queue));
    }
  });
}

function settle(item: Waiting, outcome: OrderWebhookOutcome): void {
  if (outcome === "wrong-currency") {
    item.reject(new PayloadError("Order is not in the shop currency", [`${item.order.id} is in ${item.order.currency}, not the shop currency`]));
  } else item.resolve(outcome);
}

async function flush(db: Db, shopId: string, queue: ShopQueue): Promise<void> {
  try {
    while (queue.waiting.length) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      try {
        const outcomes = await ingestOrderWebhooks(db, shopId, batch);
        batch.forEach((item, index) => settle(item, outcomes[index]));
      } catch (error) {
        if (batch.length > 1) log("warn", "ingest.batch_fallback", { shop: shopId, size: batch.length, error: error instanceof Error ? error.message : String(error) });
        for (const item of batch) {
          try {
            settle(item, (await ingestOrderWebhooks(db, shopId, [item]))[0]);
          } catch (single) {
            if (await isDuplicateDelivery(db, shopId, item.receipt.webhookId, single)) item.resolve("duplicate");
            else item.reject(single);
          }
        }
      }
    }
  } finally {
    queue.flushing = false;
    if (!queue.waiting.length) queues.delete(shopId);
  }
}
