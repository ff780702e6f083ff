/**
 * The stored cohort base (CohortBase table; bytes of app/domain/analytics/cohort-base.ts): written by
 * the analytics refresh in its transaction, read by the Cohorts page for a filter combination the
 * refresh did not precompute. One row per shop.
 */
import type { Db } from "~/db.server";
import { decodeCohortBase } from "~/domain/analytics/cohort-base";
import type { CohortBase } from "~/domain/analytics";
import { Prisma } from "~/generated/prisma/client";
import type { LedgerSql } from "~/ingest/ledger-sql.server";
import { instantMs, openRowSource } from "./rows.server";

export interface StoredCohortBase {
  asOf: Date;
  watermark: Date;
  base: CohortBase;
}

/** Replaces the shop's row, inside the refresh's transaction (`sql` of ledgerSqlFor). */
export async function writeCohortBase(sql: Pick<LedgerSql, "$executeRaw">, shopId: string,
  row: { asOf: Date; watermark: Date; computedAt: Date; data: Uint8Array }): Promise<void> {
  // A Buffer over the same memory: better-sqlite3 binds Buffers (not plain Uint8Arrays) as BLOBs.
  const data = Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
  await sql.$executeRaw(Prisma.sql`INSERT INTO "CohortBase" ("shopId", "asOf", "watermark", "computedAt", "data")
    VALUES (${shopId}, ${row.asOf}, ${row.watermark}, ${row.computedAt}, ${data})
    ON CONFLICT ("shopId") DO UPDATE SET "asOf" = excluded."asOf", "watermark" = excluded."watermark",
      "computedAt" = excluded."computedAt", "data" = excluded."data"`);
}

/**
 * The last base this process decoded, by shop and the row's computedAt: a merchant trying filter
 * combinations one after another reads and decodes it once (~150 ms at 1M orders). One only: it holds
 * tens of megabytes, let go after KEEP_DECODED_MS unused. A speed-up, not a source of truth: the row's
 * computedAt is read every time.
 */
let lastDecoded: { shopId: string; computedAt: number; stored: StoredCohortBase } | null = null;
const KEEP_DECODED_MS = 10 * 60_000;
let forget: ReturnType<typeof setTimeout> | null = null;

function keepDecoded(entry: NonNullable<typeof lastDecoded>): void {
  lastDecoded = entry;
  if (forget) clearTimeout(forget);
  forget = setTimeout(() => (lastDecoded = null), KEEP_DECODED_MS);
  forget.unref();
}

/**
 * Makes `row`, just committed by this thread's refresh, the thread's decoded base: the first filter
 * combination asked for after a refresh then reads no blob (~180 ms at 1M orders, most of it the read
 * and decode of ~40 MB). Decoded from the stored bytes, so the cache holds what a read would give.
 */
export function primeCohortBase(shopId: string, row: { asOf: Date; watermark: Date; computedAt: Date; data: Uint8Array }): void {
  keepDecoded({ shopId, computedAt: row.computedAt.getTime(), stored: { asOf: row.asOf, watermark: row.watermark, base: decodeCohortBase(row.data) } });
}

/** Drops the process's decoded base (the benchmark measures a process that has none). */
export function forgetDecodedCohortBase(): void {
  lastDecoded = null;
}

/**
 * The shop's stored base, or null when there is none (before the first refresh since the table
 * exists, or after a customer redaction). Read on the direct SQLite path where it applies: a blob of
 * tens of megabytes at 1M orders.
 */
export async function readCohortBase(db: Db, shopId: string): Promise<StoredCohortBase | null> {
  const rows = openRowSource(db, { snapshot: false });
  try {
    const [head] = await rows.all(Prisma.sql`SELECT "computedAt" FROM "CohortBase" WHERE "shopId" = ${shopId}`);
    if (!head) return null;
    if (lastDecoded?.shopId === shopId && lastDecoded.computedAt === instantMs(head.computedAt)) {
      keepDecoded(lastDecoded);
      return lastDecoded.stored;
    }
    // Read again whole: a refresh may have replaced the row since.
    const [row] = await rows.all(Prisma.sql`SELECT "asOf", "watermark", "computedAt", "data" FROM "CohortBase" WHERE "shopId" = ${shopId}`);
    if (!row) return null;
    const stored = { asOf: new Date(instantMs(row.asOf)), watermark: new Date(instantMs(row.watermark)), base: decodeCohortBase(row.data as Uint8Array) };
    keepDecoded({ shopId, computedAt: instantMs(row.computedAt), stored });
    return stored;
  } finally {
    rows.close();
  }
}
