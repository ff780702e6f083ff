/**
 * The durable job queue: jobs live in the database (table "Job"), so a crash between "accepted" and
 * "applied" loses nothing, and any number of processes on one database can run workers.
 *
 * Claiming needs no in-process lock; the database decides, in one statement per claim:
 * - SQLite: a worker reads a few candidate ids, then claims each with one conditional UPDATE whose WHERE
 *   clause repeats the claimability test (status, due, lease empty or expired); the affected row count
 *   says whether this worker won. Writers are serialised, so exactly one wins.
 * - PostgreSQL: `UPDATE ... WHERE "id" IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n) RETURNING ...`
 *   picks and claims due jobs at once; concurrent workers skip rows another claim has locked instead of
 *   queueing behind it and then matching nothing, so many instances polling one table do not contend.
 *
 * A claim sets a lease (`lockedUntil`) and a claim token (`lockedBy`); while the handler runs the worker
 * renews the lease. A worker that dies stops renewing, the lease expires and another worker claims the
 * job again (that claim counts as an attempt). Completion and failure are written only by the holder of
 * the claim token, so a worker that lost its lease cannot overwrite the new holder's outcome.
 *
 * Failures are retried with exponential backoff (1 s, 2 s, 4 s ... capped at 1 h) until `maxAttempts`,
 * then the job is `failed` with its error kept. A handler may throw `PermanentJobError` to fail at once.
 *
 * Jobs run at least once: handlers must be idempotent (every handler in this app writes through the
 * ledger's newer-wins / append-only rules, so running twice changes nothing).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { dbProvider, type Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { log } from "~/lib/log.server";
import { date } from "~/lib/sql-values";

export interface EnqueueJob {
  shopId: string;
  kind: string;
  payload: unknown;
  /** Enqueue is idempotent on (shopId, dedupeKey) while the job row exists (done jobs are purged later). */
  dedupeKey?: string;
  /** Not before this time (default: now). */
  runAt?: Date;
  /** Default 8. */
  maxAttempts?: number;
}

export interface QueuedJob {
  id: string;
  shopId: string;
  kind: string;
  payload: unknown;
  /** This run's attempt number, starting at 1. */
  attempts: number;
}

export type JobHandler = (job: QueuedJob) => Promise<void>;

/** Thrown by a handler when retrying cannot help (bad payload, missing shop): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

type JobWriter = Pick<Db, "$executeRaw">;

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_LEASE_MS = 60_000;
const MAX_ERROR_LENGTH = 4_000;

/** Delay before attempt `attempts + 1` after `attempts` failed: 1 s, 2 s, 4 s, ... at most 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(3_600_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Adds a job. Inside a transaction (pass the transaction client) the job commits or rolls back with the
 * change that asked for it. `INSERT ... ON CONFLICT DO NOTHING` keeps a repeated dedupe key a no-op
 * without aborting a PostgreSQL transaction.
 */
export async function enqueue(db: JobWriter | Prisma.TransactionClient, job: EnqueueJob): Promise<void> {
  const now = new Date();
  const runAt = job.runAt ?? now;
  const payload = JSON.stringify(job.payload ?? null);
  await (db as JobWriter).$executeRaw(Prisma.sql`
    INSERT INTO "Job" ("id", "shopId", "kind", "payload", "dedupeKey", "status", "attempts", "maxAttempts", "runAt", "createdAt", "updatedAt")
    VALUES (${randomUUID()}, ${job.shopId}, ${job.kind}, ${payload}, ${job.dedupeKey ?? null}, 'queued', 0,
            ${job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}, ${runAt}, ${now}, ${now})
    ON CONFLICT ("shopId", "dedupeKey") DO NOTHING`);
}

export type BatchJobHandler = (jobs: QueuedJob[]) => Promise<void>;

type Registered = { batch: false; run: JobHandler } | { batch: true; run: BatchJobHandler; max: number };

const handlers = new Map<string, Registered>();

/** Registers the handler of a job kind in this process. A worker only claims kinds it has a handler for. */
export function registerJobHandler(kind: string, handler: JobHandler): void {
  handlers.set(kind, { batch: false, run: handler });
}

/**
 * Registers a handler that takes up to `max` due jobs of one kind and one shop at once (work that
 * coalesces, such as recomputing the margins of the orders many webhooks touched). Each job is claimed
 * with the same conditional UPDATE as a single one; the batch succeeds or fails as a whole, and on
 * failure each job is retried (or failed) on its own attempt count.
 */
export function registerBatchJobHandler(kind: string, handler: BatchJobHandler, options: { max?: number } = {}): void {
  handlers.set(kind, { batch: true, run: handler, max: Math.max(1, options.max ?? 100) });
}

export function registeredJobKinds(): string[] {
  return [...handlers.keys()];
}

/** For tests: forget a kind's handler. */
export function unregisterJobHandler(kind: string): void {
  handlers.delete(kind);
}

export interface RunOptions {
  workerId?: string;
  /** Jobs claimed per call (default 20). */
  limit?: number;
  /** Lease length; renewed every third of it while the handler runs (default 60 s). */
  leaseMs?: number;
  /** Only these kinds (default: every registered kind). */
  kinds?: string[];
  /** Only this shop. */
  shopId?: string;
  /** The clock (tests). */
  now?: () => Date;
}

const defaultWorkerId = `${hostname()}:${process.pid}`;

interface Candidate {
  id: string;
  shopId: string;
  kind: string;
  payload: string;
  attempts: number;
  maxAttempts: number;
}

/** Kind -> its exclusivity group (kinds of one group exclude each other per shop). */
const exclusiveGroups = new Map<string, string>();

/**
 * Jobs of `kind` never run at once with another job of the same group for the same shop, across every
 * worker and instance (a margin recompute must not commit a result read before another one's, a backfill
 * runs once): such a job is not claimable while a job of its group and shop is under another worker's
 * live lease. The database decides (a NOT EXISTS in the claim; on PostgreSQL such claims are serialised
 * by an advisory lock so two claims cannot both see "none running"), not process memory.
 */
export function setExclusivePerShop(kind: string, group = kind): void {
  exclusiveGroups.set(kind, group);
}

/** The exclusivity group of a job kind, undefined when its jobs may run side by side. */
export function exclusiveGroupOf(kind: string): string | undefined {
  return exclusiveGroups.get(kind);
}

function notHeldElsewhere(now: Date, kinds: string[], token: string | null): Prisma.Sql {
  const groups = new Map<string, string[]>();
  for (const [kind, group] of exclusiveGroups) {
    if (kinds.some((claimed) => exclusiveGroups.get(claimed) === group)) groups.set(group, [...(groups.get(group) ?? []), kind]);
  }
  if (!groups.size) return Prisma.empty;
  return Prisma.join([...groups.values()].map((members) => Prisma.sql`AND ("kind" NOT IN (${Prisma.join(members)}) OR NOT EXISTS (
      SELECT 1 FROM "Job" AS "held" WHERE "held"."shopId" = "Job"."shopId" AND "held"."kind" IN (${Prisma.join(members)})
        AND "held"."status" = 'running' AND "held"."lockedUntil" >= ${now} AND "held"."id" <> "Job"."id"
        ${token === null ? Prisma.empty : Prisma.sql`AND "held"."lockedBy" <> ${token}`}))`), " ");
}

function claimable(now: Date, kinds: string[], shopId?: string, token: string | null = null): Prisma.Sql {
  return Prisma.sql`"status" IN ('queued', 'running') AND "runAt" <= ${now}
    AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
    AND "kind" IN (${Prisma.join(kinds)})
    ${shopId === undefined ? Prisma.empty : Prisma.sql`AND "shopId" = ${shopId}`}
    ${notHeldElsewhere(now, kinds, token)}`;
}

/**
 * Claims due jobs one by one and runs them in this process; returns how many ran (succeeded or failed).
 * Jobs of one call run sequentially; run several workers for parallelism.
 */
export async function runDueJobs(db: Db, options: RunOptions = {}): Promise<number> {
  const kinds = options.kinds ?? registeredJobKinds();
  if (!kinds.length) return 0;
  const clock = options.now ?? (() => new Date());
  const limit = options.limit ?? 20;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const workerId = options.workerId ?? defaultWorkerId;
  if (dbProvider(db) === "postgresql") return runDueJobsSkipLocked(db, kinds, options.shopId, limit, leaseMs, workerId, clock);
  let ran = 0;
  // Candidates are read a few at a time, oldest due first; a lost race just moves on to the next one.
  while (ran < limit) {
    const now = clock();
    const candidates = await db.$queryRaw<Candidate[]>(Prisma.sql`
      SELECT "id", "shopId", "kind", "payload", "attempts", "maxAttempts" FROM "Job"
      WHERE ${claimable(now, kinds, options.shopId)}
      ORDER BY "runAt", "createdAt" LIMIT ${Math.max(1, Math.min(limit - ran, 50))}`);
    if (!candidates.length) break;
    let claimedAny = false;
    for (const candidate of candidates) {
      if (ran >= limit) break;
      const token = `${workerId}:${randomUUID()}`;
      const claimedAt = clock();
      const leaseEnd = new Date(claimedAt.getTime() + leaseMs);
      const attempts = Number(candidate.attempts) + 1;
      if (attempts > Number(candidate.maxAttempts)) {
        // A job whose worker died on its last attempt: its lease expired, no attempts are left.
        await db.$executeRaw(Prisma.sql`
          UPDATE "Job" SET "status" = 'failed', "lockedBy" = NULL, "lockedUntil" = NULL, "finishedAt" = ${claimedAt},
            "updatedAt" = ${claimedAt}, "lastError" = ${`lease expired after attempt ${candidate.attempts} (worker lost)`}
          WHERE "id" = ${candidate.id} AND ${claimable(claimedAt, kinds)}`);
        continue;
      }
      if (!(await claim(db, candidate.id, token, leaseEnd, claimedAt, kinds))) continue;
      claimedAny = true;
      const batch = [{ ...candidate, attempts }];
      const registered = handlers.get(candidate.kind);
      if (registered?.batch && registered.max > 1) {
        // Siblings: due jobs of the same kind and shop, claimed together in one statement and read back
        // by the token (claimed one by one, a burst's ~40 siblings were ~40 write statements, each
        // taking the write lock in turn with the webhooks being answered).
        const siblings = await db.$executeRaw(Prisma.sql`
          UPDATE "Job" SET "status" = 'running', "lockedBy" = ${token}, "lockedUntil" = ${leaseEnd},
            "attempts" = "attempts" + 1, "updatedAt" = ${claimedAt}
          WHERE "id" IN (
            SELECT "id" FROM "Job"
            WHERE ${claimable(claimedAt, [candidate.kind], candidate.shopId, token)} AND "id" <> ${candidate.id} AND "attempts" < "maxAttempts"
            ORDER BY "runAt", "createdAt" LIMIT ${registered.max - 1})`);
        if (siblings > 0) {
          batch.push(...(await db.$queryRaw<Candidate[]>(Prisma.sql`
            SELECT "id", "shopId", "kind", "payload", "attempts", "maxAttempts" FROM "Job"
            WHERE "lockedBy" = ${token} AND "id" <> ${candidate.id}
            ORDER BY "runAt", "createdAt"`)).map((sibling) => ({ ...sibling, attempts: Number(sibling.attempts) })));
        }
      }
      ran += batch.length;
      await runClaimed(db, batch, token, leaseMs, clock);
    }
    if (!claimedAny) break;
  }
  return ran;
}

type Claimed = Candidate & { attempts: number };

/** Advisory lock key serialising PostgreSQL claims that include per-shop exclusive kinds (a few ms each). */
const EXCLUSIVE_CLAIM_LOCK = 0x6d6c7476n; // "mltv"

/**
 * PostgreSQL: claims up to `limit` due jobs (with attempts left) in one statement, skipping rows other
 * workers are claiming; `attempts` in the result is this run's attempt number.
 */
async function claimSkipLocked(db: Db, kinds: string[], where: Prisma.Sql, limit: number, token: string, leaseEnd: Date,
  claimedAt: Date): Promise<Claimed[]> {
  // The picked ids are a MATERIALIZED CTE, computed once. As `WHERE "id" IN (SELECT ... LIMIT n FOR
  // UPDATE SKIP LOCKED)` the planner may rescan the subquery for each row of a nested loop; each rescan
  // skips the rows this statement already updated and takes the next ones, so LIMIT 1 could claim every
  // due job while only the first ran (the rest sat leased, then were marked done unrun). Seen on CI.
  const statement = Prisma.sql`
    WITH "picked" AS MATERIALIZED (
      SELECT "id" FROM "Job" WHERE ${where} AND "attempts" < "maxAttempts"
      ORDER BY "runAt", "createdAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    UPDATE "Job" SET "status" = 'running', "lockedBy" = ${token}, "lockedUntil" = ${leaseEnd},
      "attempts" = "attempts" + 1, "updatedAt" = ${claimedAt}
    FROM "picked" WHERE "Job"."id" = "picked"."id"
    RETURNING "Job"."id", "Job"."shopId", "Job"."kind", "Job"."payload", "Job"."attempts", "Job"."maxAttempts", "Job"."runAt",
      "Job"."createdAt"`;
  const rows = kinds.some((kind) => exclusiveGroups.has(kind))
    ? await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS "locked" FROM (SELECT pg_advisory_xact_lock(${EXCLUSIVE_CLAIM_LOCK})) AS "lock"`;
      return tx.$queryRaw<Claimed[]>(statement);
    })
    : await db.$queryRaw<Claimed[]>(statement);
  // RETURNING follows no order: jobs run oldest due first, as on SQLite.
  const at = (value: unknown) => date(value).getTime();
  return (rows as (Claimed & { runAt: unknown; createdAt: unknown })[])
    .sort((x, y) => at(x.runAt) - at(y.runAt) || at(x.createdAt) - at(y.createdAt))
    .map(({ runAt: _runAt, createdAt: _createdAt, ...row }) => ({ ...row, attempts: Number(row.attempts), maxAttempts: Number(row.maxAttempts) }));
}

async function runDueJobsSkipLocked(db: Db, kinds: string[], shopId: string | undefined, limit: number, leaseMs: number,
  workerId: string, clock: () => Date): Promise<number> {
  let ran = 0;
  while (ran < limit) {
    const claimedAt = clock();
    // Jobs whose worker died on their last attempt: the lease expired and no attempts are left.
    await db.$executeRaw(Prisma.sql`
      UPDATE "Job" SET "status" = 'failed', "lockedBy" = NULL, "lockedUntil" = NULL, "finishedAt" = ${claimedAt},
        "updatedAt" = ${claimedAt}, "lastError" = 'lease expired after attempt ' || "attempts" || ' (worker lost)'
      WHERE ${claimable(claimedAt, kinds, shopId)} AND "attempts" >= "maxAttempts"`);
    const token = `${workerId}:${randomUUID()}`;
    const leaseEnd = new Date(claimedAt.getTime() + leaseMs);
    const [first] = await claimSkipLocked(db, kinds, claimable(claimedAt, kinds, shopId, token), 1, token, leaseEnd, claimedAt);
    if (!first) break;
    const batch: Claimed[] = [first];
    const registered = handlers.get(first.kind);
    if (registered?.batch && registered.max > 1) {
      batch.push(...await claimSkipLocked(db, [first.kind], claimable(claimedAt, [first.kind], first.shopId, token), registered.max - 1, token, leaseEnd, claimedAt));
    }
    ran += batch.length;
    await runClaimed(db, batch, token, leaseMs, clock);
  }
  return ran;
}

/** The conditional UPDATE that hands a job to exactly one claimant; true if this one won. */
async function claim(db: Db, id: string, token: string, leaseEnd: Date, claimedAt: Date, kinds: string[]): Promise<boolean> {
  const won = await db.$executeRaw(Prisma.sql`
    UPDATE "Job" SET "status" = 'running', "lockedBy" = ${token}, "lockedUntil" = ${leaseEnd},
      "attempts" = "attempts" + 1, "updatedAt" = ${claimedAt}
    WHERE "id" = ${id} AND ${claimable(claimedAt, kinds, undefined, token)}`);
  return won === 1;
}

async function runClaimed(db: Db, jobs: (Candidate & { attempts: number })[], token: string, leaseMs: number,
  clock: () => Date): Promise<void> {
  const first = jobs[0];
  const registered = handlers.get(first.kind);
  const started = performance.now();
  const renew = setInterval(() => {
    const at = clock();
    db.$executeRaw(Prisma.sql`UPDATE "Job" SET "lockedUntil" = ${new Date(at.getTime() + leaseMs)}, "updatedAt" = ${at}
      WHERE "lockedBy" = ${token}`)
      .then((renewed) => {
        if (renewed !== jobs.length) log("warn", "queue.lease_lost", { job: first.id, kind: first.kind, shop: first.shopId });
      })
      .catch((error: unknown) => log("warn", "queue.lease_renew_failed", { job: first.id, error: String(error) }));
  }, Math.max(10, Math.floor(leaseMs / 3)));
  renew.unref?.();
  let failure: unknown = null;
  try {
    if (!registered) throw new Error(`No handler registered for job kind ${first.kind}`);
    const queued = jobs.map((job) => ({ id: job.id, shopId: job.shopId, kind: job.kind, payload: JSON.parse(job.payload) as unknown, attempts: job.attempts }));
    if (registered.batch) await registered.run(queued);
    else await registered.run(queued[0]);
  } catch (error) {
    failure = error;
  } finally {
    clearInterval(renew);
  }
  const at = clock();
  const ms = Math.round(performance.now() - started);
  if (failure === null) {
    // lastError stays: a job done on a later attempt still shows why the earlier one failed.
    // Only the jobs that ran: a job leased under this token but not handed to the handler stays leased.
    const done = await db.$executeRaw(Prisma.sql`
      UPDATE "Job" SET "status" = 'done', "lockedBy" = NULL, "lockedUntil" = NULL, "finishedAt" = ${at}, "updatedAt" = ${at}
      WHERE "lockedBy" = ${token} AND "id" IN (${Prisma.join(jobs.map((job) => job.id))})`);
    log(done === jobs.length ? "info" : "warn", done === jobs.length ? "queue.job_done" : "queue.job_done_after_lease_lost",
      { job: first.id, kind: first.kind, shop: first.shopId, attempt: first.attempts, ms, ...(jobs.length > 1 ? { batch: jobs.length } : {}) });
    return;
  }
  for (const job of jobs) await recordFailure(db, job, token, failure, at);
}

async function recordFailure(db: Db, job: Candidate & { attempts: number }, token: string, failure: unknown, at: Date): Promise<void> {
  const message = (failure instanceof Error ? failure.stack ?? failure.message : String(failure)).slice(0, MAX_ERROR_LENGTH);
  const permanent = failure instanceof PermanentJobError;
  if (permanent || job.attempts >= Number(job.maxAttempts)) {
    await db.$executeRaw(Prisma.sql`
      UPDATE "Job" SET "status" = 'failed', "lockedBy" = NULL, "lockedUntil" = NULL, "finishedAt" = ${at}, "updatedAt" = ${at},
        "lastError" = ${message}
      WHERE "id" = ${job.id} AND "lockedBy" = ${token}`);
    log("error", "queue.job_failed", { job: job.id, kind: job.kind, shop: job.shopId, attempt: job.attempts, permanent, error: message.split("\n")[0] });
    return;
  }
  const retryAt = new Date(at.getTime() + retryDelayMs(job.attempts));
  await db.$executeRaw(Prisma.sql`
    UPDATE "Job" SET "status" = 'queued', "lockedBy" = NULL, "lockedUntil" = NULL, "runAt" = ${retryAt}, "updatedAt" = ${at},
      "lastError" = ${message}
    WHERE "id" = ${job.id} AND "lockedBy" = ${token}`);
  log("warn", "queue.job_retry", { job: job.id, kind: job.kind, shop: job.shopId, attempt: job.attempts, retryAt: retryAt.toISOString(), error: message.split("\n")[0] });
}

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Polls for due jobs every `intervalMs` (default 1 s) until stopped; `stop` waits for the jobs in hand.
 * Also exposes `wake()` so a process that just enqueued work can have it run without waiting.
 */
export function startWorker(db: Db, options: { intervalMs?: number; workerId?: string; leaseMs?: number; limit?: number } = {}):
  Worker & { wake(): void } {
  const intervalMs = options.intervalMs ?? 1_000;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  const tick = () => {
    timer = null;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          const ran = await runDueJobs(db, { workerId: options.workerId, leaseMs: options.leaseMs, limit: options.limit });
          if (ran) again = true;
        } while (again && !stopped);
      } catch (error) {
        log("error", "queue.worker_error", { error: error instanceof Error ? error.message : String(error) });
      } finally {
        running = null;
        if (!stopped) schedule(intervalMs);
      }
    })();
  };
  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref?.();
  };
  schedule(0);
  return {
    wake() {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
  };
}

export interface QueueStats {
  queued: number;
  running: number;
  failed: number;
  oldestQueuedAt: Date | null;
}

/**
 * Queue depth for monitoring (and the Sync page): `running` is jobs under a live lease; a job whose lease
 * expired counts as queued again, as it is claimable. `oldestQueuedAt` is the runAt of the oldest due or
 * waiting job.
 */
export async function queueStats(db: Db, shopId?: string): Promise<QueueStats> {
  const now = new Date();
  const shop = shopId === undefined ? Prisma.empty : Prisma.sql`AND "shopId" = ${shopId}`;
  const rows = await db.$queryRaw<{ state: string; n: number | bigint; oldest: Date | string | null }[]>(Prisma.sql`
    SELECT CASE
             WHEN "status" = 'failed' THEN 'failed'
             WHEN "status" = 'running' AND "lockedUntil" >= ${now} THEN 'running'
             ELSE 'queued'
           END AS "state",
           COUNT(*) AS "n", MIN("runAt") AS "oldest"
    FROM "Job" WHERE "status" IN ('queued', 'running', 'failed') ${shop}
    GROUP BY 1`);
  const stats: QueueStats = { queued: 0, running: 0, failed: 0, oldestQueuedAt: null };
  for (const row of rows) {
    const n = Number(row.n);
    if (row.state === "failed") stats.failed = n;
    else if (row.state === "running") stats.running = n;
    else {
      stats.queued = n;
      stats.oldestQueuedAt = row.oldest === null ? null : new Date(row.oldest);
    }
  }
  return stats;
}

/** Failed jobs of a shop, newest first (for a "retry" button and for monitoring). */
export async function failedJobs(db: Db, shopId: string, take = 50) {
  return db.job.findMany({ where: { shopId, status: "failed" }, orderBy: { finishedAt: "desc" }, take });
}

/** Puts a failed job back in the queue with a fresh set of attempts. Returns whether it was failed. */
export async function retryJob(db: Db, shopId: string, jobId: string): Promise<boolean> {
  const now = new Date();
  const count = await db.$executeRaw(Prisma.sql`
    UPDATE "Job" SET "status" = 'queued', "attempts" = 0, "runAt" = ${now}, "updatedAt" = ${now}, "finishedAt" = NULL
    WHERE "id" = ${jobId} AND "shopId" = ${shopId} AND "status" = 'failed'`);
  return count === 1;
}

/** Deletes finished jobs older than the cutoff (done always; failed ones only with `includeFailed`). */
export async function purgeJobs(db: Db, olderThan: Date, options: { includeFailed?: boolean } = {}): Promise<number> {
  const statuses = options.includeFailed ? ["done", "failed"] : ["done"];
  return db.$executeRaw(Prisma.sql`DELETE FROM "Job" WHERE "status" IN (${Prisma.join(statuses)}) AND "finishedAt" < ${olderThan}`);
}
