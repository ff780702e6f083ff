import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { normalizeOrder } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { BULK_FINISHED_JOB, REREAD_DISCOUNT_JOB, REREAD_ORDER_JOB, setOrderFetcher } from "~/queue/jobs.server";
import { runDueJobs } from "~/queue/queue.server";
import { RESOLVE_PENDING_REFUNDS_JOB } from "~/ingest/refunds.server";
import { MARGIN_RECOMPUTE_JOB } from "~/ingest/margin-hook.server";
import { fakeAdminApi } from "../../support/admin-api";
import { adminRequest } from "../../support/auth";
import { resetDb, rowCounts } from "../../support/db";
import { readFileSync } from "node:fs";
import { fixtureText } from "../../support/fixtures";
import { orderBody, type OrderInput } from "../../support/orders";
import { TEST_SHOP } from "../../support/webhooks";
import { deliver } from "./support";

/** An order; other ids than 1001 get their own line ids (line ids are unique across orders). */
const order = (overrides: Partial<OrderInput> = {}) =>
  orderBody({
    id: 1001,
    customerId: 501,
    processedAt: "2026-03-05T10:00:00-05:00",
    updatedAt: "2026-03-05T10:00:00-05:00",
    lines: [
      { id: 11, variantId: 7, price: "40.00", quantity: 2, tax: "8.00" },
      { id: 12, variantId: 8, price: "25.50", quantity: 1 },
    ],
    shipping: "6.00",
    tax: "8.00",
    totalPrice: "119.50",
    ...overrides,
    ...(overrides.id && overrides.id !== 1001 && !overrides.lines
      ? { lines: [{ id: overrides.id * 100 + 1, variantId: 7, price: "40.00", quantity: 2, tax: "8.00" }] }
      : {}),
  });

const refundBody = (overrides: Record<string, unknown> = {}) => ({
  id: 90,
  admin_graphql_api_id: "gid://shopify/Refund/90",
  order_id: 1001,
  created_at: "2026-03-20T10:00:00-04:00",
  refund_line_items: [
    {
      id: 91,
      line_item_id: 11,
      quantity: 1,
      restock_type: "return",
      subtotal_set: { shop_money: { amount: "44.00", currency_code: "USD" } },
      total_tax_set: { shop_money: { amount: "4.00", currency_code: "USD" } },
    },
  ],
  refund_shipping_lines: [],
  order_adjustments: [],
  transactions: [],
  ...overrides,
});

const ORDER_GID = "gid://shopify/Order/1001";
/** A fixture of this folder, as text (ids above 2^53 stay exact). */
const localFixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const jobKinds = async () => (await db.job.findMany({ where: { shopId: TEST_SHOP }, orderBy: { createdAt: "asc" } })).map((job) => job.kind);
const nothingWritten = async () => {
  const counts = await rowCounts();
  for (const [model, n] of Object.entries(counts)) expect([model, n]).toEqual([model, 0]);
};

beforeEach(resetDb);
afterEach(() => setOrderFetcher(null));

describe("validation: a refused payload writes nothing, not even a receipt or a job", () => {
  const bad: [Parameters<typeof deliver>[0], unknown][] = [
    ["orders/edited", { order_edit: { id: 1 } }],
    ["orders/delete", { id: "gid://shopify/Customer/1" }],
    ["refunds/create", { ...refundBody(), order_id: undefined }],
    ["refunds/create", refundBody({ refund_line_items: [{ id: 91, line_item_id: 11, quantity: 1, subtotal_set: { shop_money: { amount: "4O.00", currency_code: "USD" } } }] })],
    ["discounts/create", { admin_graphql_api_id: "gid://shopify/Order/1", title: "x" }],
    ["discounts/update", { title: "no id" }],
    ["discounts/delete", { admin_graphql_api_id: "gid://shopify/DiscountCodeNode/1", deleted_at: "yesterday" }],
    ["inventory_items/update", { id: 5, cost: "12.00" }],
    ["customers/merge", { admin_graphql_api_customer_kept_id: "gid://shopify/Customer/1", status: "completed" }],
    ["bulk_operations/finish", { admin_graphql_api_id: "gid://shopify/Job/1", status: "completed" }],
  ];
  for (const [topic, body] of bad) {
    it(`refuses a bad ${topic} body with 422`, async () => {
      const response = await deliver(topic, body);
      expect(response.status).toBe(422);
      expect(await response.text()).toMatch(/failed validation|bad amount|bad id|bad cost/);
      await nothingWritten();
    });
  }
});

describe("orders/edited", () => {
  it("enqueues a re-read with its receipt; the job ingests the order read from the Admin API", async () => {
    const response = await deliver("orders/edited", localFixture("orders-edited.shopify-webhooks-2026-07.json"), { webhookId: "e1" });
    expect(response.status).toBe(200);
    // A retry of the same delivery changes nothing.
    expect((await deliver("orders/edited", localFixture("orders-edited.shopify-webhooks-2026-07.json"), { webhookId: "e1" })).status).toBe(200);
    const jobs = await db.job.findMany({ where: { shopId: TEST_SHOP, kind: REREAD_ORDER_JOB } });
    expect(jobs.map((job) => JSON.parse(job.payload))).toEqual([{ orderId: "gid://shopify/Order/820982911946154508" }]);
    expect(await db.webhookReceipt.count()).toBe(1);

    const reads: string[] = [];
    setOrderFetcher(async (_admin, gid) => {
      reads.push(gid);
      return { ...normalizeOrder(order({ updatedAt: "2026-03-09T10:00:00Z" })), id: gid };
    });
    await adminRequest("https://margin-ltv.test/app", TEST_SHOP); // an offline session for the job
    expect(await runDueJobs(db, { kinds: [REREAD_ORDER_JOB] })).toBe(1);
    expect(reads).toEqual(["gid://shopify/Order/820982911946154508"]);
    expect(await db.order.count({ where: { shopId: TEST_SHOP } })).toBe(1);
    expect((await db.job.findFirstOrThrow({ where: { kind: REREAD_ORDER_JOB } })).status).toBe("done");
  });

  it("a re-read older than the stored snapshot changes nothing; a missing order is a no-op", async () => {
    await deliver("orders/updated", order({ updatedAt: "2026-03-10T00:00:00Z", lines: [{ id: 11, price: "1.00" }] }));
    await deliver("orders/edited", { order_edit: { id: 5, order_id: 1001 } });
    await deliver("orders/edited", { order_edit: { id: 6, order_id: 1002 } });
    const byId = new Map<string, LedgerOrder>([[ORDER_GID, normalizeOrder(order({ updatedAt: "2026-03-09T00:00:00Z" }))]]);
    setOrderFetcher(async (_admin, gid) => byId.get(gid) ?? null);
    await adminRequest("https://margin-ltv.test/app", TEST_SHOP);
    expect(await runDueJobs(db, { kinds: [REREAD_ORDER_JOB] })).toBe(2);
    const stored = await db.order.findFirstOrThrow({ where: { shopId: TEST_SHOP } });
    expect(stored.grossSales).toBe(100n);
    expect(await db.job.count({ where: { status: "done", kind: REREAD_ORDER_JOB } })).toBe(2);
  });

  it("keeps the job queued with backoff while no order fetcher is registered", async () => {
    await deliver("orders/edited", { order_edit: { id: 5, order_id: 1001 } });
    setOrderFetcher(null);
    await adminRequest("https://margin-ltv.test/app", TEST_SHOP);
    expect(await runDueJobs(db, { kinds: [REREAD_ORDER_JOB] })).toBe(1);
    const job = await db.job.findFirstOrThrow({ where: { kind: REREAD_ORDER_JOB } });
    expect(job.status).toBe("queued");
    expect(job.lastError).toMatch(/No order fetcher/);
  });
});

describe("orders/delete", () => {
  it("removes the order and everything derived from it, and a late snapshot does not bring it back", async () => {
    await deliver("orders/create", order({ refunds: [{ id: 90, createdAt: "2026-03-20T10:00:00-04:00", lines: [{ id: 91, lineItemId: 11, quantity: 1, subtotal: "40.00" }] }] }));
    await deliver("orders/create", order({ id: 1002, customerId: 502 }));
    await db.orderMargin.create({
      data: {
        shopId: TEST_SHOP, orderId: ORDER_GID, customerId: "gid://shopify/Customer/501", processedAt: new Date(), costVersion: 1,
        netRevenue: 1n, grossMargin: 1n, contributionMargin: 1n, cogs: 0n, cogsEstimated: 0n, discounts: 0n, breakdown: "[]", computedAt: new Date(),
      },
    });
    await db.valueEvent.create({
      data: {
        shopId: TEST_SHOP, orderId: ORDER_GID, seq: 0, kind: "order", customerId: "gid://shopify/Customer/501", at: new Date(),
        revenue: 1n, grossMargin: 1n, contributionMargin: 1n, countsAsPurchase: true,
      },
    });
    const response = await deliver("orders/delete", { id: 1001 });
    expect(response.status).toBe(200);
    const counts = await rowCounts(TEST_SHOP);
    expect(counts).toMatchObject({ Order: 1, OrderLine: 1, Refund: 0, RefundLine: 0, OrderMargin: 0, ValueEvent: 0, OrderTombstone: 1, Customer: 1 });
    expect((await db.customer.findFirstOrThrow()).id).toBe("gid://shopify/Customer/502");

    // Late deliveries of the deleted order: create, update, refund. None is applied.
    await deliver("orders/updated", order({ updatedAt: "2026-04-01T00:00:00Z" }));
    await deliver("refunds/create", refundBody({ id: 95, admin_graphql_api_id: "gid://shopify/Refund/95" }));
    expect(await rowCounts(TEST_SHOP)).toMatchObject({ Order: 1, Refund: 0, PendingRefund: 0, OrderTombstone: 1, Customer: 1 });
    const outcomes = (await db.webhookReceipt.findMany({ orderBy: { receivedAt: "asc" } })).map((row) => row.outcome);
    expect(outcomes.slice(-3)).toEqual(["applied", "deleted", "deleted"]);
  });

  it("a delete before the order's first delivery tombstones it", async () => {
    expect((await deliver("orders/delete", { id: 1001 })).status).toBe(200);
    await deliver("orders/create", order());
    expect(await rowCounts(TEST_SHOP)).toMatchObject({ Order: 0, OrderLine: 0, Customer: 0, OrderTombstone: 1 });
  });
});

describe("refunds/create", () => {
  it("derives the refund with the stored order's taxes_included", async () => {
    await deliver("orders/create", order({ taxesIncluded: true }));
    expect((await deliver("refunds/create", refundBody())).status).toBe(200);
    const refund = await db.refund.findFirstOrThrow({ where: { shopId: TEST_SHOP } });
    expect(refund).toMatchObject({ id: "gid://shopify/Refund/90", orderId: ORDER_GID, merchandise: 4000n, taxes: 400n, returnedItems: 1, restockedItems: 1 });
    expect(refund.createdAt.toISOString()).toBe("2026-03-20T14:00:00.000Z");
    expect(await db.pendingRefund.count()).toBe(0);
  });

  it("keeps a refund that arrives before its order, then re-derives it when the order arrives", async () => {
    // A tax-inclusive store: the provisional reading (no order known: taxes excluded) is wrong...
    expect((await deliver("refunds/create", refundBody())).status).toBe(200);
    expect(await db.refund.findFirstOrThrow()).toMatchObject({ merchandise: 4400n });
    expect(await db.pendingRefund.count()).toBe(1);
    expect(await jobKinds()).toContain(RESOLVE_PENDING_REFUNDS_JOB);
    // ...until the order arrives, and the ledger is what in-order delivery gives.
    await deliver("orders/create", order({ taxesIncluded: true }));
    const outOfOrder = await db.refund.findMany();
    expect(outOfOrder.map((row) => [row.id, row.merchandise, row.taxes])).toEqual([["gid://shopify/Refund/90", 4000n, 400n]]);
    expect(await db.refundLine.findFirstOrThrow()).toMatchObject({ subtotal: 4000n, tax: 400n });
    expect(await db.pendingRefund.count()).toBe(0);
  });

  it("the resolve job re-derives a pending refund once the order is stored", async () => {
    await deliver("refunds/create", refundBody());
    // The order is written by a path that did not see the pending refund (another instance, racing).
    await db.$executeRaw`INSERT INTO "Order" ("shopId","id","name","createdAt","processedAt","sourceUpdatedAt","currency","sourceName","taxesIncluded","grossSales","discounts","netSales","shippingCharged","taxes","duties","tips","giftCardsSold","totalPrice","itemCount","ingestedAt")
      VALUES (${TEST_SHOP}, ${ORDER_GID}, '#1', ${new Date()}, ${new Date()}, ${new Date()}, 'USD', 'web', true, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ${new Date()})`;
    expect(await runDueJobs(db, { kinds: [RESOLVE_PENDING_REFUNDS_JOB], now: () => new Date(Date.now() + 10 * 60_000) })).toBe(1);
    expect(await db.refund.findFirstOrThrow()).toMatchObject({ merchandise: 4000n });
    expect(await db.pendingRefund.count()).toBe(0);
  });

  it("stores Shopify's refunds/create examples, and a repeat changes nothing", async () => {
    await deliver("orders/create", order({ id: 450789469 }));
    for (const name of ["refunds-create.shopify-rest-2026-07.json", "refunds-create.shipping-only.shopify-rest-2026-07.json"]) {
      expect((await deliver("refunds/create", fixtureText(name))).status).toBe(200);
      expect((await deliver("refunds/create", fixtureText(name))).status).toBe(200); // another webhook id, same refund
    }
    const refunds = await db.refund.findMany({ where: { shopId: TEST_SHOP }, orderBy: { id: "asc" } });
    expect(refunds.map((row) => [row.orderId, row.shipping])).toEqual([
      ["gid://shopify/Order/450789469", 500n],
      ["gid://shopify/Order/450789469", 0n],
    ]);
    const outcomes = (await db.webhookReceipt.findMany({ orderBy: { receivedAt: "asc" } })).map((row) => row.outcome);
    expect(outcomes.filter((outcome) => outcome === "known")).toHaveLength(2);
  });
});

describe("discounts", () => {
  const codeId = "gid://shopify/DiscountCodeNode/1166641397843";
  const node = (updatedAt: string, title = "DISCOUNT_TEST") => ({
    data: {
      codeDiscountNode: {
        id: codeId,
        codeDiscount: {
          __typename: "DiscountCodeBasic",
          title,
          status: "ACTIVE",
          startsAt: "2024-07-30T19:34:37Z",
          endsAt: null,
          createdAt: "2024-07-30T19:34:37Z",
          updatedAt,
          codesCount: { count: 2 },
          codes: { nodes: [{ code: "SUMMER10" }, { code: "SUMMER10-B" }] },
          customerGets: { value: { __typename: "DiscountPercentage", percentage: 0.1 } },
        },
      },
    },
  });

  it("discounts/create enqueues a read; the job stores title, codes, type, value, status and dates", async () => {
    await deliver("orders/create", order());
    expect((await deliver("discounts/create", fixtureText("discounts-create.captured-2024-07.json"))).status).toBe(200);
    expect(await jobKinds()).toContain(REREAD_DISCOUNT_JOB);
    await adminRequest("https://margin-ltv.test/app", TEST_SHOP);
    const calls = fakeAdminApi(() => node("2024-07-30T19:34:37Z"));
    expect(await runDueJobs(db, { kinds: [REREAD_DISCOUNT_JOB] })).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0].query).toMatch(/codeDiscountNode/);
    expect(calls[0].variables).toEqual({ id: codeId });
    const stored = await db.discount.findFirstOrThrow({ where: { shopId: TEST_SHOP } });
    expect(stored).toMatchObject({
      id: codeId, title: "DISCOUNT_TEST", method: "code", discountType: "DiscountCodeBasic", codesCount: 2,
      valueType: "percentage", valuePercentage: "0.1", valueAmount: null, status: "ACTIVE", endsAt: null, deletedAt: null,
    });
    expect(JSON.parse(stored.codes)).toEqual(["SUMMER10", "SUMMER10-B"]);
  });

  it("an older read never replaces a newer one, and a deleted discount stays deleted", async () => {
    await deliver("orders/create", order());
    await adminRequest("https://margin-ltv.test/app", TEST_SHOP);
    await deliver("discounts/update", { admin_graphql_api_id: codeId, title: "x" });
    fakeAdminApi(() => node("2024-08-02T00:00:00Z", "newer"));
    await runDueJobs(db, { kinds: [REREAD_DISCOUNT_JOB] });
    await deliver("discounts/update", { admin_graphql_api_id: codeId, title: "x" });
    fakeAdminApi(() => node("2024-08-01T00:00:00Z", "older"));
    await runDueJobs(db, { kinds: [REREAD_DISCOUNT_JOB] });
    expect((await db.discount.findFirstOrThrow()).title).toBe("newer");

    expect((await deliver("discounts/delete", { admin_graphql_api_id: codeId, deleted_at: "2024-08-03T00:00:00Z" })).status).toBe(200);
    await deliver("discounts/update", { admin_graphql_api_id: codeId, title: "x" });
    fakeAdminApi(() => node("2024-08-04T00:00:00Z", "resurrected?"));
    await runDueJobs(db, { kinds: [REREAD_DISCOUNT_JOB] });
    const stored = await db.discount.findFirstOrThrow();
    expect(stored.title).toBe("newer");
    expect(stored.deletedAt?.toISOString()).toBe("2024-08-03T00:00:00.000Z");
  });

  it("reads automatic discounts with their amount, and a read that finds nothing marks it deleted", async () => {
    await deliver("orders/create", order());
    await adminRequest("https://margin-ltv.test/app", TEST_SHOP);
    const auto = "gid://shopify/DiscountAutomaticNode/7";
    await deliver("discounts/create", { admin_graphql_api_id: auto, title: "Auto", status: "ACTIVE" });
    fakeAdminApi(() => ({
      data: {
        automaticDiscountNode: {
          id: auto,
          automaticDiscount: {
            __typename: "DiscountAutomaticBasic", title: "Auto", status: "SCHEDULED", startsAt: "2026-01-01T00:00:00Z",
            endsAt: "2026-02-01T00:00:00Z", createdAt: "2025-12-01T00:00:00Z", updatedAt: "2025-12-02T00:00:00Z",
            customerGets: { value: { __typename: "DiscountAmount", amount: { amount: "5.5", currencyCode: "USD" }, appliesOnEachItem: false } },
          },
        },
      },
    }));
    await runDueJobs(db, { kinds: [REREAD_DISCOUNT_JOB] });
    expect(await db.discount.findFirstOrThrow()).toMatchObject({ method: "automatic", valueType: "fixed_amount", valueAmount: 550n, status: "SCHEDULED", codes: "[]" });
    await deliver("discounts/update", { admin_graphql_api_id: auto });
    const calls = fakeAdminApi(() => ({ data: { automaticDiscountNode: null } }));
    await runDueJobs(db, { kinds: [REREAD_DISCOUNT_JOB] });
    expect(calls[0].query).toMatch(/automaticDiscountNode/);
    expect((await db.discount.findFirstOrThrow()).deletedAt).not.toBeNull();
  });
});

describe("inventory_items/update", () => {
  const item = (updatedAt: string, cost: string | null) => ({
    id: 808950810, sku: "IPOD2008PINK", created_at: "2022-04-05T13:05:24-04:00", updated_at: updatedAt, requires_shipping: true, cost,
    country_code_of_origin: null, province_code_of_origin: null, harmonized_system_code: null, tracked: true,
    country_harmonized_system_codes: [], admin_graphql_api_id: "gid://shopify/InventoryItem/808950810",
  });

  it("keeps the cost history in any delivery order, with a repeat as a no-op", async () => {
    await deliver("orders/create", order());
    for (const [at, cost] of [["2026-02-01T00:00:00Z", "12.50"], ["2026-01-01T00:00:00Z", "10.00"], ["2026-03-01T00:00:00Z", null], ["2026-02-01T00:00:00Z", "12.50"]] as const) {
      expect((await deliver("inventory_items/update", item(at, cost))).status).toBe(200);
    }
    const history = await db.inventoryCostHistory.findMany({ where: { shopId: TEST_SHOP }, orderBy: { changedAt: "asc" } });
    expect(history.map((row) => [row.changedAt.toISOString().slice(0, 10), row.unitCost, row.variantId, row.source])).toEqual([
      ["2026-01-01", 1000n, null, "webhook"],
      ["2026-02-01", 1250n, null, "webhook"],
      ["2026-03-01", null, null, "webhook"],
    ]);
  });

  it("carries a known variant forward", async () => {
    await deliver("orders/create", order());
    await db.inventoryCostHistory.create({
      data: { shopId: TEST_SHOP, inventoryItemId: "gid://shopify/InventoryItem/808950810", variantId: "gid://shopify/ProductVariant/7", unitCost: 900n, changedAt: new Date("2025-01-01"), source: "backfill" },
    });
    await deliver("inventory_items/update", item("2026-01-01T00:00:00Z", "10.00"));
    const latest = await db.inventoryCostHistory.findFirstOrThrow({ where: { changedAt: new Date("2026-01-01T00:00:00Z") } });
    expect(latest.variantId).toBe("gid://shopify/ProductVariant/7");
  });

  it("fails (Shopify retries) while the shop's currency is unknown", async () => {
    await expect(deliver("inventory_items/update", item("2026-01-01T00:00:00Z", "10.00"))).rejects.toThrow(/not registered/);
    await nothingWritten();
  });
});

describe("customers/merge", () => {
  const merge = (kept: number, deleted: number, status = "completed") => ({
    admin_graphql_api_customer_kept_id: `gid://shopify/Customer/${kept}`,
    admin_graphql_api_customer_deleted_id: `gid://shopify/Customer/${deleted}`,
    admin_graphql_api_job_id: null,
    status,
    errors: [],
  });

  it("re-keys orders, margins and value events to the kept customer; late snapshots are mapped", async () => {
    await deliver("orders/create", order({ id: 1001, customerId: 501 }));
    await deliver("orders/create", order({ id: 1002, customerId: 502 }));
    await db.valueEvent.create({
      data: {
        shopId: TEST_SHOP, orderId: ORDER_GID, seq: 0, kind: "order", customerId: "gid://shopify/Customer/501", at: new Date(),
        revenue: 1n, grossMargin: 1n, contributionMargin: 1n, countsAsPurchase: true,
      },
    });
    expect((await deliver("customers/merge", merge(502, 501))).status).toBe(200);
    const orders = await db.order.findMany({ where: { shopId: TEST_SHOP }, orderBy: { id: "asc" } });
    expect(orders.map((row) => row.customerId)).toEqual(["gid://shopify/Customer/502", "gid://shopify/Customer/502"]);
    expect((await db.valueEvent.findFirstOrThrow()).customerId).toBe("gid://shopify/Customer/502");
    expect((await db.customer.findMany()).map((row) => row.id)).toEqual(["gid://shopify/Customer/502"]);
    // A snapshot taken before the merge, delivered late but newer than what is stored.
    await deliver("orders/updated", order({ id: 1001, customerId: 501, updatedAt: "2026-03-06T00:00:00Z" }));
    expect((await db.order.findFirstOrThrow({ where: { id: ORDER_GID } })).customerId).toBe("gid://shopify/Customer/502");
    expect((await db.customer.findMany()).map((row) => row.id)).toEqual(["gid://shopify/Customer/502"]);
  });

  it("flattens chains in either delivery order", async () => {
    await deliver("orders/create", order({ id: 1001, customerId: 501 }));
    await deliver("customers/merge", merge(503, 502)); // B -> C first
    await deliver("customers/merge", merge(502, 501)); // then A -> B
    expect((await db.order.findFirstOrThrow()).customerId).toBe("gid://shopify/Customer/503");
    const merges = await db.customerMerge.findMany({ orderBy: { customerId: "asc" } });
    expect(merges.map((row) => [row.customerId, row.keptCustomerId])).toEqual([
      ["gid://shopify/Customer/501", "gid://shopify/Customer/503"],
      ["gid://shopify/Customer/502", "gid://shopify/Customer/503"],
    ]);
  });

  it("ignores a merge that did not complete", async () => {
    await deliver("orders/create", order({ id: 1001, customerId: 501 }));
    const failed = localFixture("customers-merge.shopify-webhooks-2026-07.json");
    expect((await deliver("customers/merge", failed)).status).toBe(200);
    expect((await db.order.findFirstOrThrow()).customerId).toBe("gid://shopify/Customer/501");
    expect(await db.customerMerge.count()).toBe(0);
    expect((await db.webhookReceipt.findFirstOrThrow({ where: { topic: "customers/merge" } })).outcome).toBe("ignored-failed");
  });
});

describe("bulk_operations/finish", () => {
  it("enqueues one bulk-finished job per operation, for the sync module's handler", async () => {
    const body = localFixture("bulk_operations-finish.shopify-webhooks-2026-07.json");
    expect((await deliver("bulk_operations/finish", body)).status).toBe(200);
    expect((await deliver("bulk_operations/finish", body)).status).toBe(200); // another webhook id, same operation
    const jobs = await db.job.findMany({ where: { kind: BULK_FINISHED_JOB } });
    expect(jobs).toHaveLength(1);
    expect(JSON.parse(jobs[0].payload)).toMatchObject({ operationId: "gid://shopify/BulkOperation/147595010", status: "completed" });
    expect(await db.webhookReceipt.count()).toBe(2);
  });
});

describe("margin recompute hook", () => {
  it("enqueues an incremental recompute of the orders a change touched, a little later", async () => {
    await deliver("orders/create", order());
    await deliver("refunds/create", refundBody());
    const jobs = await db.job.findMany({ where: { kind: MARGIN_RECOMPUTE_JOB }, orderBy: { createdAt: "asc" } });
    expect(jobs.map((job) => JSON.parse(job.payload))).toEqual([{ orderIds: [ORDER_GID] }, { orderIds: [ORDER_GID] }]);
    expect(jobs.every((job) => job.runAt.getTime() > Date.now())).toBe(true);
  });

  it("the job recomputes the orders' margins through app/margins, both jobs in one run", async () => {
    // Each delivery answered 200 (so each enqueued its job): a failed one would show here, not as a missing job.
    expect((await deliver("orders/create", order())).status).toBe(200);
    expect((await deliver("orders/create", order({ id: 1002, customerId: 502 }))).status).toBe(200);
    expect(await db.orderMargin.count()).toBe(0);
    expect(await db.job.count({ where: { kind: MARGIN_RECOMPUTE_JOB, status: "queued" } })).toBe(2);
    expect(await runDueJobs(db, { kinds: [MARGIN_RECOMPUTE_JOB], now: () => new Date(Date.now() + 10_000) })).toBe(2);
    const margins = await db.orderMargin.findMany({ where: { shopId: TEST_SHOP }, orderBy: { orderId: "asc" } });
    expect(margins.map((row) => row.orderId)).toEqual([ORDER_GID, "gid://shopify/Order/1002"]);
    expect(await db.valueEvent.count({ where: { shopId: TEST_SHOP } })).toBeGreaterThanOrEqual(2);
    expect(await db.job.count({ where: { kind: MARGIN_RECOMPUTE_JOB, status: "done" } })).toBe(2);
  });
});
