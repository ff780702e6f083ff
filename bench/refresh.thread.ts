/**
 * The benchmark's full recompute in a worker thread, where the app runs it: the analytics refresh is a
 * job, and the web process's jobs run in a thread started with JOB_THREAD_RESOURCE_LIMITS
 * (app/queue/worker.server.ts). measureAnalytics starts this with the same limits. workerData:
 * { url, shopId, asOfMs }; it answers the RefreshResult, or { error } when the refresh throws.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createDb } from "~/db.server";
import { refreshAnalytics } from "~/analytics/snapshot.server";

export interface RefreshThreadData {
  url: string;
  shopId: string;
  asOfMs: number;
}

const { url, shopId, asOfMs } = workerData as RefreshThreadData;
const db = createDb(url);
try {
  // The pages are served by the bench's main thread: nothing to keep decoded here.
  parentPort!.postMessage(await refreshAnalytics(db, shopId, { asOf: new Date(asOfMs), keepDecodedBase: false }));
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
} finally {
  await db.$disconnect();
}
