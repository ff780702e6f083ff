/**
 * Worker thread of the analytics load (`loadWithOrderWorker` in input.server.ts): scans the orders
 * (scanOrders) on a read-only connection of its own while the calling thread reads the value events;
 * for the refresh, it then projects the purchase model (ModelWorker in input.server.ts).
 *
 * Protocol: worker "ready" (its connection is open); main "pin" (sent while writes wait); worker
 * "pinned" (its snapshot is taken); main "scan"; worker "done" with the scan, or "failed". Then, for
 * the refresh: main "project" with the histories, the fitted parameters and the segment rows; worker
 * "projected".
 */
import { parentPort, workerData } from "node:worker_threads";
import { shopModelFrom } from "~/domain/clv";
import {
  emptyLedgerTotals, orderFacts, orderScanToWire, type OrderScanCommand, type OrderScanReply, type OrderScanRequest,
} from "./input.server";
import { computeProjections } from "./projections.server";
import { openSqliteSnapshot } from "./rows.server";

const port = parentPort!;
const request = workerData as OrderScanRequest;
const post = (reply: OrderScanReply) => port.postMessage(reply);

try {
  const rows = openSqliteSnapshot(request.file);
  port.on("message", (command: OrderScanCommand) => {
    void (async () => {
      try {
        if (command === "pin") {
          rows.pin();
          post({ type: "pinned" });
        } else if (command === "scan") {
          const started = performance.now();
          const totals = request.withTotals ? emptyLedgerTotals() : undefined;
          try {
            const scan = await orderFacts(rows, request.shopId, new Date(request.asOfMs), request.contacts, undefined, totals);
            post({ type: "done", scan: orderScanToWire(scan), totals: totals ?? null, ms: performance.now() - started });
          } finally {
            rows.close();
          }
        } else {
          const started = performance.now();
          const { histories, fitted, fitMs, timeZone } = command;
          // The model as the calling thread fitted it (its histories and parameters), so the payload is the one it would compute.
          const fit = { fit: shopModelFrom(histories, fitted), ms: fitMs };
          const input = { events: [], cancelledOrderIds: new Set<string>(), timeZone, asOf: new Date(request.asOfMs) };
          const payload = computeProjections(input, request.shopId, command.segments, histories, fit);
          post({ type: "projected", payload, projectMs: performance.now() - started });
        }
      } catch (error) {
        rows.close();
        post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  post({ type: "ready" });
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
