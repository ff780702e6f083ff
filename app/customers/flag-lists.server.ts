/**
 * The Customers page's flagged lists: for each flag kind, every customer with that flag in the page's
 * order (high value by margin, highest first; the others worst margin first), with the reason and the
 * figures behind it.
 *
 * The analytics refresh builds them from the customer facts it already holds and stores them with its
 * snapshots (writeFlagLists), so a page of a list is one or two indexed reads at any store size:
 * computing them on a request took 46 s at 250k customers. The page falls back to computing them
 * itself where no stored list matches the current model (app/customers/flagged.server.ts).
 *
 * Storage: a list is cut into chunks of CHUNK_ROWS rows (FlaggedChunk rows, JSON arrays of encoded
 * rows); every chunk but a list's last is full, so the chunk of a position is position / CHUNK_ROWS.
 * One table row per flagged customer measured 2.2 s of the refresh's write transaction (which holds
 * SQLite's write lock, and so the webhooks) at 200k flagged customers; chunks take a fraction of it.
 */
import type { Db } from "~/db.server";
import type { CustomerFlagKind } from "~/domain/analytics";
import { FLAG_LABELS } from "~/domain/analytics";
import { gidNumber } from "~/domain/ledger/gid";
import { Prisma } from "~/generated/prisma/client";
import { ledgerSqlFor } from "~/ingest/ledger-sql.server";
import { FLAG_KINDS } from "./flag-kinds";
import type { FlaggedRow, FlagLists } from "./flag-lists";

export { buildFlagLists, FLAGGED_VIEW, type FlaggedPayload, type FlaggedRow, type FlagLists } from "./flag-lists";

/** Rows per stored chunk: a page of the list (25-50 rows) reads one chunk, two at a boundary. */
export const CHUNK_ROWS = 500;

/** A row as stored: [customerId, contributionMargin, revenue, orders, reason, numbers, other kinds]. The label is the kind's. */
type StoredRow = [string, number, number, number, string, Record<string, number>, CustomerFlagKind[]];

const encodeRow = (row: FlaggedRow): StoredRow => [
  row.customerId, row.contributionMargin, row.revenue, row.orders, row.flag.reason, row.flag.numbers, row.otherFlags.map((other) => other.kind),
];

function decodeRow(kind: CustomerFlagKind, [customerId, contributionMargin, revenue, orders, reason, numbers, others]: StoredRow): FlaggedRow {
  return {
    customerId, customerNumber: gidNumber(customerId), contributionMargin, revenue, orders,
    flag: { kind, label: FLAG_LABELS[kind], reason, numbers },
    otherFlags: others.filter(isFlagKind).map((other) => ({ kind: other, label: FLAG_LABELS[other] })),
  };
}

function isFlagKind(value: string): value is CustomerFlagKind {
  return (FLAG_KINDS as readonly string[]).includes(value);
}

/** The chunk rows of one list's stored rows, numbered from `firstChunk`. */
function chunksOf(shopId: string, kind: string, rows: readonly StoredRow[], firstChunk = 0) {
  const out: { shopId: string; kind: string; chunk: number; rows: number; payload: string }[] = [];
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const part = rows.slice(start, start + CHUNK_ROWS);
    out.push({ shopId, kind, chunk: firstChunk + start / CHUNK_ROWS, rows: part.length, payload: JSON.stringify(part) });
  }
  return out;
}

/**
 * Replaces the shop's stored lists, inside the caller's transaction `tx` of `db` (the refresh's, with
 * its snapshots), through the ledger writer's prepared statements on SQLite.
 */
export async function writeFlagLists(db: Db, tx: Prisma.TransactionClient, shopId: string, lists: FlagLists): Promise<void> {
  await tx.$executeRaw(Prisma.sql`DELETE FROM "FlaggedChunk" WHERE "shopId" = ${shopId}`);
  const sql = ledgerSqlFor(db, tx);
  for (const kind of FLAG_KINDS) await sql.insertRows("FlaggedChunk", chunksOf(shopId, kind, lists[kind].map(encodeRow)));
}

/** How many customers each stored list holds. */
export async function storedFlagCounts(db: Db, shopId: string): Promise<Record<CustomerFlagKind, number>> {
  const rows = await db.$queryRaw<{ kind: string; customers: bigint | number }[]>(
    Prisma.sql`SELECT "kind", SUM("rows") AS "customers" FROM "FlaggedChunk" WHERE "shopId" = ${shopId} GROUP BY "kind"`);
  const counts = Object.fromEntries(FLAG_KINDS.map((kind) => [kind, 0])) as Record<CustomerFlagKind, number>;
  for (const row of rows) if (row.kind in counts) counts[row.kind as CustomerFlagKind] = Number(row.customers);
  return counts;
}

/** `limit` rows of the stored list of `kind` from `offset` (all of them without a limit). */
export async function storedFlagRows(db: Db, shopId: string, kind: CustomerFlagKind, offset = 0, limit?: number): Promise<FlaggedRow[]> {
  if (limit !== undefined && limit <= 0) return [];
  const first = Math.floor(offset / CHUNK_ROWS);
  const chunk = limit === undefined ? { gte: first } : { gte: first, lte: Math.floor((offset + limit - 1) / CHUNK_ROWS) };
  const chunks = await db.flaggedChunk.findMany({ where: { shopId, kind, chunk }, orderBy: { chunk: "asc" }, select: { payload: true } });
  const rows = chunks.flatMap((c) => JSON.parse(c.payload) as StoredRow[]);
  const from = offset - first * CHUNK_ROWS;
  return rows.slice(from, limit === undefined ? undefined : from + limit).map((row) => decodeRow(kind, row));
}

/**
 * Takes a customer off every stored list (customers/redact), inside the redaction's transaction: the
 * lists that name them are re-chunked from the first chunk that does, so the other customers keep their
 * order and every chunk but the last stays full. Returns the rows removed.
 */
export async function removeFromFlagLists(tx: Prisma.TransactionClient, shopId: string, customerId: string): Promise<number> {
  // An id appears quoted in the JSON ("gid://shopify/Customer/1"), so a longer id never matches.
  const hits = await tx.$queryRaw<{ kind: string; chunk: bigint | number }[]>(Prisma.sql`
    SELECT "kind", MIN("chunk") AS "chunk" FROM "FlaggedChunk"
    WHERE "shopId" = ${shopId} AND "payload" LIKE ${`%${JSON.stringify(customerId)}%`} GROUP BY "kind"`);
  let removed = 0;
  for (const hit of hits) {
    const from = Number(hit.chunk);
    const where = { shopId, kind: hit.kind, chunk: { gte: from } };
    const chunks = await tx.flaggedChunk.findMany({ where, orderBy: { chunk: "asc" }, select: { payload: true } });
    const rows = chunks.flatMap((c) => JSON.parse(c.payload) as StoredRow[]);
    const kept = rows.filter((row) => row[0] !== customerId);
    removed += rows.length - kept.length;
    await tx.flaggedChunk.deleteMany({ where });
    if (kept.length) await tx.flaggedChunk.createMany({ data: chunksOf(shopId, hit.kind, kept, from) });
  }
  return removed;
}
