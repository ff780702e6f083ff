/**
 * Loads the CDNOW fixtures (test/fixtures/cdnow, see its README) after checking their sha256, so a
 * test never silently runs on a modified copy.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Transaction } from "~/domain/clv/summary";

const DIR = path.resolve("test/fixtures/cdnow");
const SHA256: Record<string, string> = {
  "CDNOW_sample.txt": "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
  "cdnow_customers_summary_with_transactions.csv": "7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f",
};

function readChecked(name: string): string {
  const bytes = readFileSync(path.join(DIR, name));
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== SHA256[name]) throw new Error(`${name}: sha256 ${digest} differs from the documented ${SHA256[name]}`);
  return bytes.toString("utf8");
}

export interface CdnowSummaryRow {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
}

/** lifetimes' summary (weeks, calibration end 1997-09-30), in file order (ID 1..2357). */
export function loadCdnowSummary(): CdnowSummaryRow[] {
  const lines = readChecked("cdnow_customers_summary_with_transactions.csv").trim().split(/\r?\n/);
  if (lines[0] !== "ID,x,t_x,T,zbar") throw new Error(`unexpected header ${lines[0]}`);
  return lines.slice(1).map((line) => {
    const [id, x, tx, T, zbar] = line.split(",");
    return { customerId: id, frequency: Number(x), recency: Number(tx), T: Number(T), monetaryValue: Number(zbar) };
  });
}

/** The raw 1/10th sample as a transaction log keyed on the sample id ("1".."2357"), dated at UTC midnight. */
export function loadCdnowTransactions(): Transaction[] {
  return readChecked("CDNOW_sample.txt")
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, sampleId, date, , dollars] = line.trim().split(/\s+/);
      const at = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))));
      return { customerId: String(Number(sampleId)), at, value: Number(dollars) };
    });
}
