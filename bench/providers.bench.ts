/**
 * SQLite beside PostgreSQL, in one run on this machine, with the same generated inputs for both:
 *
 * 1. Bulk ingest: the bulk-ingest benchmark's JSONL fixture (.data/bench/bulk-<orders>.jsonl, from the
 *    demo generator) through the backfill's streaming path; SQLite with its own ledger writer,
 *    PostgreSQL with the portable one (Prisma raw SQL). Seconds, orders/s, CPU, peak RSS.
 * 2. Full recompute (`refreshAnalytics`) and the page loaders' data (p50/p95 over 30 calls) on the
 *    analytics benchmark's store (bench/seed/analytics.ts, seeded straight into each database, not timed).
 * 3. Webhook throughput with two app instances (the production build's server.mjs, each with its job
 *    worker) on one database, the deliveries sent to them in turn: orders/s, latency, stored vs sent.
 *
 * Each phase gets a fresh database migrated with `prisma migrate deploy` (a temporary SQLite file, or a
 * new database on the PostgreSQL server) and runs in a child process with DATABASE_URL set
 * (bench/providers/<phase>.ts), since the app's modules read it at import; the phases alternate between
 * the providers so both see the same machine. Prints one table: figures by row, SQLite | PostgreSQL.
 *
 * PostgreSQL: a throwaway server from scripts/pg/start.sh with fsync and synchronous commit on
 * (PG_DURABLE=1, as SQLite's synchronous=FULL), stopped at the end; PG_BENCH_URL=<admin URL> uses an
 * existing server instead (the bench creates and drops its own databases there).
 *
 * PROVIDERS_BENCH_ORDERS    orders in the bulk-ingest file and in the analytics store (default 1,000,000;
 *                           the store has a quarter as many customers)
 * PROVIDERS_BENCH_WEBHOOKS  measured webhook deliveries (default 6000, plus a tenth, at most 500, warm-up)
 * PROVIDERS_BENCH_CONCURRENCY  deliveries in flight across both instances (default 16)
 * PROVIDERS_BENCH_PHASES    comma-separated subset of ingest,analytics,webhooks (default all)
 * PROVIDERS_BENCH_ONLY      sqlite or postgresql: one column only (for checking a phase)
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { buildIfStale, migrate } from "../scripts/app-build";
import { ensureFixture, type IngestFigures } from "./bulk-ingest.bench";
import type { AnalyticsFigures } from "./analytics.bench";
import type { AnalyticsArgs } from "./providers/analytics";
import { RESULT_MARK } from "./providers/child";
import type { IngestArgs } from "./providers/ingest";
import type { WebhooksArgs } from "./providers/webhooks";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const ALL_PROVIDERS = ["sqlite", "postgresql"] as const;
type Provider = (typeof ALL_PROVIDERS)[number];
const PROVIDERS = ALL_PROVIDERS.filter((p) => (process.env.PROVIDERS_BENCH_ONLY ?? p) === p);
type Phase = "ingest" | "analytics" | "webhooks";

type WebhookFigures = {
  instances: number; ordersPerSecond: number; seconds: number; p50: number; p95: number; p99: number; max: number;
  failures: number; transportErrors: Record<string, number>; sent: number; expected: number; acknowledged: number; stored: number; receipts: number; queue: { status: string; count: number }[];
};
type Done<F> = { figures: F; wallSeconds: number; serverCpuSeconds: number | null };
type PhaseResult<F> = Done<F> | { error: string; wallSeconds: number };

/** A PostgreSQL server: the admin URL, and the postmaster's pid when this run started it (for its CPU time). */
interface Server {
  url: string;
  postmasterPid: number | null;
  dir: string | null;
}

function startPostgres(): Server {
  if (process.env.PG_BENCH_URL) return { url: process.env.PG_BENCH_URL, postmasterPid: null, dir: null };
  const out = execFileSync("bash", [path.join(ROOT, "scripts/pg/start.sh")], {
    cwd: ROOT, env: { ...process.env, PG_DURABLE: "1" }, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"],
  });
  const dir = out.trim().split("\n").pop()!;
  const url = readFileSync(path.join(dir, "url"), "utf8").trim();
  const postmasterPid = Number(readFileSync(path.join(dir, "data/postmaster.pid"), "utf8").split("\n")[0]);
  return { url, postmasterPid, dir };
}

/**
 * CPU seconds of the postmaster and the backends it has reaped (utime, stime, cutime, cstime in
 * /proc/<pid>/stat): a phase's difference is the server-side work of its connections, which SQLite
 * does inside the benchmark's own process. Null when the server is not ours.
 */
function serverCpuSeconds(server: Server): number | null {
  if (!server.postmasterPid) return null;
  try {
    const stat = readFileSync(`/proc/${server.postmasterPid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14-17 of stat; after "pid (comm) " the list starts at field 3.
    const ticks = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

async function adminQuery(server: Server, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one phase; `drop` removes it. */
async function freshDatabase(provider: Provider, phase: Phase, server: Server | null): Promise<{ url: string; drop: () => Promise<void> }> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), `providers-bench-${phase}-`));
    const url = `file:${path.join(dir, "bench.sqlite")}`;
    migrate(ROOT, url);
    return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  // Generated here, never user input: safe to quote into DDL.
  const name = `providers_bench_${phase}_${randomBytes(4).toString("hex")}`;
  await adminQuery(server!, `CREATE DATABASE "${name}"`);
  const url = new URL(server!.url);
  url.pathname = `/${name}`;
  migrate(ROOT, url.toString());
  return { url: url.toString(), drop: () => adminQuery(server!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Runs bench/providers/<phase>.ts on `url`; resolves with the figures it printed. */
function runChild<F>(phase: Phase, url: string, args: object): Promise<F> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/providers", `${phase}.ts`), JSON.stringify(args)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let figures: F | undefined;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith(RESULT_MARK)) figures = JSON.parse(line.slice(RESULT_MARK.length)) as F;
      else console.log(`    ${line.trim()}`);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0 && figures) resolve(figures);
      else reject(new Error(`bench/providers/${phase}.ts exited with ${code}${figures ? "" : " without figures"}`));
    });
  });
}

async function runPhase<F>(phase: Phase, provider: Provider, server: Server | null, args: object): Promise<PhaseResult<F>> {
  console.log(`  ${phase} on ${provider}...`);
  const started = performance.now();
  let database: Awaited<ReturnType<typeof freshDatabase>> | null = null;
  try {
    database = await freshDatabase(provider, phase, server);
    const cpuBefore = provider === "postgresql" && server ? serverCpuSeconds(server) : null;
    const figures = await runChild<F>(phase, database.url, args);
    const cpuAfter = provider === "postgresql" && server ? serverCpuSeconds(server) : null;
    const serverCpu = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
    return { figures, wallSeconds: (performance.now() - started) / 1000, serverCpuSeconds: serverCpu };
  } catch (error) {
    console.error(`  ${phase} on ${provider} failed:`, error);
    return { error: error instanceof Error ? error.message : String(error), wallSeconds: (performance.now() - started) / 1000 };
  } finally {
    await database?.drop().catch((error: unknown) => console.error(`  could not drop the ${phase} database:`, error));
  }
}

const n = (value: number, digits = 0) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes: number) => `${n(bytes / 2 ** 20)} MiB`;

type Row = [string, string, string] | [string];

/** One row from each provider's figures; a failed phase shows its error in its column. */
function rowsOf<F>(results: Record<Provider, PhaseResult<F> | undefined>, lines: [string, (figures: F, result: Done<F>) => string][]): Row[] {
  const cell = (provider: Provider, format: (figures: F, result: Done<F>) => string) => {
    const result = results[provider];
    if (!result) return "-";
    if ("error" in result) return "failed";
    return format(result.figures, result);
  };
  return lines.map(([label, format]) => [label, cell("sqlite", format), cell("postgresql", format)]);
}

function printTable(rows: Row[]): void {
  const figureRows = rows.filter((row): row is [string, string, string] => row.length === 3);
  const widths = [0, 1, 2].map((i) => Math.max(...figureRows.map((row) => row[i].length), ["", "SQLite", "PostgreSQL"][i].length));
  const line = (cells: string[]) => `  ${cells[0].padEnd(widths[0])} | ${cells[1].padStart(widths[1])} | ${cells[2].padStart(widths[2])}`;
  console.log(line(["", "SQLite", "PostgreSQL"]));
  console.log(`  ${"-".repeat(widths[0])}-+-${"-".repeat(widths[1])}-+-${"-".repeat(widths[2])}`);
  for (const row of rows) console.log(row.length === 1 ? `  ${row[0]}` : line(row));
}

export default async function run(): Promise<void> {
  const orders = Number(process.env.PROVIDERS_BENCH_ORDERS || 1_000_000);
  const customers = Math.round(orders / 4);
  const webhooks = Number(process.env.PROVIDERS_BENCH_WEBHOOKS || 6000);
  const warmup = Math.min(500, Math.floor(webhooks / 10));
  const concurrency = Number(process.env.PROVIDERS_BENCH_CONCURRENCY || 16);
  const phases = new Set((process.env.PROVIDERS_BENCH_PHASES || "ingest,analytics,webhooks").split(",") as Phase[]);
  const started = performance.now();
  const loadBefore = os.loadavg();

  if (phases.has("webhooks")) buildIfStale(ROOT, () => console.log("  building the app (remix vite:build)..."));
  const fixture = phases.has("ingest") ? await ensureFixture(orders) : null;
  const server = PROVIDERS.includes("postgresql") ? startPostgres() : null;
  if (server) console.log(`  PostgreSQL: ${server.dir ? `throwaway server in ${server.dir} (fsync and synchronous_commit on)` : "the server at PG_BENCH_URL"}`);
  const ingest: Record<Provider, PhaseResult<IngestFigures> | undefined> = { sqlite: undefined, postgresql: undefined };
  const analytics: Record<Provider, PhaseResult<AnalyticsFigures & { seedSeconds: number }> | undefined> = { sqlite: undefined, postgresql: undefined };
  const hooks: Record<Provider, PhaseResult<WebhookFigures> | undefined> = { sqlite: undefined, postgresql: undefined };
  try {
    for (const provider of PROVIDERS) {
      if (!fixture) break;
      const args: IngestArgs = { file: fixture, writer: provider === "sqlite" ? "sqlite" : "portable", batchSize: 2000 };
      ingest[provider] = await runPhase<IngestFigures>("ingest", provider, server, args);
    }
    for (const provider of PROVIDERS) {
      if (!phases.has("analytics")) break;
      const args: AnalyticsArgs = { orders, customers };
      analytics[provider] = await runPhase("analytics", provider, server, args);
    }
    for (const provider of PROVIDERS) {
      if (!phases.has("webhooks")) break;
      const args: WebhooksArgs = { orders: webhooks, warmup, concurrency, instances: 2 };
      hooks[provider] = await runPhase("webhooks", provider, server, args);
    }
  } finally {
    if (server?.dir) execFileSync("bash", [path.join(ROOT, "scripts/pg/stop.sh"), server.dir], { cwd: ROOT, stdio: "inherit" });
  }

  const serverCpu = <F>(result: Done<F>) => (result.serverCpuSeconds === null ? "-" : `${n(result.serverCpuSeconds, 1)} s`);
  const rows: Row[] = [];
  if (fixture) {
    rows.push([`Bulk ingest: ${n(orders)} orders, ${(statSync(fixture).size / 1e9).toFixed(2)} GB JSONL, batches of 2000, mapping in a worker thread`]);
    rows.push(["  ledger writer", "sqlite", "portable (Prisma raw SQL)"]);
    rows.push(...rowsOf(ingest, [
      ["  elapsed", (f) => `${n(f.seconds, 1)} s`],
      ["  throughput", (f) => `${n(f.counts.orders / f.seconds)} orders/s`],
      ["  CPU, bench process (all threads)", (f) => `${n(f.cpuSeconds, 1)} s`],
      ["  CPU, PostgreSQL backends", (_f, r) => serverCpu(r)],
      ["  time in ingestOrders", (f) => `${n(f.writeMs / 1000, 1)} s (${n((100 * f.writeMs) / (f.seconds * 1000))} %)`],
      ["  peak RSS sampled / maxRSS", (f) => `${mib(f.peakRss)} / ${mib(f.maxRss)}`],
      ["  orders / refunds stored", (f) => `${n(f.stored)} / ${n(f.storedRefunds)}`],
    ]));
  }
  if (phases.has("analytics")) {
    const loaderNames = [...new Set(PROVIDERS.flatMap((p) => {
      const result = analytics[p];
      return result && "figures" in result ? result.figures.loaders.map((loader) => loader.name) : [];
    }))];
    rows.push([`Analytics store: ${n(orders)} orders, ${n(customers)} customers (seeded directly, not timed)`]);
    rows.push(...rowsOf(analytics, [
      ["  seeding (not timed)", (f) => `${n(f.seedSeconds, 1)} s`],
      ["  full recompute", (f) => `${n(f.recompute.ms / 1000, 2)} s`],
      ["    load / compute / write", (f) => `${n(f.recompute.loadMs / 1000, 2)} / ${n(f.recompute.computeMs / 1000, 2)} / ${n(f.recompute.writeMs / 1000, 2)} s`],
      ["    read path", (f) => f.recompute.readPath],
      ["    CPU, bench process", (f) => `${n(f.recomputeCpuSeconds, 2)} s`],
      ["    peak RSS", (f) => mib(f.recomputePeakRss)],
      ["    events / customers", (f) => `${n(f.recompute.events)} / ${n(f.recompute.customers)}`],
      ...loaderNames.map((name): [string, (f: AnalyticsFigures) => string] => [`  ${name} loader p50 / p95`, (f) => {
        const loader = f.loaders.find((l) => l.name === name);
        return loader ? `${n(loader.p50, 1)} / ${n(loader.p95, 1)} ms` : "-";
      }]),
      ["  filtered cohorts: stored by the refresh (channel=pos)", (f) => `${n(f.precomputedFilterMs, 1)} ms`],
      ["  filtered cohorts: stored by the refresh (tag=vip)", (f) => `${n(f.storedTagMs, 1)} ms`],
      ["  filtered cohorts on request (channel=pos and tag=vip): first / cached", (f) => `${n(f.filteredFirstMs)} / ${n(f.filteredAgainMs, 1)} ms`],
      ["  CPU, PostgreSQL backends (seed + all)", (_f, r) => serverCpu(r)],
    ]));
  }
  if (phases.has("webhooks")) {
    rows.push([`Webhooks: 2 instances (server.mjs + in-process worker) on one database, ${n(webhooks)} orders/create (+${warmup} warm-up), ${concurrency} in flight`]);
    rows.push(...rowsOf(hooks, [
      ["  sustained throughput", (f) => `${n(f.ordersPerSecond)} orders/s`],
      ["  latency p50 / p95 / p99", (f) => `${n(f.p50, 1)} / ${n(f.p95, 1)} / ${n(f.p99, 1)} ms`],
      ["  latency max", (f) => `${n(f.max, 1)} ms`],
      ["  orders stored / non-test sent", (f) => `${n(f.stored)} / ${n(f.expected)}`],
      ["  receipts / deliveries, non-200", (f) => `${n(f.receipts)} / ${n(f.sent)}, ${n(f.failures)}`],
      ["  unanswered deliveries by cause", (f) => Object.entries(f.transportErrors).map(([cause, count]) => `${cause} ${n(count)}`).join(", ") || "none"],
      ["  lost (answered 200, not stored)", (f) => n(Math.max(0, f.acknowledged - f.stored))],
      ["  margin jobs", (f) => f.queue.map((row) => `${row.status} ${n(row.count)}`).join(", ") || "none"],
      ["  CPU, PostgreSQL backends", (_f, r) => serverCpu(r)],
    ]));
    rows.push(["  (SQLite: two processes on one database file, each taking the file's write lock in turn; PostgreSQL: two instances on one server)"]);
  }
  const results = [...Object.values(ingest), ...Object.values(analytics), ...Object.values(hooks)];
  rows.push(["Phase wall time incl. database setup and seeding"]);
  rows.push(...rowsOf(ingest, [["  ingest", (_f, r) => `${n(r.wallSeconds)} s`]]));
  rows.push(...rowsOf(analytics, [["  analytics", (_f, r) => `${n(r.wallSeconds)} s`]]));
  rows.push(...rowsOf(hooks, [["  webhooks", (_f, r) => `${n(r.wallSeconds)} s`]]));

  console.log("");
  printTable(rows);
  const cpus = os.cpus();
  console.log(`\n  machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
    `load average at the start ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, at the end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; ` +
    `whole run ${n((performance.now() - started) / 1000)} s`);
  const failed = results.filter((result) => result && "error" in result);
  if (failed.length > 0) throw new Error(`${failed.length} phase(s) failed: ${failed.map((result) => (result as { error: string }).error).join("; ")}`);
}
