/**
 * `npm run cli -- costs import --shop <domain> <file.csv>`: imports variant costs (variant_id,sku,cost,valid_from;
 * the format of the COGS page), all rows or none, then recomputes the shop's margins.
 * `npm run cli -- costs export --shop <domain>`: prints the shop's variant costs in the same format.
 * Errors go to stderr with their line numbers; the exit code is non-zero on any error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const USAGE = `Usage:
  npm run cli -- costs import --shop <domain> <file.csv>   import variant costs (all rows or none), then recompute margins
  npm run cli -- costs export --shop <domain>              print variant costs as CSV
CSV columns: variant_id,sku,cost,valid_from (variant GID or SKU; cost in the shop currency; YYYY-MM-DD)`;

export default async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { shop: { type: "string" }, "no-recompute": { type: "boolean", default: false } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action, file, ...rest] = parsed.positionals;
  const shopId = parsed.values.shop;
  if (!action || !["import", "export"].includes(action) || !shopId || rest.length || (action === "import" ? !file : Boolean(file))) {
    console.error(USAGE);
    return 2;
  }
  const { default: db } = await import("~/db.server");
  const { getShop } = await import("~/shops/shops.server");
  const shop = await getShop(db, shopId);
  if (!shop) {
    console.error(`Unknown shop ${shopId}: it has not installed the app (or the demo has not been generated) in this database`);
    return 1;
  }
  const csv = await import("~/costs/csv.server");
  if (action === "export") {
    process.stdout.write(await csv.exportVariantCostCsv(db, shop));
    return 0;
  }
  let text: string;
  try {
    text = readFileSync(file!, "utf8");
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  const result = await csv.importVariantCostCsv(db, shop, text);
  if (!result.ok) {
    for (const error of result.errors) console.error(`${file}:${error.line}: ${error.message}`);
    console.error(`Nothing was imported: fix the ${result.errors.length === 1 ? "line" : "lines"} above and run again.`);
    return 1;
  }
  console.error(`Imported ${result.rows} cost ${result.rows === 1 ? "version" : "versions"} (cost version ${result.version}).`);
  if (!parsed.values["no-recompute"]) {
    const { recomputeMargins } = await import("~/margins/recompute.server");
    const done = await recomputeMargins(db, shop.id);
    console.error(`Margins recomputed for ${done.orders} orders in ${(done.ms / 1000).toFixed(1)} s.`);
  }
  return 0;
}
