import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import run from "../../../scripts/cli/ingest";
import { resetDb, rowCounts } from "../../support/db";

const dir = mkdtempSync(path.join(tmpdir(), "cli-ingest-"));
const REST = JSON.parse(readFileSync("test/fixtures/bulk/orders-out-of-order.rest.json", "utf8")) as Record<string, unknown>[];

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeEach(resetDb);

describe("npm run cli -- ingest", () => {
  it("ingests webhook bodies (one per line, refunds embedded), reports a bad line by number, and a second run changes nothing", async () => {
    const { total_price_set: _dropped, ...invalid } = { ...REST[1], id: 6100, admin_graphql_api_id: "gid://shopify/Order/6100" } as Record<string, unknown>;
    const lines = [
      JSON.stringify(REST[0]),
      JSON.stringify({ order: REST[1] }), // the REST API's wrapper is accepted
      "{ not json",
      JSON.stringify(invalid),
      "",
      JSON.stringify(REST[2]),
      JSON.stringify(REST[3]),
    ];
    const file = path.join(dir, "webhooks.jsonl");
    writeFileSync(file, lines.join("\n"));

    const first = await cli("--shop", "cli-shop.myshopify.com", "--format", "webhook", file);
    expect(first.code).toBe(1);
    expect(first.out).toContain("created shop cli-shop.myshopify.com (USD, UTC)");
    expect(first.out).toContain("orders: 4 (4 written, 0 skipped");
    expect(first.out).toContain("customers: 2");
    expect(first.out).toContain("refunds: 2");
    expect(first.out).toContain("errors: 2");
    expect(first.err).toMatch(/^line 3: /m);
    expect(first.err).toMatch(/^line 4: Order payload failed validation: total_price_set: Required/m);
    const after = await rowCounts("cli-shop.myshopify.com");
    expect(after).toMatchObject({ Order: 4, Customer: 2, Refund: 2, RefundLine: 2 });

    const second = await cli("--shop", "cli-shop.myshopify.com", "--format", "webhook", file);
    expect(second.out).toContain("orders: 4 (0 written, 4 skipped: 4 already up to date");
    expect(second.out).not.toContain("created shop");
    expect(await rowCounts("cli-shop.myshopify.com")).toEqual(after);
    expect((await db.shop.findUniqueOrThrow({ where: { id: "cli-shop.myshopify.com" } })).currency).toBe("USD");
  });

  it("ingests a bulk-operation file with out-of-order children, idempotently", async () => {
    const file = "test/fixtures/bulk/orders-out-of-order.jsonl";
    const first = await cli("--shop", "bulk-shop.myshopify.com", "--format", "bulk", "--batch", "2", file);
    expect(first.out).toContain("orders: 4 (4 written, 0 skipped");
    expect(first.out).toContain("customers: 2");
    expect(first.out).toContain("refunds: 1");
    expect(first.out).toContain("refunds without line items (bulk output; the backfill's refund pass reads them): on 1 orders");
    expect(first.err).toMatch(/^line 10: 1 record\(s\) for gid:\/\/shopify\/Order\/6999/m);
    const after = await rowCounts("bulk-shop.myshopify.com");
    expect(after).toMatchObject({ Order: 4, OrderLine: 5, Refund: 1 });
    const second = await cli("--shop", "bulk-shop.myshopify.com", "--format", "bulk", file);
    expect(second.out).toContain("orders: 4 (0 written, 4 skipped");
    expect(await rowCounts("bulk-shop.myshopify.com")).toEqual(after);
  });

  it("creates the shop in the time zone given, and leaves an existing shop's alone", async () => {
    const file = "test/fixtures/bulk/orders-out-of-order.jsonl";
    const first = await cli("--shop", "tz-shop.myshopify.com", "--format", "bulk", "--time-zone", "Europe/London", file);
    expect(first.out).toContain("created shop tz-shop.myshopify.com (USD, Europe/London)");
    expect((await db.shop.findUniqueOrThrow({ where: { id: "tz-shop.myshopify.com" } })).ianaTimezone).toBe("Europe/London");
    const again = await cli("--shop", "tz-shop.myshopify.com", "--format", "bulk", "--time-zone", "Asia/Tokyo", file);
    expect(again.err).toContain("note: tz-shop.myshopify.com already exists with time zone Europe/London; --time-zone Asia/Tokyo applies only to a new shop");
    expect((await db.shop.findUniqueOrThrow({ where: { id: "tz-shop.myshopify.com" } })).ianaTimezone).toBe("Europe/London");
    const bad = await cli("--shop", "tz2.myshopify.com", "--format", "bulk", "--time-zone", "Mars/Olympus", file);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.err).toMatch(/--time-zone must be an IANA time zone such as Europe\/London, got "Mars\/Olympus"/);
    expect(await db.shop.count({ where: { id: "tz2.myshopify.com" } })).toBe(0);
  });

  it("explains its usage errors", async () => {
    expect((await cli("--shop", "nope", "--format", "bulk", "x")).err).toMatch(/--shop must be a myshopify.com domain/);
    expect((await cli("--shop", "a.myshopify.com", "--format", "csv", "x")).code).toBe(2);
    expect((await cli("--shop", "a.myshopify.com", "--format", "bulk", path.join(dir, "missing.jsonl"))).err).toMatch(/no such file/);
    expect((await cli("--shop", "a.myshopify.com", "--format", "bulk")).err).toMatch(/one input file is required/);
  });
});
