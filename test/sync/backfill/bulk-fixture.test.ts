import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { BulkFormatError, BulkOrderAssembler } from "~/domain/shopify-graphql/bulk";
import { connectionItems } from "~/domain/shopify-graphql/order";
import { upsertShop } from "~/shops/shops.server";
import db from "~/db.server";
import { fileStream } from "~/sync/lines.server";
import { streamIngest } from "~/sync/stream-ingest.server";
import { resetDb } from "../../support/db";
import { ingestBodies } from "../../support/ingest";
import { ledgerDump } from "./ledger-dump";

const FILE = "test/fixtures/bulk/orders-out-of-order.jsonl";
const REST = JSON.parse(readFileSync("test/fixtures/bulk/orders-out-of-order.rest.json", "utf8")) as Record<string, unknown>[];
const records = readFileSync(FILE, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);

beforeEach(resetDb);

describe("BulkOrderAssembler", () => {
  it("reattaches children that come before their order or after the next one, and reports the orphan", () => {
    const assembler = new BulkOrderAssembler({ window: 2 });
    const emitted: string[] = [];
    records.forEach((record, index) => {
      for (const order of assembler.push(record, { line: index + 1, start: index * 100 })) emitted.push(order.node.id);
    });
    // #6001 is emitted when the third order (#6003) opens; #6002 when #6004 does.
    expect(emitted).toEqual(["gid://shopify/Order/6001", "gid://shopify/Order/6002"]);
    // #6003 (line 8) is the oldest order still open, but #6004 holds its line item from line 7, read before it:
    // a restart must begin there or that line is lost.
    expect(assembler.earliestHeld()).toEqual({ line: 7, start: 600 });
    const { orders, unmatchedParents } = assembler.finish();
    expect(orders.map((order) => order.node.id)).toEqual(["gid://shopify/Order/6003", "gid://shopify/Order/6004"]);
    expect(unmatchedParents).toEqual([{ parentId: "gid://shopify/Order/6999", line: 10, records: 1 }]);
    const c = orders[0].node;
    expect(connectionItems(c.lineItems).map((line) => line.id)).toEqual(["gid://shopify/LineItem/64"]);
    expect(connectionItems(c.shippingLines)).toHaveLength(1);
  });

  it("with a window of one, a child after the next order is an orphan (and is reported)", () => {
    const assembler = new BulkOrderAssembler({ window: 1 });
    records.forEach((record, index) => assembler.push(record, { line: index + 1, start: index }));
    const { unmatchedParents } = assembler.finish();
    expect(unmatchedParents.map((parent) => parent.parentId).sort()).toEqual(["gid://shopify/Order/6001", "gid://shopify/Order/6003", "gid://shopify/Order/6999"]);
  });

  it("refuses records that are not orders or children, and a runaway orphan buffer", () => {
    const assembler = new BulkOrderAssembler({ maxOrphans: 1 });
    expect(() => assembler.push({ id: "gid://shopify/Product/1" }, { line: 3, start: 0 })).toThrow(BulkFormatError);
    expect(() => assembler.push([1, 2], { line: 4, start: 0 })).toThrow(/line 4: expected a JSON object/);
    assembler.push({ id: "x", __parentId: "gid://shopify/Order/1" }, { line: 5, start: 0 });
    expect(() => assembler.push({ id: "y", __parentId: "gid://shopify/Order/2" }, { line: 6, start: 0 })).toThrow(/more than 1 records arrived before their parent/);
  });
});

describe("stopping and resuming a bulk file", () => {
  it("loses no child read before its order, however often it stops (batch of one, window of two)", async () => {
    await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
    const options = { format: "bulk" as const, batchSize: 1, window: 2, mapInWorker: false };
    await streamIngest(db, "bulk.myshopify.com", fileStream(FILE), options);
    const whole = await ledgerDump("bulk.myshopify.com");
    await resetDb();
    await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
    let from = { byte: 0, line: 0 };
    let runs = 0;
    for (;;) {
      runs += 1;
      const run = await streamIngest(db, "bulk.myshopify.com", fileStream(FILE, from.byte), { ...options, from, shouldStop: () => true });
      if (!run.stopped) break;
      from = run.resume;
    }
    expect(runs).toBeGreaterThan(2);
    expect(await ledgerDump("bulk.myshopify.com")).toEqual(whole);
  });
});

describe("streaming a bulk file into the ledger", () => {
  it("gives the same ledger as the orders' webhook bodies, except the refund bulk output cannot carry", async () => {
    await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
    const result = await streamIngest(db, "bulk.myshopify.com", fileStream(FILE), { format: "bulk", batchSize: 2, window: 2 });
    expect(result.counts).toMatchObject({ lines: 12, orders: 4, applied: 4, refunds: 1, bad: 1 });
    expect(result.errors).toEqual([{ line: 10, message: expect.stringMatching(/gid:\/\/shopify\/Order\/6999 came without/) }]);
    expect(result.unmatchedParents).toEqual(["gid://shopify/Order/6999"]);
    expect(result.incompleteRefundOrders).toEqual(["gid://shopify/Order/6004"]);

    await ingestBodies("rest.myshopify.com", REST.map((body) => (body.id === 6004 ? { ...body, refunds: [] } : body)));
    const bulk = await ledgerDump("bulk.myshopify.com");
    const rest = await ledgerDump("rest.myshopify.com");
    expect(bulk).toEqual(rest);
    const byName = Object.fromEntries(bulk.orders.map((order) => [order.name, [Number(order.netSales), Number(order.shippingCharged)]]));
    expect(byName).toEqual({ "#6001": [3000, 500], "#6002": [4500, 0], "#6003": [1000, 250], "#6004": [2000, 0] });
    expect(bulk.refunds.map((refund) => [refund.orderId, Number(refund.merchandise)])).toEqual([["gid://shopify/Order/6001", 1000]]);
  });
});
