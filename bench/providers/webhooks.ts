/**
 * Providers benchmark phase: `instances` production servers (server.mjs, each with its job worker
 * in-process) on the one database DATABASE_URL, signed orders/create deliveries spread across them in
 * turn (see ../webhooks.bench.ts), then what was stored.
 */
import type { ChildProcess } from "node:child_process";
import { deliveries, fire, freePort, quantile, startAppServer, stop, storedCounts } from "../webhooks.bench";
import { runPhase } from "./child";

export interface WebhooksArgs {
  orders: number;
  warmup: number;
  concurrency: number;
  instances: number;
}

await runPhase<WebhooksArgs>(async ({ orders, warmup, concurrency, instances }, url) => {
  const items = await deliveries(warmup + orders);
  const servers: ChildProcess[] = [];
  let stopping = false;
  try {
    const ports: number[] = [];
    for (let i = 0; i < instances; i++) {
      const port = await freePort();
      const server = await startAppServer(port, url, "in-process");
      // An instance that dies mid-run shows up as reset connections: say which and why.
      server.once("exit", (code, signal) => {
        if (!stopping) console.log(`instance ${i + 1} (port ${port}) exited during the run: code ${code}, signal ${signal}`);
      });
      servers.push(server);
      ports.push(port);
    }
    const warm = await fire(ports, items.slice(0, warmup), concurrency);
    const measured = await fire(ports, items.slice(warmup), concurrency);
    const sorted = [...measured.latencies].sort((a, b) => a - b);
    // Let the workers settle, then check what was stored.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = await storedCounts(url);
    const transportErrors = { ...measured.errors };
    for (const [cause, count] of Object.entries(warm.errors)) transportErrors[cause] = (transportErrors[cause] ?? 0) + count;
    return {
      instances,
      ordersPerSecond: orders / (measured.ms / 1000),
      seconds: measured.ms / 1000,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
      max: sorted[sorted.length - 1],
      failures: warm.failures + measured.failures,
      transportErrors,
      sent: items.length,
      expected: items.filter((item) => !item.test).length,
      // Non-test orders whose delivery was answered 200: each must be stored (the others Shopify would retry).
      acknowledged: items.filter((item) => !item.test).length - [...warm.failed, ...measured.failed].filter((item) => !item.test).length,
      ...counts,
    };
  } finally {
    stopping = true;
    for (const server of servers) await stop(server);
  }
});
