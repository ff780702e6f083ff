/**
 * Property: any permutation, duplication (same webhook id: Shopify's retries; or a new id: a repeated
 * event) and retry-after-failure of a store's webhook deliveries, applied through the real route
 * actions with signed requests, sequentially or several at once, leaves every ledger table exactly as
 * in-order delivery does.
 */
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { resetDb } from "../../support/db";
import { TEST_SHOP } from "../../support/webhooks";
import { storeEvents, storeSpec, type Delivery, type StoreSpec } from "./store";
import { deliverAll, ledgerDump, ledgerModels } from "./support";

const RUNS = Number(process.env.PROPERTY_RUNS || 25);

async function ledgerAfter(deliveries: Delivery[], concurrency = 1) {
  await resetDb();
  await deliverAll(deliveries, concurrency);
  return ledgerDump(TEST_SHOP);
}

/**
 * A store, and a delivery schedule of its events: a permutation (indices, so a counterexample prints
 * short), duplicates inserted anywhere, and how many deliveries run at once.
 */
const scenario = storeSpec.chain((spec) => {
  const count = storeEvents(spec).length;
  const indices = Array.from({ length: count }, (_, index) => index);
  const duplicate = fc.record({ index: fc.nat({ max: count - 1 }), sameId: fc.boolean(), position: fc.nat({ max: count }) });
  return fc.record({
    spec: fc.constant(spec),
    order: fc.shuffledSubarray(indices, { minLength: count, maxLength: count }),
    duplicates: fc.array(duplicate, { maxLength: 4 }),
    concurrency: fc.constantFrom(1, 1, 2, 4),
  });
});

function schedule(order: number[], duplicates: { index: number; sameId: boolean; position: number }[], events: Delivery[]): Delivery[] {
  const result = order.map((index) => events[index]);
  duplicates.forEach((duplicate, n) => {
    const event = events[duplicate.index];
    const copy = duplicate.sameId ? event : { ...event, webhookId: `${event.webhookId}-again-${n}` };
    result.splice(duplicate.position % (result.length + 1), 0, copy);
  });
  return result;
}

beforeEach(resetDb);

describe("delivery order does not change the ledger", () => {
  it("the dump covers the ledger tables", () => {
    expect(ledgerModels()).toEqual(expect.arrayContaining([
      "Order", "OrderLine", "Refund", "RefundLine", "Customer", "OrderTransaction", "OrderMargin", "ValueEvent",
      "PendingRefund", "OrderTombstone", "CustomerMerge", "Discount", "InventoryCostHistory",
    ]));
  });

  it("a worked example: refund first, duplicated create, late older update, cancel, merge", async () => {
    const events = storeEvents({
      orders: [
        {
          customer: 0, taxesIncluded: true, test: false, cancelled: true, deleted: false,
          versions: [
            { lines: [{ price: 1000, quantity: 2, tax: 200 }, null, { price: 500, quantity: 1, tax: 0 }], shipping: 500 },
            { lines: [{ price: 1000, quantity: 1, tax: 100 }, { price: 700, quantity: 1, tax: 70 }, null], shipping: 500 },
          ],
          refunds: [{ afterVersion: 1, slot: 1, quantity: 1, shipping: true }],
        },
      ],
      mergeAtHours: 1,
      inventory: [],
    });
    const inOrder = await ledgerAfter(events);
    expect(inOrder.Order).toHaveLength(1);
    expect(inOrder.Refund).toHaveLength(1);
    expect(inOrder.Customer.map((row) => JSON.parse(row).id)).toEqual(["gid://shopify/Customer/602"]);
    const reversed = [...events].reverse();
    expect(await ledgerAfter([...reversed, reversed[1], { ...reversed[2], webhookId: "repeat" }])).toEqual(inOrder);
  });

  it("holds for the counterexample that found queries joining another request's open transaction", async () => {
    // fast-check's seed -628625609, run 24: a refunds/create for a shop not registered yet ran beside a
    // duplicate delivery. On SQLite the adapter ran the refund's shop registration inside the duplicate's
    // open transaction, which rolled back, and the refund then failed to find the shop (app/db.server.ts).
    const spec: StoreSpec = {
      orders: [{
        customer: 1, taxesIncluded: false, test: false, cancelled: false, deleted: false,
        versions: [{ lines: [{ price: 8353, quantity: 1, tax: 27 }, { price: 8515, quantity: 3, tax: 186 }, { price: 6167, quantity: 3, tax: 115 }], shipping: 500 }],
        refunds: [{ afterVersion: 0, slot: 2, quantity: 1, shipping: true }],
      }],
      mergeAtHours: 42,
      inventory: [{ item: 2, hours: 106, cost: 1045 }, { item: 1, hours: 49, cost: 3553 }],
    };
    const duplicates = [{ index: 0, sameId: true, position: 3 }, { index: 2, sameId: true, position: 2 }, { index: 3, sameId: false, position: 1 }];
    const events = storeEvents(spec);
    const inOrder = await ledgerAfter(events);
    expect(await ledgerAfter(schedule([4, 3, 0, 1, 2], duplicates, events), 4)).toEqual(inOrder);
  });

  it("holds for generated stores under any permutation, duplication, retry and concurrency", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ spec, order, duplicates, concurrency }) => {
        const events = storeEvents(spec);
        const inOrder = await ledgerAfter(events);
        const shuffled = await ledgerAfter(schedule(order, duplicates, events), concurrency);
        expect(shuffled).toEqual(inOrder);
        // A second, identical storm changes nothing either (every delivery is a retry now).
        await deliverAll(schedule(order, duplicates, events), concurrency);
        expect(await ledgerDump(TEST_SHOP)).toEqual(inOrder);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(await db.webhookReceipt.count()).toBeGreaterThan(0);
  }, 600_000);
});
