/**
 * Providers benchmark phase: seeds the analytics store into DATABASE_URL (bench/seed/analytics.ts, not
 * timed), then times the full recompute and the page loaders (see ../analytics.bench.ts).
 */
import { analyticsEnv, measureAnalytics } from "../analytics.bench";
import { seedPostgres, seedSqlite } from "../seed/analytics";
import { runPhase } from "./child";

export interface AnalyticsArgs {
  orders: number;
  customers: number;
}

await runPhase<AnalyticsArgs>(async ({ orders, customers }, url) => {
  const started = performance.now();
  if (url.startsWith("file:")) await seedSqlite(url.slice("file:".length), orders, customers);
  else await seedPostgres(url, orders, customers);
  const seedSeconds = (performance.now() - started) / 1000;
  analyticsEnv(url);
  return { seedSeconds, ...(await measureAnalytics(url)) };
});
