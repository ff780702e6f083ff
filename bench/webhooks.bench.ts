/**
 * Webhook throughput through the real HTTP server: the production build served by `startServer`
 * (server.mjs) in a child process on loopback, with a temporary SQLite database, receiving signed
 * `orders/create` deliveries (bodies from the demo generator) from a load generator in this process.
 * The server runs its job worker as in production (margin recompute jobs are enqueued per order and
 * run in the background when app/margins provides the handler).
 *
 * Two measured phases per layout (see runLayout): the target rate offered open loop, latency measured
 * from each delivery's scheduled time (so a stall's queue counts); then capacity with a fixed number
 * in flight. Checks that every delivery was stored (Order rows and webhook receipts counted in the
 * database). Target: >= 300 orders/s, p99 < 100 ms at that rate, nothing lost.
 *
 * Three layouts, each on a fresh database: one process with the worker in a thread of it (the
 * default), a web process plus a worker process (JOB_WORKER=off on the web process), and the web
 * process alone.
 *
 * WEBHOOK_BENCH_ORDERS (per phase, default 6000), WEBHOOK_BENCH_RATE (default 300 orders/s),
 * WEBHOOK_BENCH_CONCURRENCY (default 16) and WEBHOOK_BENCH_LAYOUTS (comma-separated:
 * in-process,separate,web-only) change the run; WEBHOOK_BENCH_APP_DIR serves an already built copy of
 * the app (its server.mjs and build/) instead of building this tree; WEBHOOK_BENCH_CPU_PROF=<dir> writes
 * a CPU profile of the server there.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { buildIfStale, migrate } from "../scripts/app-build";
import { measureSteal } from "./steal";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const APP_DIR = process.env.WEBHOOK_BENCH_APP_DIR ? path.resolve(process.env.WEBHOOK_BENCH_APP_DIR) : ROOT;
const HOST = "127.0.0.1"; // loopback only
const SECRET = "webhook-bench-secret";
export const SHOP = "webhook-bench.myshopify.com";
const ORDERS = Number(process.env.WEBHOOK_BENCH_ORDERS || 6_000);
const WARMUP = Math.min(500, Math.floor(ORDERS / 10));
const CONCURRENCY = Number(process.env.WEBHOOK_BENCH_CONCURRENCY || 16);
const RATE = Number(process.env.WEBHOOK_BENCH_RATE || 300);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** Starts server.mjs's startServer in a child process; resolves once it listens. */
export type Layout = "in-process" | "separate" | "web-only";

function serverEnv(port: number, url: string, worker: Layout): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: url,
    SHOPIFY_API_KEY: "webhook-bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://${HOST}:${port}`,
    SCOPES: "read_orders",
    DEMO_MODE: "",
    ...(worker === "in-process" ? {} : { JOB_WORKER: "off" }),
  };
}

/** The queue worker as its own process (app/queue/worker-process.ts), for the "separate" layout. */
async function startWorkerProcess(port: number, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", path.join(ROOT, "app/queue/worker-process.ts")], {
    cwd: ROOT,
    env: { ...serverEnv(port, url, "in-process"), NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

export async function startAppServer(port: number, url: string, worker: Layout = "in-process"): Promise<ChildProcess> {
  const script = `const { startServer } = await import(${JSON.stringify(path.join(APP_DIR, "server.mjs"))});
    await startServer({ port: ${port}, host: ${JSON.stringify(HOST)} });
    process.on("SIGTERM", () => process.exit(0));
    process.send?.("listening");`;
  const profile = process.env.WEBHOOK_BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.WEBHOOK_BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, "--input-type=module", "-e", script], {
    cwd: APP_DIR,
    env: serverEnv(port, url, worker),
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

export interface Delivery {
  body: string;
  hmac: string;
  test: boolean;
}

export async function deliveries(count: number): Promise<Delivery[]> {
  const { generateOrders, asCreatedSnapshot } = await import("~/demo/generator");
  const out: Delivery[] = [];
  for (const order of generateOrders({ orders: count, customers: Math.max(1, Math.round(count / 3)), seed: 7 })) {
    const body = JSON.stringify(asCreatedSnapshot(order));
    out.push({ body, hmac: createHmac("sha256", SECRET).update(body, "utf8").digest("base64"), test: order.test === true });
  }
  return out;
}

// node:http with a keep-alive agent: lighter on the shared CPU than fetch, so the load generator takes
// less from the server it measures.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function send(port: number, delivery: Delivery, webhookId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: HOST,
        port,
        path: "/webhooks/orders/create",
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(delivery.body),
          "X-Shopify-Topic": "orders/create",
          "X-Shopify-Shop-Domain": SHOP,
          "X-Shopify-API-Version": "2026-07",
          "X-Shopify-Webhook-Id": webhookId,
          "X-Shopify-Hmac-Sha256": delivery.hmac,
          "X-Shopify-Triggered-At": new Date().toISOString(),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(delivery.body);
  });
}

/** Per-request latencies (ms), failed deliveries (by status or error code in `errors`), and the phase's duration. */
export interface FireResult {
  latencies: number[];
  failures: number;
  failed: Delivery[];
  errors: Record<string, number>;
  ms: number;
}

/**
 * Sends every delivery with at most `concurrency` in flight; returns per-request latencies (ms). With
 * several ports (instances), deliveries go to them in turn. `failures` counts non-200 answers and
 * transport errors (the deliveries in `failed`, counted by status or error code in `errors`).
 */
export async function fire(port: number | number[], items: Delivery[], concurrency: number): Promise<FireResult> {
  const ports = Array.isArray(port) ? port : [port];
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const failed: Delivery[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        const item = items[index];
        const t0 = performance.now();
        // A reset or refused connection is a failed delivery (Shopify would retry it), not the end of the run.
        const status = await send(ports[index % ports.length], item, randomUUID()).catch((error: NodeJS.ErrnoException) => {
          errors.set(error.code ?? error.message, (errors.get(error.code ?? error.message) ?? 0) + 1);
          return 0;
        });
        latencies.push(performance.now() - t0);
        if (status !== 200) failed.push(item);
        if (status !== 200 && status !== 0) errors.set(`HTTP ${status}`, (errors.get(`HTTP ${status}`) ?? 0) + 1);
      }
    }),
  );
  return { latencies, failures: failed.length, failed, errors: Object.fromEntries(errors), ms: performance.now() - started };
}

/**
 * Open loop: delivery i is sent at `started + i / rate` whatever the server's answers so far (a late
 * server does not slow the load down, as Shopify's deliveries do not wait either). Each latency is
 * measured from the delivery's scheduled time, so time spent waiting for a free socket or behind a
 * stalled generator counts against the server (no coordinated omission).
 */
export async function firePaced(port: number, items: Delivery[], rate: number): Promise<FireResult> {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const failed: Delivery[] = [];
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < items.length; index++) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const item = items[index];
    inFlight.push(send(port, item, randomUUID()).catch((error: NodeJS.ErrnoException) => {
      errors.set(error.code ?? error.message, (errors.get(error.code ?? error.message) ?? 0) + 1);
      return 0;
    }).then((status) => {
      latencies.push(performance.now() - due);
      if (status !== 200) failed.push(item);
      if (status !== 200 && status !== 0) errors.set(`HTTP ${status}`, (errors.get(`HTTP ${status}`) ?? 0) + 1);
    }));
  }
  await Promise.all(inFlight);
  return { latencies, failures: failed.length, failed, errors: Object.fromEntries(errors), ms: performance.now() - started };
}

export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export async function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

/** What the deliveries left in the database at `url`: orders, webhook receipts, margin jobs by status. */
export async function storedCounts(url: string): Promise<{ stored: number; receipts: number; queue: { status: string; count: number }[] }> {
  process.env.DATABASE_URL ??= url; // the module's default client needs one; this bench uses its own
  const { createDb } = await import("~/db.server");
  const db = createDb(url);
  try {
    const stored = await db.order.count({ where: { shopId: SHOP } });
    const receipts = await db.webhookReceipt.count({ where: { shopId: SHOP } });
    const queue = await db.job.groupBy({ by: ["status"], where: { shopId: SHOP }, _count: true });
    return { stored, receipts, queue: queue.map((row) => ({ status: row.status, count: row._count })) };
  } finally {
    await db.$disconnect();
  }
}

const fmt = (n: number) => n.toFixed(1);
const latencyLine = (sorted: number[]) =>
  `latency p50 ${fmt(quantile(sorted, 0.5))} ms, p95 ${fmt(quantile(sorted, 0.95))} ms, p99 ${fmt(quantile(sorted, 0.99))} ms, max ${fmt(sorted[sorted.length - 1])} ms`;

/**
 * One run: a fresh database, the server (and a worker process in the "separate" layout), then two
 * measured phases on it:
 * 1. the target rate, open loop (firePaced at RATE orders/s): the latency a shop sending 300 orders/s
 *    sees, queueing behind any stall included;
 * 2. capacity, closed loop (CONCURRENCY in flight): the most orders/s the layout sustains; its latency
 *    is mostly the queue of 16 requests and is printed for reference.
 * Met when the capacity is >= 300 orders/s, the paced phase's p99 < 100 ms (and it kept the pace), and
 * every delivery of both phases was stored.
 */
async function runLayout(items: Delivery[], worker: Layout): Promise<boolean> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "webhook-bench-"));
  const url = `file:${path.join(dir, "bench.sqlite")}`;
  let server: ChildProcess | null = null;
  let workerProcess: ChildProcess | null = null;
  try {
    migrate(ROOT, url);
    const port = await freePort();
    server = await startAppServer(port, url, worker);
    if (worker === "separate") workerProcess = await startWorkerProcess(port, url);

    const warm = await fire(port, items.slice(0, WARMUP), CONCURRENCY);
    const steal = measureSteal();
    const pacedItems = items.slice(WARMUP, WARMUP + ORDERS);
    const paced: FireResult = await firePaced(port, pacedItems, RATE);
    const capacity: FireResult = await fire(port, items.slice(WARMUP + ORDERS), CONCURRENCY);
    const stolen = steal();
    const pacedSorted = [...paced.latencies].sort((a, b) => a - b);
    const capacitySorted = [...capacity.latencies].sort((a, b) => a - b);
    const rate = ORDERS / (capacity.ms / 1000);
    const p99 = quantile(pacedSorted, 0.99);
    // The paced phase kept the pace when its last answer came within a second of its last send.
    const kept = paced.ms <= ((ORDERS - 1) * 1000) / RATE + 1000;

    // Let the worker settle, then check what was stored.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { stored, receipts, queue } = await storedCounts(url);
    const expected = items.filter((item) => !item.test).length;
    const sent = items.length;
    const failures = warm.failures + paced.failures + capacity.failures;

    const layout = {
      "in-process": "one process, worker in a thread of it (the default)",
      separate: "web process (JOB_WORKER=off) + a worker process",
      "web-only": "web process alone (JOB_WORKER=off, margin jobs left queued)",
    }[worker];
    console.log(`  ${layout}:`);
    console.log(`    at ${RATE} orders/s offered (${ORDERS} over ${(paced.ms / 1000).toFixed(2)} s, open loop):   ${latencyLine(pacedSorted)}`);
    console.log(`    capacity ${Math.round(rate)} orders/s (${ORDERS} in ${(capacity.ms / 1000).toFixed(2)} s, ${CONCURRENCY} in flight):   ${latencyLine(capacitySorted)}`);
    console.log(`    stored: ${stored} orders of ${expected} non-test orders sent, ${receipts} receipts of ${sent} deliveries, ` +
      `${failures} non-200 answers; margin jobs ${queue.map((row) => `${row.status} ${row.count}`).join(", ") || "none"}`);
    console.log(`    during both phases: ${stolen}`);
    if (failures) {
      const errors = [warm, paced, capacity].flatMap((phase) => Object.entries(phase.errors));
      console.log(`    failed deliveries: ${errors.map(([kind, count]) => `${kind} x${count}`).join(", ")}`);
    }
    const ok = rate >= 300 && kept && p99 < 100 && stored === expected && receipts === sent && failures === 0;
    console.log(`    target >= 300 orders/s, p99 < 100 ms at 300 orders/s, nothing lost: ${ok ? "OK" : "NOT MET"}`);
    return ok;
  } finally {
    await stop(workerProcess);
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  if (APP_DIR === ROOT) buildIfStale(ROOT, () => console.log("  building the app (remix vite:build)..."));
  const items = await deliveries(WARMUP + 2 * ORDERS);
  console.log(`  signed orders/create deliveries over loopback, SQLite (WAL): ${WARMUP} warm-up, then ${ORDERS} at ${RATE}/s, then ${ORDERS} with ${CONCURRENCY} in flight`);
  const layouts = (process.env.WEBHOOK_BENCH_LAYOUTS || "in-process,separate,web-only").split(",") as Layout[];
  for (const layout of layouts) await runLayout(items, layout);
}
