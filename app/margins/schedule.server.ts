/**
 * Background margin recomputes after a cost change, and the status the pages show.
 *
 * `requestRecompute` starts a full recompute in this process without waiting for it (route actions
 * return at once); requests for a shop while one runs are coalesced into one more run afterwards, and
 * a run whose cost version was overtaken stops early and is redone. Status lives in the database
 * (MarginRun, CostSettings.version, OrderMargin.costVersion), so any page, in any process, can show
 * "recomputing: 42%" and whether the stored margins match the configuration.
 *
 * Dispatch: where this process runs the durable job queue's worker (app/queue: the server, the demo),
 * the request is a job (kind FULL_RECOMPUTE_JOB, deduplicated per shop and cost version) so a restart
 * loses nothing; where it does not (tests, JOB_WORKER=off, the CLI) the run starts in-process. A run
 * lost to a crash shows as "stalled" (its heartbeat stops) and the Costs page offers "Recompute now".
 */
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { enqueue } from "~/queue/queue.server";
import { wakeWorker, workerEnabled } from "~/queue/worker.server";
import { FULL_RECOMPUTE_JOB } from "./jobs.server";
import { recomputeMargins } from "./recompute.server";

const running = new Map<string, Promise<void>>();
const pending = new Set<string>();

/** A running run whose heartbeat is older than this is taken as dead (process restarted). */
export const STALE_RUN_MS = 2 * 60_000;

/**
 * Asks for a full recompute of the shop's margins with the current costs, without waiting for it:
 * a queued job when this process runs the queue worker, else an in-process run. Never throws.
 */
export async function requestRecompute(db: Db, shopId: string): Promise<void> {
  if (workerEnabled()) {
    try {
      const version = (await db.costSettings.findUnique({ where: { shopId }, select: { version: true } }))?.version ?? 0;
      await enqueue(db, { shopId, kind: FULL_RECOMPUTE_JOB, payload: { costVersion: version }, dedupeKey: `${FULL_RECOMPUTE_JOB}:${version}` });
      wakeWorker();
      return;
    } catch (error) {
      log("warn", "margins.enqueue_failed", { shopId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  recomputeInProcess(db, shopId);
}

/** Starts (or queues after the current one) a full recompute in this process. */
export function recomputeInProcess(db: Db, shopId: string): void {
  if (running.has(shopId)) {
    pending.add(shopId);
    return;
  }
  const job = (async () => {
    try {
      for (let rounds = 0; rounds < 20; rounds++) {
        pending.delete(shopId);
        const result = await recomputeMargins(db, shopId, { runId: randomUUID() });
        const version = (await db.costSettings.findUnique({ where: { shopId }, select: { version: true } }))?.version ?? 0;
        if (!pending.has(shopId) && !result.superseded && version === result.costVersion) break;
      }
    } catch (error) {
      log("error", "margins.recompute_failed", { shopId, error: error instanceof Error ? error.message : String(error) });
    } finally {
      running.delete(shopId);
    }
  })();
  running.set(shopId, job);
}

/** Resolves when this process has no recompute running for the shop (tests, CLI). */
export async function waitForRecompute(shopId: string): Promise<void> {
  while (running.has(shopId)) await running.get(shopId);
}

export interface MarginStatus {
  costVersion: number;
  /** Orders in the ledger. */
  orders: number;
  /** Orders whose stored margin was computed with the current cost version. */
  current: number;
  /** Every order has a margin computed with the current cost version. */
  upToDate: boolean;
  run: {
    id: string;
    status: "running" | "done" | "failed" | "superseded" | "stalled";
    done: number;
    total: number;
    /** Whole percent, 0-100. */
    percent: number;
    costVersion: number;
    startedAt: string;
    finishedAt: string | null;
    error: string | null;
  } | null;
}

export async function marginStatus(db: Db, shopId: string, now = new Date()): Promise<MarginStatus> {
  const settings = await db.costSettings.findUnique({ where: { shopId }, select: { version: true } });
  const costVersion = settings?.version ?? 0;
  const [orders, current, run] = await Promise.all([
    db.order.count({ where: { shopId } }),
    db.orderMargin.count({ where: { shopId, costVersion } }),
    db.marginRun.findFirst({ where: { shopId, kind: "full" }, orderBy: { startedAt: "desc" } }),
  ]);
  const stalled = run?.status === "running" && now.getTime() - run.heartbeatAt.getTime() > STALE_RUN_MS;
  return {
    costVersion,
    orders,
    current,
    upToDate: current >= orders,
    run: run ? {
      id: run.id,
      status: stalled ? "stalled" : (run.status as "running" | "done" | "failed" | "superseded"),
      done: run.done,
      total: run.total,
      percent: run.total ? Math.min(100, Math.floor((run.done * 100) / run.total)) : 100,
      costVersion: run.costVersion,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      error: run.error,
    } : null,
  };
}
