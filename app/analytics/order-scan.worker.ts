/**
 * Worker thread of the analytics load (`loadWithOrderWorker` in input.server.ts): runs the order
 * aggregates' queries (queryOrderAggregates) on a read-only connection of its own while the calling
 * thread reads the value events;
 * for the refresh, it then fits the purchase model on the histories the calling thread built (saying
 * its parameters at once, for the at-risk flag) and projects it (ModelWorker in input.server.ts).
 *
 * Protocol: worker "ready" (its connection is open); main "pin" (sent while writes wait); worker
 * "pinned" (its snapshot is taken); main "scan"; worker "done" with the queries' results, or "failed". Then, for
 * the refresh: main "fit" with the histories (sent while the scan may still run, it is handled after
 * it), answered "fitted" with the purchase model's parameters (null when it could not be fitted); and
 * "project" with the segment rows, answered "projected".
 * Commands are handled one after the other, in the order they came.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { CohortProjectionInput, PurchaseHistories } from "~/domain/clv";
import type { OrderScanCommand, OrderScanReply, OrderScanRequest } from "./input.server";
import { queryOrderAggregates } from "./order-aggregates.server";
import { computeProjections, fitAhead, prepareAhead, type EarlyFit } from "./projections.server";
import { openSqliteSnapshot } from "./rows.server";

const port = parentPort!;
const request = workerData as OrderScanRequest;
const post = (reply: OrderScanReply) => port.postMessage(reply);

try {
  const rows = openSqliteSnapshot(request.file);
  let model: { histories: PurchaseHistories; input: CohortProjectionInput; fit: EarlyFit } | null = null;
  const handle = async (command: OrderScanCommand) => {
    if (command === "pin") {
      rows.pin();
      post({ type: "pinned" });
    } else if (command === "scan") {
      const started = performance.now();
      try {
        // The queries only: the calling thread reads their results (orderScanFromAggregates) while it waits.
        const aggregates = await queryOrderAggregates(rows, request.shopId, new Date(request.asOfMs), request.contacts);
        post({ type: "done", aggregates, ms: performance.now() - started });
      } finally {
        rows.close();
      }
    } else if (command.type === "fit") {
      const { histories, timeZone } = command;
      // The histories stand for the events (none are sent). A model that cannot be fitted is kept as
      // the fit's error: the projections payload says why.
      const input: CohortProjectionInput = { events: [], cancelledOrderIds: new Set<string>(), timeZone, asOf: new Date(request.asOfMs) };
      const fitted = fitAhead(input, histories);
      // The purchase model's parameters at once: the calling thread values the at-risk activity with
      // them while this thread projects (both threads are busy; this one's work ends the refresh).
      post({ type: "fitted", params: "fit" in fitted ? fitted.fit.bg.params : null });
      // With the projection's group-free part prepared too: the segment rows are still being computed.
      model = { histories, input, fit: prepareAhead(fitted) };
    } else {
      if (!model) throw new Error("The order scan worker was asked to project before it was sent the histories");
      const started = performance.now();
      const { histories, input, fit } = model;
      const payload = computeProjections(input, request.shopId, command.segments, histories, fit);
      post({ type: "projected", payload, projectMs: performance.now() - started, fitMs: fit.ms });
    }
  };
  let queue = Promise.resolve();
  port.on("message", (command: OrderScanCommand) => {
    queue = queue.then(() => handle(command)).catch((error: unknown) => {
      rows.close();
      post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    });
  });
  post({ type: "ready" });
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
