/**
 * Analytics: a full recompute (load + compute + write the snapshots) and each page's data read, on
 * 1,000,000 orders from 250,000 customers (deterministic; ~10% refunded, ~2% cancelled, ~5% guest,
 * 24 months). Rows are written straight into a temporary SQLite file (bench/seed/analytics.ts, shared
 * with the providers benchmark) for speed; that seeding is not timed. Targets: recompute < 10 s; each page's loader
 * data (what the route loader calls after authentication) < 200 ms at p95 over 30 calls. The recompute
 * runs as the app runs it, in a thread with the job thread's resource limits (bench/refresh.thread.ts);
 * the pages are read on this thread, as a web thread reads them.
 *
 * ANALYTICS_BENCH_ORDERS=200000 npm run bench -- analytics   runs a smaller store.
 * ANALYTICS_BENCH_KEEP=1   keeps the seeded store in .data/bench/analytics-<orders>-<schema hash>.sqlite and
 *                          reuses it on the next run (seeding 1M orders takes ~2 minutes).
 * ANALYTICS_DIRECT_SQLITE=off   reads through Prisma's portable path instead of the direct SQLite one.
 *
 * Peak RSS is sampled every 50 ms during the recompute.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RefreshResult } from "~/analytics/snapshot.server";
import type { RefreshThreadData } from "./refresh.thread";
import { SHOP, seedSqlite } from "./seed/analytics";
import { measureSteal } from "./steal";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export { SHOP };

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** A hash of the migrations, so a kept store is reseeded when the schema changes. */
function schemaHash(): string {
  const dir = path.join(ROOT, "prisma/migrations");
  const hash = createHash("sha256");
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 10);
}

function migrate(url: string) {
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe",
  });
}

/**
 * A migrated, seeded store at `file` (a copy of the kept one with ANALYTICS_BENCH_KEEP=1). Shared with
 * the margins benchmark's large run.
 */
export async function prepareStore(file: string, orders: number, customers: number): Promise<{ seedMs: number }> {
  const kept = process.env.ANALYTICS_BENCH_KEEP ? path.join(ROOT, ".data/bench", `analytics-${orders}-${schemaHash()}.sqlite`) : null;
  if (kept && existsSync(kept)) {
    copyFileSync(kept, file);
    console.log(`  reusing the seeded store ${path.relative(ROOT, kept)}`);
    return { seedMs: 0 };
  }
  migrate(`file:${file}`);
  const seedStart = performance.now();
  await seedSqlite(file, orders, customers);
  const seedMs = performance.now() - seedStart;
  console.log(`  seeded ${orders.toLocaleString("en-US")} orders / ${customers.toLocaleString("en-US")} customers in ${(seedMs / 1000).toFixed(1)} s (not timed)`);
  if (kept) {
    mkdirSync(path.dirname(kept), { recursive: true });
    copyFileSync(file, kept);
  }
  return { seedMs };
}

/** Environment the analytics modules need when imported outside the app (placeholders suffice offline). */
export function analyticsEnv(url: string): void {
  process.env.DATABASE_URL = url;
  process.env.JOB_WORKER = "off";
  // The Overview and Customers loaders' modules load the app's Shopify configuration.
  process.env.SHOPIFY_APP_URL ??= "http://localhost:3999";
  process.env.SHOPIFY_API_KEY ??= "bench-key";
  process.env.SHOPIFY_API_SECRET ??= "bench-secret";
  process.env.LOG_LEVEL ??= "silent";
}

export interface LoaderFigures {
  name: string;
  p50: number;
  p95: number;
  max: number;
}

export interface AnalyticsFigures {
  recompute: RefreshResult;
  recomputeCpuSeconds: number;
  recomputePeakRss: number;
  loaders: LoaderFigures[];
  /** A filter whose table the refresh stored (channel=pos): one read. */
  precomputedFilterMs: number;
  /** A stored tag filter (tag=vip). */
  storedTagMs: number;
  /**
   * A combined filter, computed on request (channel=pos and tag=vip): first request (this thread reads and
   * decodes the stored cohort base first, as a web thread does: the refresh ran in a thread of its own), then cached.
   */
  filteredFirstMs: number;
  /** Another combination's first request after the decoded base is dropped: a second sample of the cold path. */
  otherProcessFirstMs: number;
  filteredAgainMs: number;
  /** First requests of COMBINED_FILTERS distinct combinations (each tabulated from the stored cohort base). */
  combined: LoaderFigures;
}

/** Channels x countries x discount-code presence of the seeded store: distinct combined filters. */
const COMBINED_FILTERS = ["web", "pos", "instagram"].flatMap((channel) => ["US", "CA", "GB", "DE", "AU"].flatMap((country) =>
  (["any", "none"] as const).map((discountCode) => ({ channel, country, discountCode }))));

export const LOADER_CALLS = 30;

/**
 * A full recompute (refreshAnalytics) as the app runs one: in a worker thread with the job thread's
 * resource limits (bench/refresh.thread.ts). Its time is the refresh's own (RefreshResult.ms), without
 * the thread's start.
 */
async function refreshInJobThread(data: RefreshThreadData): Promise<RefreshResult> {
  const { workerScript } = await import("~/lib/worker-threads.server");
  const { JOB_THREAD_RESOURCE_LIMITS } = await import("~/queue/worker.server");
  const script = workerScript(new URL("./refresh.thread.ts", import.meta.url), "bench-refresh");
  if (!script) throw new Error("bench/refresh.thread.ts is missing");
  const thread = script.start({ workerData: data, resourceLimits: JOB_THREAD_RESOURCE_LIMITS });
  try {
    const answer = await new Promise<RefreshResult | { error: string }>((resolve, reject) => {
      thread.once("message", resolve);
      thread.once("error", reject);
      thread.once("exit", (code) => reject(new Error(`The refresh thread stopped (exit code ${code}) before answering`)));
    });
    if ("error" in answer) throw new Error(`The refresh failed in its thread: ${answer.error}`);
    return answer;
  } finally {
    await thread.terminate();
  }
}

/**
 * Times a full recompute of the seeded store at `url` (in a thread configured as the app's job thread), then each page's loader data over
 * LOADER_CALLS calls, two filtered cohorts views the refresh stored (a channel, a tag), a combined
 * filter tabulated on request from the stored cohort base (first, then cached), and the first requests
 * of COMBINED_FILTERS other combinations.
 * Call `analyticsEnv(url)` before: the app's modules read DATABASE_URL when imported.
 */
export async function measureAnalytics(url: string): Promise<AnalyticsFigures> {
  const { createDb } = await import("~/db.server");
  const db = createDb(url);
  try {
    const { getCohortsView } = await import("~/analytics/cohorts.server");
    const { forgetDecodedCohortBase } = await import("~/analytics/cohort-base.server");
    const { getSegmentsView } = await import("~/analytics/segments.server");
    const { getLtvCacView } = await import("~/analytics/ltv-cac.server");
    const { getOverview } = await import("~/analytics/overview.server");
    const { latestCoverage } = await import("~/costs/hub.server");
    const { flaggedCustomers } = await import("~/customers/flagged.server");
    const { getShop } = await import("~/shops/shops.server");
    const shop = (await getShop(db, SHOP))!;
    const asOf = new Date(Date.UTC(2026, 8, 15));
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const cpu = process.cpuUsage();
    const recompute = await refreshInJobThread({ url, shopId: SHOP, asOfMs: asOf.getTime() });
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    // The data each page's loader fetches after authentication (see the routes' loaders).
    const pages: [string, () => Promise<unknown>][] = [
      ["cohorts", () => getCohortsView(db, shop, {})],
      ["segments", () => getSegmentsView(db, SHOP)],
      ["ltv-cac", () => getLtvCacView(db, SHOP, 12)],
      ["overview", () => Promise.all([getOverview(db, shop), latestCoverage(db, SHOP)])],
      // As the Customers page loads it: the counts and one page of the longest list.
      ["customers list", async () => {
        const flagged = await flaggedCustomers(db, shop);
        const longest = Object.entries(flagged.counts).sort((a, b) => b[1] - a[1])[0][0] as keyof typeof flagged.counts;
        return flagged.rows(longest, 0, 50);
      }],
    ];
    const loaders: LoaderFigures[] = [];
    for (const [name, load] of pages) {
      const samples: number[] = [];
      for (let i = 0; i < LOADER_CALLS; i++) {
        const t = performance.now();
        await load();
        samples.push(performance.now() - t);
      }
      loaders.push({ name, p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), max: quantile(samples, 1) });
    }
    const precomputedStart = performance.now();
    await getCohortsView(db, shop, { channel: "pos" });
    const precomputedFilterMs = performance.now() - precomputedStart;
    const tagStart = performance.now();
    await getCohortsView(db, shop, { tag: "vip" });
    const storedTagMs = performance.now() - tagStart;
    const filteredStart = performance.now();
    await getCohortsView(db, shop, { channel: "pos", tag: "vip" });
    const filteredFirstMs = performance.now() - filteredStart;
    const again = performance.now();
    await getCohortsView(db, shop, { channel: "pos", tag: "vip" });
    const filteredAgainMs = performance.now() - again;
    // The cold path again: the row read and decoded first.
    forgetDecodedCohortBase();
    const coldStart = performance.now();
    await getCohortsView(db, shop, { channel: "web", tag: "vip" });
    const otherProcessFirstMs = performance.now() - coldStart;
    const firsts: number[] = [];
    for (const filters of COMBINED_FILTERS) {
      const t = performance.now();
      await getCohortsView(db, shop, filters);
      firsts.push(performance.now() - t);
    }
    const combined = { name: "combined filters' first requests", p50: quantile(firsts, 0.5), p95: quantile(firsts, 0.95), max: quantile(firsts, 1) };
    return {
      recompute, recomputeCpuSeconds: (used.user + used.system) / 1e6, recomputePeakRss: peakRss, loaders, precomputedFilterMs, storedTagMs, filteredFirstMs, filteredAgainMs, otherProcessFirstMs,
      combined,
    };
  } finally {
    await db.$disconnect();
  }
}

export default async function run(): Promise<void> {
  const orders = Number(process.env.ANALYTICS_BENCH_ORDERS || 1_000_000);
  const customers = Math.round(orders / 4);
  const dir = mkdtempSync(path.join(os.tmpdir(), "analytics-bench-"));
  const file = path.join(dir, "bench.sqlite");
  const url = `file:${file}`;
  const previousUrl = process.env.DATABASE_URL;
  try {
    await prepareStore(file, orders, customers);
    analyticsEnv(url);
    const steal = measureSteal();
    const figures = await measureAnalytics(url);
    const stolen = steal();
    const result = figures.recompute;
    const verdict = (ms: number, target: number) => (ms < target ? `(target < ${target} ms) OK` : `(target < ${target} ms) OVER TARGET`);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`  full recompute: ${s(result.ms)} wall / ${figures.recomputeCpuSeconds.toFixed(2)} s cpu, peak RSS ${Math.round(figures.recomputePeakRss / 2 ** 20)} MiB ` +
      `${verdict(result.ms, 10_000)}\n    load ${s(result.loadMs)} via ${result.readPath} (${Object.entries(result.loadParts).map(([k, v]) => `${k} ${s(v)}`).join(", ")}), ` +
      `compute ${s(result.computeMs)} on the ${result.computeThread === "worker" ? "worker" : "main"} thread (${Object.entries(result.computeParts).map(([k, v]) => `${k} ${s(v)}`).join(", ")})` +
      `${result.workerParts ? ` with in the order-scan worker ${Object.entries(result.workerParts).map(([k, v]) => `${k} ${s(v)}`).join(", ")}` : ""}, ` +
      `write ${s(result.writeMs)}; ${result.events.toLocaleString("en-US")} events, ${result.customers.toLocaleString("en-US")} customers`);
    for (const loader of figures.loaders) {
      console.log(`  ${loader.name} loader data: p50 ${loader.p50.toFixed(1)} ms, p95 ${loader.p95.toFixed(1)} ms, ` +
        `max ${loader.max.toFixed(1)} ms over ${LOADER_CALLS} calls ${verdict(loader.p95, 200)}`);
    }
    console.log(`  filtered cohorts: stored by the refresh: channel=pos ${figures.precomputedFilterMs.toFixed(1)} ms, tag=vip ${figures.storedTagMs.toFixed(1)} ms; ` +
      `channel=pos and tag=vip (combinations are tabulated on request from the stored cohort base, which this thread reads and decodes on the first) first request ${figures.filteredFirstMs.toFixed(1)} ms ${verdict(figures.filteredFirstMs, 200)}, then ${figures.filteredAgainMs.toFixed(1)} ms; ` +
      `channel=web and tag=vip with the decoded base dropped, first request ${figures.otherProcessFirstMs.toFixed(1)} ms ${verdict(figures.otherProcessFirstMs, 200)}`);
    const { combined } = figures;
    console.log(`  combined filters, first request each, one after another (${COMBINED_FILTERS.length} channel x country x code combinations; the process keeps the decoded base): p50 ${combined.p50.toFixed(1)} ms, ` +
      `p95 ${combined.p95.toFixed(1)} ms, max ${combined.max.toFixed(1)} ms ${verdict(combined.p95, 200)}`);
    console.log(`  load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; during the measurements ${stolen}`);
  } finally {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    rmSync(dir, { recursive: true, force: true });
  }
}
