/**
 * Analytics: a full recompute (load + compute + write the snapshots) and each page's data read, on
 * 1,000,000 orders from 250,000 customers (deterministic; ~10% refunded, ~2% cancelled, ~5% guest,
 * 24 months). Rows are written straight into a temporary SQLite file (better-sqlite3, one
 * transaction) for speed; that seeding is not timed. Targets: recompute < 10 s; each page's loader
 * data (what the route loader calls after authentication) < 200 ms at p95 over 30 calls.
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

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const SHOP = "bench-analytics.myshopify.com";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seed(file: string, orders: number, customers: number) {
  const { SqliteDatabase } = await import("~/lib/sqlite-library.server");
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const iso = (ms: number) => new Date(ms).toISOString().replace(/Z$/, "+00:00");
  const now = iso(Date.UTC(2026, 8, 15));
  sqlite.prepare(`INSERT INTO "Shop" ("id", "currency", "currencyDigits", "ianaTimezone", "isDemo", "installedAt") VALUES (?, 'USD', 2, 'America/New_York', 0, ?)`).run(SHOP, now);
  const order = sqlite.prepare(`INSERT INTO "Order" ("shopId", "id", "name", "customerId", "customerTags", "createdAt", "processedAt", "sourceUpdatedAt",
    "cancelledAt", "currency", "sourceName", "countryCode", "financialStatus", "taxesIncluded", "gateways", "tags", "discountCodes", "grossSales", "discounts",
    "netSales", "shippingCharged", "taxes", "duties", "tips", "giftCardsSold", "totalPrice", "itemCount", "ingestedAt")
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'USD', ?, ?, 'paid', 0, 'shopify_payments', '', ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, 1, ?)`);
  const line = sqlite.prepare(`INSERT INTO "OrderLine" ("shopId", "id", "orderId", "productId", "variantId", "sku", "title", "quantity", "currentQuantity",
    "requiresShipping", "unitPrice", "discount", "tax", "giftCard", "netSales") VALUES (?, ?, ?, ?, ?, NULL, ?, 1, 1, 1, ?, ?, 0, 0, ?)`);
  const refund = sqlite.prepare(`INSERT INTO "Refund" ("shopId", "id", "orderId", "createdAt", "merchandise", "shipping", "adjustments", "taxes", "restockedItems", "returnedItems")
    VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 1)`);
  const event = sqlite.prepare(`INSERT INTO "ValueEvent" ("shopId", "orderId", "seq", "kind", "customerId", "at", "revenue", "grossMargin", "contributionMargin", "countsAsPurchase")
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const spend = sqlite.prepare(`INSERT INTO "MarketingSpend" ("shopId", "month", "channel", "amount", "source", "updatedAt") VALUES (?, ?, ?, ?, 'csv', ?)`);
  const random = rng(42);
  const start = Date.UTC(2024, 8, 1);
  const span = Date.UTC(2026, 8, 14) - start;
  const channels = ["web", "web", "web", "pos", "shopify_draft_order", "instagram"];
  const countries = ["US", "US", "CA", "GB", "DE", "AU"];
  const codes = ["", "", "", "WELCOME10", "SPRING20", "VIP"];
  // Each customer's first-order time; later orders follow it.
  const first = Array.from({ length: customers }, () => start + Math.floor(random() * span * 0.9));
  sqlite.transaction(() => {
    for (let i = 0; i < orders; i++) {
      const guest = random() < 0.05;
      const c = i < customers ? i : Math.floor(random() * customers);
      const at = guest ? start + Math.floor(random() * span) : i < customers ? first[c] : first[c] + Math.floor(random() * (start + span - first[c]));
      const id = `gid://shopify/Order/${1_000_000 + i}`;
      const customerId = guest ? null : `gid://shopify/Customer/${5_000_000 + c}`;
      const cancelled = random() < 0.02;
      const price = 1500 + Math.floor(random() * 12000);
      const code = codes[Math.floor(random() * codes.length)];
      const discount = code ? Math.floor(price / 10) : 0;
      const net = price - discount;
      const product = 1 + Math.floor(random() * 300);
      order.run(SHOP, id, `#${1000 + i}`, customerId, c % 7 === 0 ? "vip" : "", iso(at), iso(at), iso(at), cancelled ? iso(at + 3_600_000) : null,
        channels[c % channels.length], countries[(c * 7) % countries.length], code, price, discount, net, net, iso(at));
      line.run(SHOP, `gid://shopify/LineItem/${1_000_000 + i}`, id, `gid://shopify/Product/${product}`, `gid://shopify/ProductVariant/${product}`, `Product ${product}`, price, discount, net);
      const revenue = cancelled ? 0 : net;
      const gm = cancelled ? 0 : net - Math.floor(price * 0.45);
      const cm = cancelled ? -30 : gm - 900 - Math.floor(net * 0.03);
      event.run(SHOP, id, 0, "order", customerId, iso(at), revenue, gm, cm, cancelled ? 0 : 1);
      if (!cancelled && random() < 0.1) {
        const refundAt = at + Math.floor(random() * 40 * 86_400_000);
        const amount = Math.floor(net / 2);
        refund.run(SHOP, `gid://shopify/Refund/${1_000_000 + i}`, id, iso(refundAt), amount);
        event.run(SHOP, id, 1, "refund", customerId, iso(refundAt), -amount, -amount, -amount - 500, 0);
      }
    }
    for (let m = 0; m < 25; m++) {
      const month = new Date(Date.UTC(2024, 8 + m, 1)).toISOString().slice(0, 7);
      for (const channel of ["web", "pos", "instagram"]) spend.run(SHOP, month, channel, 1_000_000 + Math.floor(random() * 2_000_000), now);
    }
  })();
  sqlite.close();
}

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
  await seed(file, orders, customers);
  const seedMs = performance.now() - seedStart;
  console.log(`  seeded ${orders.toLocaleString("en-US")} orders / ${customers.toLocaleString("en-US")} customers in ${(seedMs / 1000).toFixed(1)} s (not timed)`);
  if (kept) {
    mkdirSync(path.dirname(kept), { recursive: true });
    copyFileSync(file, kept);
  }
  return { seedMs };
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
    process.env.DATABASE_URL = url;
    process.env.JOB_WORKER = "off";
    // The Overview and Customers loaders' modules load the app's Shopify configuration: placeholders suffice offline.
    process.env.SHOPIFY_APP_URL ??= "http://localhost:3999";
    process.env.SHOPIFY_API_KEY ??= "bench-key";
    process.env.SHOPIFY_API_SECRET ??= "bench-secret";
    process.env.LOG_LEVEL ??= "silent";
    const { createDb } = await import("~/db.server");
    const db = createDb(url);
    const { refreshAnalytics } = await import("~/analytics/snapshot.server");
    const { getCohortsView } = await import("~/analytics/cohorts.server");
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
    const result = await refreshAnalytics(db, SHOP, { asOf });
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const verdict = (ms: number, target: number) => (ms < target ? `(target < ${target} ms) OK` : `(target < ${target} ms) OVER TARGET`);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`  full recompute: ${s(result.ms)} wall / ${((used.user + used.system) / 1e6).toFixed(2)} s cpu, peak RSS ${Math.round(peakRss / 2 ** 20)} MiB ` +
      `${verdict(result.ms, 10_000)}\n    load ${s(result.loadMs)} via ${result.readPath} (${Object.entries(result.loadParts).map(([k, v]) => `${k} ${s(v)}`).join(", ")}), ` +
      `compute ${s(result.computeMs)} (${Object.entries(result.computeParts).map(([k, v]) => `${k} ${s(v)}`).join(", ")}), write ${s(result.writeMs)}; ${result.events.toLocaleString("en-US")} events, ${result.customers.toLocaleString("en-US")} customers`);
    // The data each page's loader fetches after authentication (see the routes' loaders).
    const pages: [string, () => Promise<unknown>][] = [
      ["cohorts", () => getCohortsView(db, shop, {})],
      ["segments", () => getSegmentsView(db, SHOP)],
      ["ltv-cac", () => getLtvCacView(db, SHOP, 12)],
      ["overview", () => Promise.all([getOverview(db, shop), latestCoverage(db, SHOP)])],
      ["customers list", () => flaggedCustomers(db, shop)],
    ];
    for (const [name, load] of pages) {
      const samples: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        await load();
        samples.push(performance.now() - t);
      }
      console.log(`  ${name} loader data: p50 ${quantile(samples, 0.5).toFixed(1)} ms, p95 ${quantile(samples, 0.95).toFixed(1)} ms, ` +
        `max ${quantile(samples, 1).toFixed(1)} ms over 30 calls ${verdict(quantile(samples, 0.95), 200)}`);
    }
    const filteredStart = performance.now();
    await getCohortsView(db, shop, { channel: "pos" });
    const firstFiltered = performance.now() - filteredStart;
    const again = performance.now();
    await getCohortsView(db, shop, { channel: "pos" });
    console.log(`  filtered cohorts (channel=pos): first request ${(firstFiltered / 1000).toFixed(2)} s (computed and cached), then ${(performance.now() - again).toFixed(1)} ms`);
    console.log(`  load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    await db.$disconnect();
  } finally {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    rmSync(dir, { recursive: true, force: true });
  }
}
