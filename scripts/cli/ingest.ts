/**
 * `npm run cli -- ingest --shop <domain> --format <bulk|webhook> <file>`
 *
 * Ingests a Shopify bulk-operation JSONL file (`bulk`: orders with `__parentId` children, as the
 * backfill downloads it) or a file of one webhook order body per line (`webhook`: REST bodies with
 * their refunds embedded; `{"order": {...}}` is unwrapped), streaming, through the live paths' code:
 * the GraphQL mapper / REST normalizer and `ingestOrders`. A `.gz` file is gunzipped on the fly.
 *
 * Prints the counts (orders, customers, refunds, skipped) and every refused line with its number.
 * Running the same file again changes nothing (newer-wins snapshots, append-only refunds): the second
 * run reports every order as already up to date. The shop row is created if missing, with the currency
 * of the first order and the IANA time zone given by --time-zone (default UTC; cohorts are months in it). Exit code: 0 when every line was ingested, 1 when some were refused, 2 on usage
 * errors.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import db from "~/db.server";
import { getShop, upsertShop } from "~/shops/shops.server";
import { streamIngest, type StreamFormat } from "~/sync/stream-ingest.server";

const USAGE = "Usage: npm run cli -- ingest --shop <shop>.myshopify.com --format <bulk|webhook> [--batch 1000] [--time-zone Europe/London] <file>";
const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const MAX_PRINTED_ERRORS = 50;

export default async function run(args: string[], out: (line: string) => void = console.log,
  err: (line: string) => void = console.error): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { shop: { type: "string" }, format: { type: "string" }, batch: { type: "string" }, "time-zone": { type: "string" } },
    });
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { shop, format, batch } = parsed.values;
  const timeZone = parsed.values["time-zone"];
  if (timeZone !== undefined && !validTimeZone(timeZone)) {
    err(`--time-zone must be an IANA time zone such as Europe/London, got "${timeZone}"\n${USAGE}`);
    return 2;
  }
  const file = parsed.positionals[0];
  if (!shop || !SHOP.test(shop)) {
    err(`--shop must be a myshopify.com domain\n${USAGE}`);
    return 2;
  }
  if (format !== "bulk" && format !== "webhook") {
    err(`--format must be bulk or webhook\n${USAGE}`);
    return 2;
  }
  if (!file || parsed.positionals.length !== 1) {
    err(`one input file is required\n${USAGE}`);
    return 2;
  }
  if (!existsSync(file)) {
    err(`no such file: ${file}`);
    return 2;
  }
  const batchSize = batch === undefined ? 1000 : Number(batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    err(`--batch must be an integer in [1, 10000]\n${USAGE}`);
    return 2;
  }

  const started = performance.now();
  let printed = 0;
  const result = await streamIngest(db, shop, { file }, {
    format: format as StreamFormat,
    batchSize,
    countCustomers: true,
    // The file is read again to repair an OS crash; the command syncs before it prints its counts.
    durability: "relaxed",
    beforeFirstBatch: async (first) => {
      const existing = await getShop(db, shop);
      if (!existing) {
        await upsertShop(db, { id: shop, currency: first.currency, ianaTimezone: timeZone });
        out(`created shop ${shop} (${first.currency}, ${timeZone ?? "UTC"})`);
      } else if (timeZone && existing.ianaTimezone !== timeZone) {
        err(`note: ${shop} already exists with time zone ${existing.ianaTimezone}; --time-zone ${timeZone} applies only to a new shop`);
      }
    },
    onError: (error) => {
      if (printed++ < MAX_PRINTED_ERRORS) err(`line ${error.line}: ${error.message}`);
    },
  });
  const { counts } = result;
  if (printed > MAX_PRINTED_ERRORS) err(`... ${printed - MAX_PRINTED_ERRORS} more refused lines`);
  const seconds = (performance.now() - started) / 1000;
  const skipped = counts.stale + counts.skippedTest + counts.deleted;
  out(`file: ${file} (${format}, ${counts.lines} lines, ${(counts.bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s`);
  out(`orders: ${counts.orders} (${counts.applied} written, ${skipped} skipped: ${counts.stale} already up to date, ${counts.skippedTest} test, ${counts.deleted} deleted)`);
  out(`customers: ${counts.customers}`);
  out(`refunds: ${counts.refunds}`);
  if (result.incompleteRefundOrders.length) {
    out(`refunds without line items (bulk output; the backfill's refund pass reads them): on ${result.incompleteRefundOrders.length} orders`);
  }
  out(`errors: ${counts.bad}`);
  if (counts.applied === 0 && skipped > 0 && counts.bad === 0) out("nothing changed: every order was already in the ledger");
  return counts.bad ? 1 : 0;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
