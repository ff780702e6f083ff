/**
 * The Customers page's flagged lists: for each flag kind, every customer with that flag in the page's
 * order (high value by margin, highest first; the others worst margin first), with the reason and the
 * figures behind it.
 *
 * The analytics refresh builds them from the customer facts it already holds and stores them in the
 * FlaggedCustomer table with its snapshots (writeFlagLists), so a page of a list is one indexed read
 * at any store size: computing them on a request took 46 s at 250k customers. The page falls back to
 * computing them itself where no stored list matches the current model (app/customers/flagged.server.ts).
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

/**
 * Replaces the shop's stored lists, inside the caller's transaction `tx` of `db` (the refresh's, with
 * its snapshots). On SQLite the rows go through the ledger writer's prepared statements: 180k rows
 * through Prisma's query path would add seconds to the refresh.
 */
export async function writeFlagLists(db: Db, tx: Prisma.TransactionClient, shopId: string, lists: FlagLists): Promise<void> {
  await tx.$executeRaw(Prisma.sql`DELETE FROM "FlaggedCustomer" WHERE "shopId" = ${shopId}`);
  const sql = ledgerSqlFor(db, tx);
  for (const kind of FLAG_KINDS) {
    await sql.insertRows("FlaggedCustomer", lists[kind].map((row, position) => ({
      shopId, kind, position, customerId: row.customerId, contributionMargin: BigInt(row.contributionMargin), revenue: BigInt(row.revenue),
      orders: row.orders, label: row.flag.label, reason: row.flag.reason, numbers: JSON.stringify(row.flag.numbers),
      otherKinds: row.otherFlags.map((other) => other.kind).join(","),
    })));
  }
}

/** How many customers each stored list holds. */
export async function storedFlagCounts(db: Db, shopId: string): Promise<Record<CustomerFlagKind, number>> {
  const rows = await db.$queryRaw<{ kind: string; customers: bigint | number }[]>(
    Prisma.sql`SELECT "kind", COUNT(*) AS "customers" FROM "FlaggedCustomer" WHERE "shopId" = ${shopId} GROUP BY "kind"`);
  const counts = Object.fromEntries(FLAG_KINDS.map((kind) => [kind, 0])) as Record<CustomerFlagKind, number>;
  for (const row of rows) if (row.kind in counts) counts[row.kind as CustomerFlagKind] = Number(row.customers);
  return counts;
}

function isFlagKind(value: string): value is CustomerFlagKind {
  return (FLAG_KINDS as readonly string[]).includes(value);
}

/** `limit` rows of the stored list of `kind` from `offset` (all of them without a limit). */
export async function storedFlagRows(db: Db, shopId: string, kind: CustomerFlagKind, offset = 0, limit?: number): Promise<FlaggedRow[]> {
  const rows = await db.flaggedCustomer.findMany({
    where: { shopId, kind }, orderBy: { position: "asc" }, skip: offset, ...(limit === undefined ? {} : { take: limit }),
  });
  return rows.map((row) => ({
    customerId: row.customerId, customerNumber: gidNumber(row.customerId), contributionMargin: Number(row.contributionMargin),
    revenue: Number(row.revenue), orders: row.orders,
    flag: { kind, label: row.label, reason: row.reason, numbers: JSON.parse(row.numbers) as Record<string, number> },
    otherFlags: row.otherKinds.split(",").filter(isFlagKind).map((other) => ({ kind: other, label: FLAG_LABELS[other] })),
  }));
}
