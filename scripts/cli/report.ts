/**
 * `npm run cli -- report <cohorts|segments|ltv-cac> --shop <domain> [--metric cm|revenue|gross|retention]
 *   [--horizon 3|6|12|24] [--format csv|json] [--refresh] [--as-of YYYY-MM-DD]`: prints the page's table with
 * the page's numbers (the same CSV builders as the pages' downloads). Reads the stored snapshot; computes it
 * first when there is none, with --refresh, or with --as-of (the figures as of the end of that day in the
 * shop's time zone: for a historical dataset such as UCI Online Retail, whose months after the data ends
 * would otherwise read as ended months with no orders).
 */
import { stringify } from "csv-stringify/sync";
import { parseArgs } from "node:util";

const USAGE = `Usage: npm run cli -- report <cohorts|segments|ltv-cac> --shop <domain> [--metric cm|revenue|gross|retention] [--horizon 3|6|12|24] [--format csv|json] [--refresh] [--as-of YYYY-MM-DD]`;

export default async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true,
      options: { shop: { type: "string" }, metric: { type: "string", default: "cm" }, format: { type: "string", default: "csv" },
        horizon: { type: "string", default: "12" }, refresh: { type: "boolean", default: false }, "as-of": { type: "string" } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [report, ...rest] = parsed.positionals;
  const { shop: shopId, metric, format } = parsed.values;
  if (!report || !["cohorts", "segments", "ltv-cac"].includes(report) || rest.length || !shopId ||
    !["cm", "revenue", "gross", "retention"].includes(metric!) || !["csv", "json"].includes(format!)) {
    console.error(USAGE);
    return 2;
  }
  const { default: db } = await import("~/db.server");
  const { getShop } = await import("~/shops/shops.server");
  const snapshots = await import("~/analytics/snapshot.server");
  const shop = await getShop(db, shopId);
  if (!shop) {
    console.error(`Unknown shop ${shopId} in this database`);
    return 1;
  }
  let asOf: Date | undefined;
  if (parsed.values["as-of"] !== undefined) {
    const { parseDay } = await import("~/costs/input");
    const { TZDate } = await import("@date-fns/tz");
    const day = parseDay(parsed.values["as-of"], shop.ianaTimezone);
    if (!day.ok) {
      console.error(`--as-of: ${day.error}\n${USAGE}`);
      return 2;
    }
    // The last instant of that local day: the next local midnight minus one millisecond.
    const start = new TZDate(day.value.getTime(), shop.ianaTimezone);
    asOf = new Date(new TZDate(start.getFullYear(), start.getMonth(), start.getDate() + 1, shop.ianaTimezone).getTime() - 1);
  }
  if (asOf || parsed.values.refresh || !(await snapshots.readSnapshot(db, shop.id, "cohorts"))) {
    const result = await snapshots.refreshAnalytics(db, shop.id, asOf ? { asOf } : {});
    console.error(`computed the analytics in ${(result.ms / 1000).toFixed(1)} s (${result.events} events, ${result.customers} customers)`);
  }
  let tables: { name: string; header: string[]; rows: (string | number)[][] }[];
  if (report === "cohorts") {
    const { cohortCsv, metricOf } = await import("~/analytics/cohorts.server");
    const snapshot = (await snapshots.readSnapshot(db, shop.id, "cohorts"))!;
    tables = [{ name: "cohorts", ...cohortCsv(snapshot.payload.table, metricOf(metric as "cm"), shop) }];
  } else if (report === "segments") {
    const { segmentCsv, segmentPredictions } = await import("~/analytics/segments.server");
    const { readProjections } = await import("~/analytics/projections.server");
    const snapshot = (await snapshots.readSnapshot(db, shop.id, "segments"))!;
    tables = [{ name: "segments", ...segmentCsv(snapshot.payload.table, shop, segmentPredictions(await readProjections(db, shop.id))) }];
  } else {
    const { horizonOf, ltvCacCsv } = await import("~/analytics/ltv-cac.server");
    const snapshot = (await snapshots.readSnapshot(db, shop.id, "ltv-cac"))!;
    const { ltv, cac } = ltvCacCsv(snapshot.payload.reports[horizonOf(parsed.values.horizon)], shop);
    tables = [{ name: "ltv_cac", ...ltv }, { name: "cac", ...cac }];
  }
  if (format === "json") {
    const out = Object.fromEntries(tables.map((t) => [t.name, t.rows.map((row) => Object.fromEntries(t.header.map((h, i) => [h, row[i]])))]));
    process.stdout.write(`${JSON.stringify(tables.length === 1 ? out[tables[0].name] : out, null, 2)}\n`);
  } else {
    process.stdout.write(tables.map((t) => stringify([t.header, ...t.rows])).join("\n"));
  }
  await db.$disconnect();
  return 0;
}
