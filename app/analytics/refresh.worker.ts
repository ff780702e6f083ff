/**
 * Worker thread of the analytics refresh (see refresh-compute.ts and `runRefreshCompute` in
 * snapshot.server.ts): computes one refresh from its workerData and posts the result back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { computeRefresh, type RefreshComputed, type RefreshComputeInput } from "./refresh-compute";

export type RefreshWorkerMessage = { ok: true; result: RefreshComputed } | { ok: false; message: string; stack?: string };

const post = (message: RefreshWorkerMessage) => parentPort!.postMessage(message);

computeRefresh(workerData as RefreshComputeInput).then(
  (result) => post({ ok: true, result }),
  (error: unknown) => post({ ok: false, message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined }),
);
