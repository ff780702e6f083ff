/**
 * Worker thread of the analytics load (`loadWithOrderWorker` in input.server.ts): scans the orders
 * (scanOrders) on a read-only connection of its own while the calling thread reads the value events.
 *
 * Protocol: worker "ready" (its connection is open); main "pin" (sent while writes wait); worker
 * "pinned" (its snapshot is taken); main "scan"; worker "done" with the scan, or "failed".
 */
import { parentPort, workerData } from "node:worker_threads";
import { emptyLedgerTotals, orderScanToWire, scanOrders, type OrderScanCommand, type OrderScanReply, type OrderScanRequest } from "./input.server";
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
          return;
        }
        const started = performance.now();
        const totals = request.withTotals ? emptyLedgerTotals() : undefined;
        const scan = await scanOrders(rows, request.shopId, new Date(request.asOfMs), request.contacts, undefined, totals);
        rows.close();
        post({ type: "done", scan: orderScanToWire(scan), totals: totals ?? null, ms: performance.now() - started });
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
