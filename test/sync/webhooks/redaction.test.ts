/**
 * Redaction removes every row of a customer (customers/redact) or of a shop (shop/redact), proven by
 * counting rows in EVERY table of the Prisma schema. The fixture puts at least one row in every table,
 * so a table added later without a fixture row fails the coverage check, and one that redaction forgets
 * fails the counts.
 *
 * Customer redaction is checked against a control shop that got the same fixture without the redacted
 * customer: after redaction both shops must have the same number of rows in every table, and no row of
 * the redacted shop may still name the customer or one of their orders.
 */
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { normalizeOrder } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { ingestOrders } from "~/ingest/orders.server";
import { FLAG_KINDS } from "~/customers/flag-kinds";
import { storedFlagRows, writeFlagLists, type FlaggedRow, type FlagLists } from "~/customers/flag-lists.server";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { adminRequest } from "../../support/auth";
import { resetDb, rowCounts } from "../../support/db";
import { orderBody } from "../../support/orders";
import { callAction, signedWebhook } from "../../support/webhooks";
import { deliver } from "./support";

const REDACTED_SHOP = "redacted-shop.myshopify.com";
const CONTROL_SHOP = "control-shop.myshopify.com";

// Customer X (redacted) and customer Y (kept). Ids are chosen so that no id is a prefix of another.
const X = { customer: 9101, merged: 9102, orders: [31001, 31002], pending: 31003, deleted: 31004, other: 31005 };
const Y = { customer: 9201, merged: 9202, orders: [41001], pending: 41003, deleted: 41004 };

const at = (day: number) => new Date(Date.UTC(2026, 2, day)).toISOString();

function order(id: number, customerId: number, day: number) {
  return orderBody({
    id,
    customerId,
    processedAt: at(day),
    updatedAt: at(day),
    lines: [{ id: id * 10 + 1, variantId: 77, price: "30.00", quantity: 2, tax: "3.00" }],
    shipping: "5.00",
    tax: "3.00",
    totalPrice: "68.00",
    refunds: [{ id: id * 10 + 2, createdAt: at(day + 1), lines: [{ id: id * 10 + 3, lineItemId: id * 10 + 1, quantity: 1, subtotal: "30.00" }] }],
  });
}

/** The same order read back with its transactions (as the backfill and re-reads carry them). */
function orderWithTransactions(id: number, customerId: number, day: number): LedgerOrder {
  return {
    ...normalizeOrder({ ...order(id, customerId, day), updated_at: at(day + 2) }),
    transactions: [{ id: `gid://shopify/OrderTransaction/${id}9`, kind: "sale", status: "success", gateway: "shopify_payments", amount: 6800, fee: 230, processedAt: new Date(at(day)) }],
  };
}

const refund = (orderId: number, refundId: number) => ({
  id: refundId,
  order_id: orderId,
  created_at: at(20),
  refund_line_items: [{ id: refundId + 1, line_item_id: orderId * 10 + 1, quantity: 1, subtotal_set: { shop_money: { amount: "30.00", currency_code: "USD" } } }],
});

const merge = (kept: number, merged: number) => ({
  admin_graphql_api_customer_kept_id: `gid://shopify/Customer/${kept}`,
  admin_graphql_api_customer_deleted_id: `gid://shopify/Customer/${merged}`,
  admin_graphql_api_job_id: null,
  status: "completed",
  errors: [],
});

async function ok(response: Promise<Response>) {
  expect((await response).status).toBe(200);
}

/** Rows belonging to one customer (X or Y) of a shop, in every table that can name a customer or order. */
async function customerRows(shop: string, who: typeof X | typeof Y) {
  const customerGid = `gid://shopify/Customer/${who.customer}`;
  for (const [index, id] of who.orders.entries()) {
    await ok(deliver("orders/create", order(id, who.merged, 1 + index), { shop })); // placed as the merged-away customer
    await ingestOrders(db, shop, [orderWithTransactions(id, who.merged, 1 + index)]);
  }
  await ok(deliver("customers/merge", merge(who.customer, who.merged), { shop }));
  await ok(deliver("refunds/create", refund(who.pending, who.pending * 10 + 5), { shop })); // its order never arrives
  await ok(deliver("orders/delete", { id: who.deleted }, { shop }));
  const orderId = `gid://shopify/Order/${who.orders[0]}`;
  await db.orderMargin.create({
    data: {
      shopId: shop, orderId, customerId: customerGid, processedAt: new Date(at(1)), costVersion: 1, netRevenue: 6500n, grossMargin: 4000n,
      contributionMargin: 3000n, cogs: 2500n, cogsEstimated: 0n, discounts: 0n, breakdown: "[]", computedAt: new Date(),
    },
  });
  await db.valueEvent.create({
    data: { shopId: shop, orderId, seq: 0, kind: "order", customerId: customerGid, at: new Date(at(1)), revenue: 6500n, grossMargin: 4000n, contributionMargin: 3000n, countsAsPurchase: true },
  });
  await db.serviceContact.create({
    data: { shopId: shop, id: `contact-${who.customer}`, customerId: customerGid, orderId, orderName: "#1", contactedAt: new Date(at(5)), source: "csv", createdAt: new Date() },
  });
  // A cached analytics view that names the customer (a filtered view, or the customers list).
  await db.analyticsSnapshot.create({
    data: {
      shopId: shop, view: `cohorts?customer=${who.customer}`, payload: JSON.stringify({ customers: [{ id: customerGid, orders: [orderId] }] }),
      asOf: new Date(), computedAt: new Date(), costVersion: 1, watermark: new Date(), ms: 1,
    },
  });
  await db.syncPendingOrder.create({ data: { shopId: shop, backfillId: "backfill-1", orderId, reason: "refunds" } });
  await db.syncDrift.create({
    data: { shopId: shop, reconciliationId: "reconcile-1", orderId, kind: "stale", shopifyUpdatedAt: new Date(at(3)), repairedAt: new Date() },
  });
}

/** Shop-level rows: the same in both shops. */
async function shopRows(shop: string) {
  await adminRequest("https://margin-ltv.test/app", shop); // Session
  await ok(deliver("discounts/delete", { admin_graphql_api_id: "gid://shopify/DiscountCodeNode/5", deleted_at: at(2) }, { shop }));
  await ok(deliver("inventory_items/update", { id: 808, updated_at: at(2), cost: "12.00" }, { shop }));
  await ok(deliver("bulk_operations/finish", { admin_graphql_api_id: "gid://shopify/BulkOperation/1", status: "completed" }, { shop }));
  const now = new Date();
  await db.costSettings.create({ data: { shopId: shop, version: 1, updatedAt: now } });
  await db.variantCost.create({ data: { shopId: shop, variantId: "gid://shopify/ProductVariant/77", validFrom: new Date(at(1)), unitCost: 1200n, source: "manual", createdAt: now } });
  await db.costVariant.create({ data: { shopId: shop, variantId: "gid://shopify/ProductVariant/77", title: "Product", updatedAt: now } });
  await db.costComponentVersion.create({ data: { shopId: shop, component: "fulfilment", validFrom: new Date(at(1)), value: "{}", createdAt: now } });
  await db.marketingSpend.create({ data: { shopId: shop, month: "2026-03", channel: "meta", amount: 10000n, source: "manual", updatedAt: now } });
  await db.marginRun.create({ data: { shopId: shop, id: "run-1", kind: "full", costVersion: 1, status: "done", total: 1, done: 1, startedAt: now, heartbeatAt: now } });
  await db.syncBackfill.create({ data: { shopId: shop, id: "backfill-1", status: "done", step: "done", startedAt: now, updatedAt: now } });
  await db.syncState.create({ data: { shopId: shop, watermark: now } });
  await db.syncReconciliation.create({ data: { shopId: shop, id: "reconcile-1", status: "done", startedAt: now } });
  await db.analyticsSnapshot.create({
    data: { shopId: shop, view: "cohorts", payload: JSON.stringify({ cohorts: [] }), asOf: now, computedAt: now, costVersion: 1, watermark: now, ms: 1 },
  });
  await db.analyticsRefresh.create({ data: { shopId: shop, status: "idle" } });
  // Every customer's cohort inputs, without ids (a customer redaction drops the row whole).
  await db.cohortBase.create({ data: { shopId: shop, asOf: now, watermark: now, computedAt: now, data: new Uint8Array([1, 2, 3]) } });
  await db.analyticsSettings.create({ data: { shopId: shop, updatedAt: now } });
}

async function fixture(shop: string, withX: boolean) {
  await customerRows(shop, Y);
  if (withX) await customerRows(shop, X);
  await shopRows(shop);
  // The customers on the refresh's flagged lists, X first: one stored chunk naming both, from which
  // the redaction takes X's row and keeps Y's.
  const flagged = (who: typeof X | typeof Y): FlaggedRow => ({
    customerId: `gid://shopify/Customer/${who.customer}`, customerNumber: String(who.customer), contributionMargin: 3000, revenue: 6500, orders: 1,
    flag: { kind: "high_value", label: "High value", reason: "Top 10% by contribution margin", numbers: { contributionMargin: 3000 } }, otherFlags: [],
  });
  const lists = Object.fromEntries(FLAG_KINDS.map((kind) => [kind, [] as FlaggedRow[]])) as FlagLists;
  lists.high_value = [...(withX ? [X] : []), Y].map(flagged);
  await db.$transaction((tx) => writeFlagLists(db, tx, shop, lists));
}

const MODELS = Object.values(Prisma.ModelName);

/** Every string column of every row of the shop that names one of the ids (as a whole id). */
async function rowsNaming(shop: string, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  const patterns = ids.map((id) => new RegExp(`${id.replace(/[/.]/g, "\\$&")}(?![0-9])`));
  for (const model of MODELS) {
    const key = model.charAt(0).toLowerCase() + model.slice(1);
    const where = model === "Session" ? { shop } : model === "Shop" ? { id: shop } : { shopId: shop };
    const rows = await (db as unknown as Record<string, { findMany: (args: object) => Promise<object[]> }>)[key].findMany({ where });
    for (const row of rows) {
      const text = JSON.stringify(row, (_k, value: unknown) => (typeof value === "bigint" ? String(value) : value));
      if (patterns.some((pattern) => pattern.test(text))) found.push(`${model}: ${text.slice(0, 200)}`);
    }
  }
  return found;
}

const X_IDS = [
  `gid://shopify/Customer/${X.customer}`,
  `gid://shopify/Customer/${X.merged}`,
  ...[...X.orders, X.pending, X.deleted, X.other].map((id) => `gid://shopify/Order/${id}`),
];

beforeEach(async () => {
  await resetDb();
  await fixture(REDACTED_SHOP, true);
  await fixture(CONTROL_SHOP, false);
});

describe("redaction, counted in every table", () => {
  it("the fixture puts a row in every table of the schema (add one for a new table)", async () => {
    const counts = await rowCounts(REDACTED_SHOP);
    expect(Object.keys(counts).sort()).toEqual([...MODELS].sort());
    expect(Object.entries(counts).filter(([, n]) => n === 0).map(([model]) => model)).toEqual([]);
    // The customer's rows are really there before redaction.
    expect((await rowsNaming(REDACTED_SHOP, X_IDS)).length).toBeGreaterThan(10);
  });

  it("customers/redact removes every row of the customer and their orders, and nothing else", async () => {
    const body = {
      shop_id: 1,
      shop_domain: REDACTED_SHOP,
      customer: { id: X.customer, email: "x@example.com", phone: "555" },
      orders_to_redact: [...X.orders, X.pending, X.deleted, X.other],
    };
    const controlBefore = await rowCounts(CONTROL_SHOP);
    const response = await callAction(customersRedact, signedWebhook("customers/redact", JSON.stringify(body), { shop: REDACTED_SHOP }));
    expect(response.status).toBe(200);
    expect(await rowsNaming(REDACTED_SHOP, X_IDS)).toEqual([]);
    const after = await rowCounts(REDACTED_SHOP);
    // Same rows as a shop that never had the customer (receipts and jobs of the deliveries aside).
    const { WebhookReceipt: receipts, Job: jobs, CohortBase: cohortBase, ...rest } = after;
    const { WebhookReceipt: controlReceipts, Job: controlJobs, CohortBase: controlCohortBase, ...control } = controlBefore;
    expect(rest).toEqual(control);
    // The anonymous per-customer cohort inputs cannot be redacted one customer at a time: gone until the next refresh.
    expect([controlCohortBase, cohortBase]).toEqual([1, 0]);
    // The flagged list kept Y's row, now first.
    expect((await storedFlagRows(db, REDACTED_SHOP, "high_value")).map((row) => row.customerId)).toEqual([`gid://shopify/Customer/${Y.customer}`]);
    expect(receipts).toBeGreaterThan(controlReceipts); // X's deliveries were received; receipts hold no customer data
    expect(jobs).toBeGreaterThanOrEqual(controlJobs);
    expect(await rowCounts(CONTROL_SHOP)).toEqual(controlBefore);
  });

  it("shop/redact removes every row of the shop in every table, and nothing of another shop", async () => {
    const control = await rowCounts(CONTROL_SHOP);
    const response = await callAction(shopRedact, signedWebhook("shop/redact", JSON.stringify({ shop_id: 1, shop_domain: REDACTED_SHOP }), { shop: REDACTED_SHOP }));
    expect(response.status).toBe(200);
    const after = await rowCounts(REDACTED_SHOP);
    expect(Object.entries(after).filter(([, n]) => n !== 0)).toEqual([]);
    expect(await rowCounts(CONTROL_SHOP)).toEqual(control);
  });
});
