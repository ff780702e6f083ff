/**
 * A queue worker as its own process: `npx tsx --max-semi-space-size=64 app/queue/worker-process.ts`
 * (DATABASE_URL and the Shopify settings as for the app; the flag sizes this thread's young generation
 * as JOB_THREAD_RESOURCE_LIMITS sizes the web process's job thread). With several app instances, or when background work (margin
 * recomputes, backfills) should not share an event loop with webhook answers, run the web processes
 * with JOB_WORKER=off and one or more of these beside them; they share the queue safely (database-side
 * claims, leases). SIGTERM/SIGINT stop it after the jobs in hand.
 */
import db from "~/db.server";
import "./kinds.server";
import { log } from "~/lib/log.server";
import { registeredJobKinds, startWorker } from "./queue.server";
import { lowerThreadPriority } from "./worker.server";

lowerThreadPriority();
const worker = startWorker(db, {
  intervalMs: Number(process.env.JOB_WORKER_INTERVAL_MS || 500),
  workerId: process.env.JOB_WORKER_ID,
});
// The worker's timers do not keep a process alive (they are unref'd for the web process): this does.
const keepAlive = setInterval(() => undefined, 60_000);
log("info", "queue.worker_started", { pid: process.pid, kinds: registeredJobKinds() });
process.send?.("ready");

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    clearInterval(keepAlive);
    void worker.stop().then(async () => {
      await db.$disconnect();
      process.exit(0);
    });
  });
}
