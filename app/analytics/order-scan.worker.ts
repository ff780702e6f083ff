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
import { activityColumnsOf, activityColumnsUnder } from "~/customers/activity.server";
import type { ActivityColumns } from "~/domain/clv";
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
  let model: { histories: PurchaseHistories; input: CohortProjectionInput; fit: EarlyFit; activity?: ActivityColumns } | null = null;
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
      // With the projection's group-free part prepared too: the segment rows are still being computed.
      const fit = prepareAhead(fitAhead(input, histories));
      // The at-risk flag's activity needs the fitted purchase model only: valued now, while the
      // calling thread still computes the segment rows the projections wait for.
      const activity = "fit" in fit ? activityColumnsOf(fit.fit.bg.params, "weeks", timeZone, input.asOf, histories) : undefined;
      model = { histories, input, fit, activity };
    } else {
      if (!model) throw new Error("The order scan worker was asked to project before it was sent the histories");
      const started = performance.now();
      const { histories, input, fit } = model;
      const payload = computeProjections(input, request.shopId, command.segments, histories, fit);
      // The at-risk flag's activity under the model the payload stores (valued after the fit, unless the
      // payload's model is another: then again), or none when the projections are unavailable.
      const early = "fit" in fit && payload.status === "ready" && payload.model.bgnbd.params === fit.fit.bg.params && payload.model.timeUnit === "weeks";
      const activity = early && model.activity ? model.activity : activityColumnsUnder(payload, input.timeZone, input.asOf, histories);
      model.activity = undefined; // its arrays are handed over below
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
