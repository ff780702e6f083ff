/**
 * Worker thread of the analytics load (`loadWithOrderWorker` in input.server.ts): runs the order
 * aggregates' queries (queryOrderAggregates) on a read-only connection of its own while the calling
 * thread reads the value events;
 * for the refresh, it then fits the purchase model on the histories the calling thread built, projects
 * it and values each customer's activity under it for the at-risk flag (ModelWorker in input.server.ts).
 *
 * Protocol: worker "ready" (its connection is open); main "pin" (sent while writes wait); worker
 * "pinned" (its snapshot is taken); main "scan"; worker "done" with the queries' results, or "failed". Then, for
 * the refresh: main "fit" with the histories (no reply: sent while the scan may still run, it is
 * handled after it), and "project" with the segment rows; worker "projected".
 * Commands are handled one after the other, in the order they came.
 */
import { parentPort, workerData } from "node:worker_threads";
import { activityColumnsUnder } from "~/customers/activity.server";
import type { CohortProjectionInput, PurchaseHistories } from "~/domain/clv";
import type { OrderScanCommand, OrderScanReply, OrderScanRequest } from "./input.server";
import { queryOrderAggregates } from "./order-aggregates.server";
import { computeProjections, fitAhead, type EarlyFit } from "./projections.server";
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
      model = { histories, input, fit: fitAhead(input, histories) };
    } else {
      if (!model) throw new Error("The order scan worker was asked to project before it was sent the histories");
      const started = performance.now();
      const { histories, input, fit } = model;
      const payload = computeProjections(input, request.shopId, command.segments, histories, fit);
      // The at-risk flag's activity under the model just fitted, here too: typed arrays, handed over.
      const activity = activityColumnsUnder(payload, input.timeZone, input.asOf, histories);
      const reply: OrderScanReply = { type: "projected", payload, activity, projectMs: performance.now() - started, fitMs: fit.ms };
      const buffers = activity ? [activity.customer, activity.probabilityAlive, activity.daysSinceLastPurchase, activity.meanDaysBetweenPurchases] : [];
      port.postMessage(reply, buffers.map((column) => column.buffer as ArrayBuffer));
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
