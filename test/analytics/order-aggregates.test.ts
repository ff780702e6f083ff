/**
 * SQLite's aggregates (aggregateOrdersInSqlite) against the row scan (scanOrders) on one store made
 * of the cases where their rules could part: ties on processedAt and on the tag snapshot's time, cancelled
 * first orders, customers with only cancelled or only later orders, guests, refunds of cancelled
 * orders, service contacts on cancelled orders, gift-card and equal-priced lines, and an asOf equal
 * to an order's processedAt.
 */
import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { replaceServiceContacts, serviceContactsByOrder } from "~/costs/service.server";
import { emptyLedgerTotals, scanOrders } from "~/analytics/input.server";
import { aggregateOrdersInSqlite } from "~/analytics/order-aggregates.server";
import { openRowSource } from "~/analytics/rows.server";
import { resetDb } from "../support/db";
import { ingestBodies } from "../support/ingest";
import { orderBody, type OrderInput } from "../support/orders";

const SHOP = "order-aggregates.myshopify.com";
const INSTANTS = ["2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z", "2026-02-01T00:00:00Z", "2026-03-15T12:30:00Z", "2026-05-01T08:00:00Z", "2026-07-20T23:59:59Z"];
const AS_OF = new Date("2026-03-15T12:30:00Z"); // one of the instants: "by asOf" includes it

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function store(): OrderInput[] {
  const next = random(20261124);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const orders: OrderInput[] = [];
  for (let id = 1; id <= 240; id++) {
    const processedAt = pick(INSTANTS);
    const cancelled = next() < 0.2;
    const customerId = next() < 0.1 ? null : 1 + Math.floor(next() * 40);
    const price = pick(["10.00", "25.00", "25.00", "40.00"]);
    orders.push({
      id: 1000 - id, // ids not in time order
      customerId, processedAt, updatedAt: pick(INSTANTS), cancelledAt: cancelled ? "2026-08-01T00:00:00Z" : null,
      customerTags: pick(["", "vip", "vip, wholesale", "b2b"]), sourceName: pick(["web", "pos", "shopify_draft_order"]),
      country: pick(["US", "CA", null]), discountCodes: next() < 0.3 ? [pick(["WELCOME10", "BIG50"]), "EXTRA"] : [],
      lines: [
        { id: id * 10 + 2, productId: pick([7, 8, 9]), title: pick(["Mug", "Tea", "Lamp"]), price, discount: next() < 0.3 ? "5.00" : undefined },
        { id: id * 10 + 1, productId: pick([7, 8, 9]), title: "Other", price },
        ...(next() < 0.2 ? [{ id: id * 10 + 3, price: "100.00", giftCard: true }] : []),
      ],
      refunds: next() < 0.25
        ? [{ id: id * 10, createdAt: "2026-06-01T00:00:00Z", lines: [{ id: id * 100, lineItemId: id * 10 + 2, quantity: 1, subtotal: "5.00", restockType: "return" }] }]
        : undefined,
    });
  }
  // By hand: a customer with only a cancelled order; one whose orders all come after asOf; two orders
  // of one customer at one instant (the smaller id is first) with the same snapshot time.
  const line = (id: number, price = "30.00") => [{ id, productId: 7, title: "Mug", price }];
  orders.push(
    { id: 2001, customerId: 41, processedAt: INSTANTS[0], cancelledAt: "2026-01-06T00:00:00Z", lines: line(20011) },
    { id: 2002, customerId: 42, processedAt: "2026-10-01T00:00:00Z", lines: line(20021) },
    { id: 2004, customerId: 43, processedAt: INSTANTS[2], customerTags: "later-id", lines: line(20041, "90.00") },
    { id: 2003, customerId: 43, processedAt: INSTANTS[2], customerTags: "smaller-id", lines: line(20031) },
  );
  return orders;
}

beforeAll(async () => {
  await resetDb();
  await ingestBodies(SHOP, store().map(orderBody), { ianaTimezone: "America/New_York" });
  const contacts = Array.from({ length: 60 }, (_, i) => ({
    customerId: `gid://shopify/Customer/${1 + (i % 40)}`, orderName: i % 3 === 0 ? `#${1000 + ((1000 - (i * 4 + 1)) % 100000)}` : null,
    contactedAt: new Date(INSTANTS[i % INSTANTS.length]),
  }));
  await replaceServiceContacts(db, SHOP, contacts);
});

describe.skipIf(!process.env.DATABASE_URL?.startsWith("file:"))("aggregateOrdersInSqlite", () => {
  it("gives the row scan's order totals, acquisition facts and ledger totals, in the same order", async () => {
    const contacts = await serviceContactsByOrder(db, SHOP);
    expect(contacts.size).toBeGreaterThan(10);
    const rows = openRowSource(db);
    try {
      for (const asOf of [AS_OF, new Date("2027-01-01T00:00:00Z"), new Date("2025-01-01T00:00:00Z")]) {
        const scanTotals = emptyLedgerTotals();
        const sqlTotals = emptyLedgerTotals();
        const scanned = await scanOrders(rows, SHOP, asOf, contacts, undefined, scanTotals);
        const aggregated = await aggregateOrdersInSqlite(rows, SHOP, asOf, contacts, sqlTotals);
        expect([...aggregated.orderTotals]).toEqual([...scanned.orderTotals]);
        expect(aggregated.acquisitions).toEqual(scanned.acquisitions);
        expect(sqlTotals).toEqual(scanTotals);
      }
      // The store has the cases it is for.
      const scan = await scanOrders(rows, SHOP, AS_OF, contacts);
      const totals = [...scan.orderTotals.values()];
      expect(scan.acquisitions.length).toBeGreaterThan(20);
      expect(scan.orderTotals.size).toBeGreaterThan(scan.acquisitions.length); // customers with cancelled orders only by asOf
      expect(totals.some((t) => t.returnedOrders > 0)).toBe(true);
      expect(totals.some((t) => t.serviceContacts > 0)).toBe(true);
      expect(new Set(scan.acquisitions.map((a) => a.firstDiscountCode))).toEqual(new Set([null, "WELCOME10", "BIG50"]));
      expect(scan.acquisitions.find((a) => a.customerId === "gid://shopify/Customer/43")).toMatchObject({ firstOrderId: "gid://shopify/Order/2003", tags: ["later-id"] });
      expect(scan.acquisitions.some((a) => a.customerId === "gid://shopify/Customer/42")).toBe(false);
    } finally {
      rows.close();
    }
  });

  it("refuses a source that is not the direct SQLite one", async () => {
    const prismaRows = { kind: "prisma" } as Parameters<typeof aggregateOrdersInSqlite>[0];
    await expect(aggregateOrdersInSqlite(prismaRows, SHOP, AS_OF, new Map())).rejects.toThrow(/direct SQLite/);
  });
});
