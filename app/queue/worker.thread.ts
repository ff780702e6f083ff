/**
 * The web process's queue worker in a worker thread of its own (see worker.server.ts, JOB_WORKER_THREAD):
 * the margin recomputes, analytics refreshes and backfills run here, on their own event loop and their
 * own database connection, so a webhook answer never waits behind their CPU work.
 *
 * Protocol: the web thread sends "wake" after an enqueue (the next poll otherwise) and "stop",
 * answered with "stopped" after the jobs in hand.
 */
import { parentPort, workerData } from "node:worker_threads";
import db from "~/db.server";
import { startWorker } from "./queue.server";
// With every job kind registered.
import { lowerThreadPriority, type WorkerThreadData } from "./worker.server";

const port = parentPort!;
lowerThreadPriority();
// The polling loop, here; a job that wakes the worker (ensureWorker in this thread) finds it.
const worker = startWorker(db, { intervalMs: (workerData as WorkerThreadData).intervalMs });
globalThis.__marginLtvWorker = worker;
// The loop's timers are unref'd (they must not keep a web process alive): this keeps the thread up.
const keepAlive = setInterval(() => undefined, 60_000);

port.on("message", (message: unknown) => {
  if (message === "wake") worker.wake();
  else if (message === "stop") {
    clearInterval(keepAlive);
    void (async () => {
      await worker.stop();
      await db.$disconnect();
      port.postMessage("stopped");
      port.close();
    })();
  }
});
