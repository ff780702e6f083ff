/**
 * The worker of this app instance: the demo, `npm start` and `shopify app dev` run one per process
 * (several instances share the queue safely; see queue.server.ts). Started once, on first use, by
 * `ensureWorker()` — the webhook receiver calls it, and the server entry should too. Not started under
 * tests (they drive `runDueJobs` themselves) or with JOB_WORKER=off.
 *
 * Where it runs: in a worker thread of the process (worker.thread.ts), unless JOB_WORKER_THREAD=off or
 * no worker script is available (then on the web's own event loop). On the web's event loop the jobs'
 * CPU work (margin recomputes, the analytics refresh) delays every webhook answer behind it: measured
 * in the one-process webhook benchmark at 300 orders/s, p99 1.4 s on the event loop (see
 * bench/webhooks.bench.ts for the figures in a thread).
 */
import { setPriority } from "node:os";
import { isMainThread, type ResourceLimits, type Worker as Thread } from "node:worker_threads";
import db from "~/db.server";
import { log } from "~/lib/log.server";
import { workerScript } from "~/lib/worker-threads.server";
// Every job kind (a worker only claims kinds it has handlers for) and the per-shop exclusive ones.
import "./kinds.server";
import { startWorker } from "./queue.server";

export interface WorkerHandle {
  /** Look for due jobs now (after an enqueue), instead of at the next poll. */
  wake(): void;
  /** Stops after the jobs in hand. */
  stop(): Promise<void>;
}

declare global {
  var __marginLtvWorker: WorkerHandle | undefined;
}

export function workerEnabled(): boolean {
  return process.env.JOB_WORKER !== "off" && process.env.NODE_ENV !== "test" && !process.env.VITEST;
}

const intervalMs = () => Number(process.env.JOB_WORKER_INTERVAL_MS || 1_000);
const WORKER_THREAD = new URL("./worker.thread.ts", import.meta.url);

/** Nice value of a job worker's thread (0 = the web thread's, 19 = lowest). */
const JOB_WORKER_NICE = 10;

/**
 * Background work yields the CPU to webhook answers: on Linux a nice value belongs to one thread (pid
 * 0 is the calling thread; threads it starts later, such as the refresh's order scan, inherit it), so
 * the job thread (or a worker process's main thread) lowers its own. Elsewhere it could apply to the
 * whole process, so Linux only; a refusal (a container without the right) changes nothing.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== "linux") return;
  try {
    setPriority(0, JOB_WORKER_NICE);
  } catch {
    // keep the default priority
  }
}

/**
 * The job thread's heap: a young generation of 192 MiB (semi-spaces of 64 MiB; V8's default is 16 MiB
 * ones). The analytics refresh allocates hundreds of MB of short-lived values at 1M orders, and with
 * the default most of its collections were scavenges copying live data: measured on 2 cores at 1M orders
 * / 250k customers, the refresh 12.4 -> 10.7 s and 20.2 -> 17.4 s of CPU (bench/analytics.bench.ts runs
 * its refresh in a thread with these limits). A process started with `node --max-semi-space-size=64`
 * does the same for its main thread (the separate worker process, see the README).
 */
export const JOB_THREAD_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 192 };

export interface WorkerThreadData {
  intervalMs: number;
}

/**
 * The worker in a thread of its own (it reads DATABASE_URL as this thread does), or null where
 * JOB_WORKER_THREAD=off or no script is available.
 */
export function startWorkerThread(data: WorkerThreadData = { intervalMs: intervalMs() }): WorkerHandle | null {
  if (process.env.JOB_WORKER_THREAD === "off") return null;
  const script = workerScript(WORKER_THREAD, "job-worker");
  if (!script) return null;
  const thread: Thread = script.start({ workerData: data, resourceLimits: JOB_THREAD_RESOURCE_LIMITS });
  let stopped = false;
  const handle: WorkerHandle = {
    wake: () => {
      if (!stopped) thread.postMessage("wake");
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const done = new Promise<void>((resolve) => {
        thread.on("message", (message) => message === "stopped" && resolve());
        thread.once("exit", () => resolve());
      });
      thread.postMessage("stop");
      await done;
      await thread.terminate();
    },
  };
  // A thread that fails is replaced on the next ensureWorker (its claimed jobs come back when their leases end).
  thread.on("error", (error) => log("error", "queue.worker_thread_failed", { error: error.message }));
  thread.on("exit", (code) => {
    if (!stopped) log("warn", "queue.worker_thread_exited", { code });
    stopped = true;
    if (globalThis.__marginLtvWorker === handle) globalThis.__marginLtvWorker = undefined;
  });
  thread.unref(); // like the loop's own timers: the worker never keeps the web process alive
  return handle;
}

/** Starts this process's worker if it is not running; returns it (or null when disabled). */
export function ensureWorker(): WorkerHandle | null {
  if (!workerEnabled()) return null;
  globalThis.__marginLtvWorker ??= (isMainThread ? startWorkerThread() : null) ?? startWorker(db, { intervalMs: intervalMs() });
  return globalThis.__marginLtvWorker;
}

/** Asks the worker to look for due jobs now (after an enqueue), instead of at its next poll. */
export function wakeWorker(): void {
  ensureWorker()?.wake();
}
