/**
 * The in-process worker of this app instance: the demo, `npm start` and `shopify app dev` run one per
 * process (several instances share the queue safely; see queue.server.ts). Started once, on first use,
 * by `ensureWorker()` — the webhook receiver calls it, and the server entry should too. Not started
 * under tests (they drive `runDueJobs` themselves) or with JOB_WORKER=off.
 */
import db from "~/db.server";
// Every job kind (a worker only claims kinds it has handlers for) and the per-shop exclusive ones.
import "./kinds.server";
import { startWorker } from "./queue.server";

declare global {
  var __marginLtvWorker: ReturnType<typeof startWorker> | undefined;
}

export function workerEnabled(): boolean {
  return process.env.JOB_WORKER !== "off" && process.env.NODE_ENV !== "test" && !process.env.VITEST;
}

/** Starts this process's worker if it is not running; returns it (or null when disabled). */
export function ensureWorker(): ReturnType<typeof startWorker> | null {
  if (!workerEnabled()) return null;
  globalThis.__marginLtvWorker ??= startWorker(db, { intervalMs: Number(process.env.JOB_WORKER_INTERVAL_MS || 1_000) });
  return globalThis.__marginLtvWorker;
}

/** Asks the worker to look for due jobs now (after an enqueue), instead of at its next poll. */
export function wakeWorker(): void {
  ensureWorker()?.wake();
}
