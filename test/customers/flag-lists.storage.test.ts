/**
 * The stored flagged lists (app/customers/flag-lists.server.ts): lists cut into chunks of CHUNK_ROWS
 * rows, read back page by page across chunk boundaries, counted, and a redacted customer taken out
 * with the other rows kept in order and re-chunked.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { FLAG_KINDS } from "~/customers/flag-kinds";
import {
  CHUNK_ROWS, removeFromFlagLists, storedFlagCounts, storedFlagRows, writeFlagLists, type FlaggedRow, type FlagLists,
} from "~/customers/flag-lists.server";
import db from "~/db.server";
import type { CustomerFlagKind } from "~/domain/analytics";
import { resetDb } from "../support/db";

const SHOP = "chunks.myshopify.com";
const OTHER_SHOP = "other-chunks.myshopify.com";

const row = (kind: CustomerFlagKind, n: number, otherFlags: FlaggedRow["otherFlags"] = []): FlaggedRow => ({
  customerId: `gid://shopify/Customer/${n}`, customerNumber: String(n), contributionMargin: -n * 100, revenue: n * 250, orders: 1 + (n % 4),
  flag: { kind, label: kind === "negative_margin" ? "Negative margin" : "Discount-dependent", reason: `reason ${n}`, numbers: { contributionMargin: -n * 100, orders: 1 + (n % 4) } },
  otherFlags,
});

function lists(byKind: Partial<Record<CustomerFlagKind, FlaggedRow[]>>): FlagLists {
  return Object.fromEntries(FLAG_KINDS.map((kind) => [kind, byKind[kind] ?? []])) as FlagLists;
}

// 2.5 chunks of one kind (customers 1..1250), a few of another, customer 7 on both lists.
const LONG = 2 * CHUNK_ROWS + CHUNK_ROWS / 2;
const discount = Array.from({ length: LONG }, (_, i) => row("discount_dependent", i + 1));
const negative = [7, 3000, 3001].map((n) => row("negative_margin", n, n === 7 ? [{ kind: "discount_dependent", label: "Discount-dependent" }] : []));

beforeEach(async () => {
  await resetDb();
  await db.$transaction((tx) => writeFlagLists(db, tx, SHOP, lists({ discount_dependent: discount, negative_margin: negative })));
  await db.$transaction((tx) => writeFlagLists(db, tx, OTHER_SHOP, lists({ discount_dependent: discount.slice(0, 3) })));
});

describe("stored flagged lists", () => {
  it("stores a list in full chunks and a partial last one, and counts its rows", async () => {
    const chunks = await db.flaggedChunk.findMany({ where: { shopId: SHOP, kind: "discount_dependent" }, orderBy: { chunk: "asc" } });
    expect(chunks.map((c) => [c.chunk, c.rows])).toEqual([[0, CHUNK_ROWS], [1, CHUNK_ROWS], [2, CHUNK_ROWS / 2]]);
    const counts = await storedFlagCounts(db, SHOP);
    expect(counts).toMatchObject({ discount_dependent: LONG, negative_margin: 3, high_value: 0 });
    expect((await storedFlagCounts(db, OTHER_SHOP)).discount_dependent).toBe(3);
  });

  it("reads any page, across chunk boundaries, row for row as written", async () => {
    expect(await storedFlagRows(db, SHOP, "discount_dependent")).toEqual(discount);
    for (const [offset, limit] of [[0, 25], [CHUNK_ROWS - 10, 25], [CHUNK_ROWS, 1], [2 * CHUNK_ROWS - 1, 2], [LONG - 5, 25], [LONG, 25], [37, 0]]) {
      expect(await storedFlagRows(db, SHOP, "discount_dependent", offset, limit)).toEqual(discount.slice(offset, offset + limit));
    }
    expect(await storedFlagRows(db, SHOP, "discount_dependent", CHUNK_ROWS + 3)).toEqual(discount.slice(CHUNK_ROWS + 3));
    // The label is the kind's; the other flags keep theirs.
    expect((await storedFlagRows(db, SHOP, "negative_margin", 0, 1))[0]).toEqual(negative[0]);
    expect(await storedFlagRows(db, SHOP, "high_value", 0, 25)).toEqual([]);
  });

  it("takes a redacted customer off every list, keeping the others in order in full chunks", async () => {
    const removed = await db.$transaction((tx) => removeFromFlagLists(tx, SHOP, "gid://shopify/Customer/7"));
    expect(removed).toBe(2);
    const withoutSeven = discount.filter((r) => r.customerId !== "gid://shopify/Customer/7");
    expect(await storedFlagRows(db, SHOP, "discount_dependent")).toEqual(withoutSeven);
    expect(await storedFlagRows(db, SHOP, "discount_dependent", CHUNK_ROWS - 1, 2)).toEqual(withoutSeven.slice(CHUNK_ROWS - 1, CHUNK_ROWS + 1));
    const chunks = await db.flaggedChunk.findMany({ where: { shopId: SHOP, kind: "discount_dependent" }, orderBy: { chunk: "asc" } });
    expect(chunks.map((c) => c.rows)).toEqual([CHUNK_ROWS, CHUNK_ROWS, CHUNK_ROWS / 2 - 1]);
    expect((await storedFlagRows(db, SHOP, "negative_margin")).map((r) => r.customerNumber)).toEqual(["3000", "3001"]);
    // A longer id sharing the prefix (customer 70..79, 700..) stays; another shop's lists are untouched.
    expect((await storedFlagRows(db, SHOP, "discount_dependent", 68, 2)).map((r) => r.customerNumber)).toEqual(["70", "71"]);
    expect(await db.$transaction((tx) => removeFromFlagLists(tx, SHOP, "gid://shopify/Customer/7"))).toBe(0);
    expect(await storedFlagRows(db, OTHER_SHOP, "discount_dependent")).toEqual(discount.slice(0, 3));
  });

  it("empties a list whose only customer is redacted", async () => {
    await db.$transaction((tx) => writeFlagLists(db, tx, SHOP, lists({ high_value: [row("high_value", 9)] })));
    expect(await db.$transaction((tx) => removeFromFlagLists(tx, SHOP, "gid://shopify/Customer/9"))).toBe(1);
    expect(await db.flaggedChunk.count({ where: { shopId: SHOP } })).toBe(0);
    expect((await storedFlagCounts(db, SHOP)).high_value).toBe(0);
  });
});
