/**
 * Benchmark runner: `npm run bench` runs every bench/*.bench.ts in name order; `npm run bench -- clv`
 * runs those whose file name contains "clv". Each file default-exports an async function that prints
 * its own figures. The machine's size is printed first so figures are read against it.
 */
import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const filters = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const dir = path.dirname(new URL(import.meta.url).pathname);
const files = readdirSync(dir)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
for (const name of files) {
  console.log(`\n== ${name}`);
  const module = (await import(pathToFileURL(path.join(dir, name)).href)) as { default: () => Promise<void> };
  await module.default();
}
