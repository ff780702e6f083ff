/**
 * Worker thread of the analytics refresh (see refresh-compute.ts and `runRefreshCompute` in
 * snapshot.server.ts): computes one refresh from its workerData and posts the result back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { computeRefresh, type RefreshComputeInput } from "./refresh-compute";

export type RefreshWorkerMessage = { ok: true; result: ReturnType<typeof computeRefresh> } | { ok: false; message: string; stack?: string };

let message: RefreshWorkerMessage;
try {
  message = { ok: true, result: computeRefresh(workerData as RefreshComputeInput) };
} catch (error) {
  message = { ok: false, message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined };
}
parentPort!.postMessage(message);
