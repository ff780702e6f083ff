/**
 * CSV import and export of costs: the same format for the pages and the command line.
 *
 * Variant costs   variant_id,sku,cost,valid_from     (variant_id a ProductVariant GID or numeric id, or
 *                                                     empty with a sku; cost a decimal in the shop
 *                                                     currency; valid_from YYYY-MM-DD, midnight in the
 *                                                     shop's time zone)
 * Service contacts customer_id,order_name,contacted_on (a customer GID or an order name, and a date)
 * Marketing spend  month,channel,amount               (YYYY-MM, a channel name, a decimal amount)
 *
 * Imports are all-or-nothing: every row is checked first, each bad row is reported with its line
 * number (the header is line 1), and nothing from a file with any bad row is applied. A good file is
 * applied in one transaction.
 */
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { Db } from "~/db.server";
import { normalizeGid } from "~/domain/ledger/gid";
import { toDecimalString } from "~/domain/money/money";
import type { ShopSettings } from "~/shops/shops.server";
import { formatValidFrom, parseAmount, parseDay, parseMonth, type Parsed } from "./input";
import { listMarketingSpend, saveMarketingSpend, type MarketingSpendInput } from "./marketing.server";
import { allServiceContacts, replaceServiceContacts, type ServiceContactInput } from "./service.server";
import { allVariantCosts, saveVariantCosts, variantsBySku, type VariantCostInput } from "./variants.server";

export const VARIANT_COST_COLUMNS = ["variant_id", "sku", "cost", "valid_from"] as const;
export const SERVICE_CONTACT_COLUMNS = ["customer_id", "order_name", "contacted_on"] as const;
export const MARKETING_SPEND_COLUMNS = ["month", "channel", "amount"] as const;

/** Rows per file: far above a real catalogue, low enough to keep an import in memory. */
export const MAX_CSV_ROWS = 200_000;
const MAX_ERRORS = 100;

export interface CsvError {
  line: number;
  message: string;
}

export type ImportResult = { ok: true; rows: number; version?: number } | { ok: false; errors: CsvError[] };

type CsvShop = Pick<ShopSettings, "id" | "currency" | "currencyDigits" | "ianaTimezone">;

interface Record_ {
  line: number;
  cells: Record<string, string>;
}

/** Parses a CSV with a header into records with their line numbers; errors for a malformed file or header. */
function readCsv(text: string, required: readonly string[], optional: readonly string[] = [], anyOf?: readonly string[]): { records: Record_[]; errors: CsvError[] } {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: false,
    }) as typeof parsed;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { records: [], errors: [{ line, message: `Not a valid CSV file: ${(error as Error).message.replace(/^Invalid Record Length: /, "")}` }] };
  }
  const header = parse(text, { to_line: 1, bom: true, trim: true })[0] as string[] | undefined;
  const columns = (header ?? []).map((name) => name.trim().toLowerCase());
  const known = new Set([...required, ...optional]);
  const errors: CsvError[] = [];
  const missing = required.filter((name) => !columns.includes(name));
  if (!header) errors.push({ line: 1, message: `The file is empty: expected a header ${[...required, ...optional].join(",")}` });
  else if (missing.length) errors.push({ line: 1, message: `Missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: expected a header ${[...required, ...optional].join(",")}` });
  if (header && anyOf && !anyOf.some((name) => columns.includes(name))) errors.push({ line: 1, message: `Needs a column ${anyOf.join(" or ")}` });
  const unknown = columns.filter((name) => !known.has(name));
  if (header && unknown.length) errors.push({ line: 1, message: `Unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: expected ${[...known].join(", ")}` });
  if (parsed.length > MAX_CSV_ROWS) errors.push({ line: MAX_CSV_ROWS + 2, message: `Too many rows: at most ${MAX_CSV_ROWS} per file` });
  return { records: parsed.map(({ record, info }) => ({ line: info.lines, cells: record })), errors };
}

function collect<T>(errors: CsvError[], line: number, parsed: Parsed<T>, column: string): T | undefined {
  if (parsed.ok) return parsed.value;
  errors.push({ line, message: `${column}: ${parsed.error}` });
  return undefined;
}

const capped = (errors: CsvError[]) =>
  errors.length > MAX_ERRORS ? [...errors.slice(0, MAX_ERRORS), { line: errors[MAX_ERRORS].line, message: `...and ${errors.length - MAX_ERRORS} more errors` }] : errors;

// ---------------------------------------------------------------------------------------------
// Variant costs

/** Checks a variant-cost file against the shop; returns the versions to write or the line-numbered errors. */
export async function parseVariantCostCsv(db: Db, shop: CsvShop, text: string, source: "csv" | "manual" = "csv"):
  Promise<{ ok: true; rows: VariantCostInput[] } | { ok: false; errors: CsvError[] }> {
  const { records, errors } = readCsv(text, ["cost", "valid_from"], ["variant_id", "sku"], ["variant_id", "sku"]);
  if (errors.length) return { ok: false, errors };
  const skus = records.filter((r) => !r.cells.variant_id && r.cells.sku).map((r) => r.cells.sku);
  const bySku = skus.length ? await variantsBySku(db, shop.id, skus) : new Map<string, string[]>();
  const rows: VariantCostInput[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of records) {
    const rawId = cells.variant_id ?? "";
    const sku = cells.sku ? cells.sku : null;
    let variantId: string | undefined;
    if (rawId) {
      try {
        variantId = normalizeGid(rawId, "ProductVariant");
      } catch {
        errors.push({ line, message: `variant_id: must be a ProductVariant GID (gid://shopify/ProductVariant/123) or its number, got "${rawId}"` });
      }
    } else if (sku) {
      const matches = bySku.get(sku) ?? [];
      if (matches.length === 1) variantId = matches[0];
      else if (!matches.length) errors.push({ line, message: `sku: no known variant has SKU "${sku}" (import Shopify's catalogue first, or give the variant_id)` });
      else errors.push({ line, message: `sku: "${sku}" is shared by ${matches.length} variants: give the variant_id` });
    } else {
      errors.push({ line, message: "variant_id or sku: one of them is required" });
    }
    const unitCost = collect(errors, line, parseAmount(cells.cost, shop.currencyDigits), "cost");
    const validFrom = collect(errors, line, parseDay(cells.valid_from, shop.ianaTimezone), "valid_from");
    if (variantId && validFrom) {
      const key = `${variantId}@${validFrom.getTime()}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push({ line, message: `duplicate: line ${first} already sets ${variantId} from ${cells.valid_from}` });
      else seen.set(key, line);
    }
    if (variantId && unitCost !== undefined && validFrom) rows.push({ variantId, unitCost, validFrom, sku, source });
  }
  if (!records.length && !errors.length) errors.push({ line: 2, message: "The file has no rows" });
  return errors.length ? { ok: false, errors: capped(errors) } : { ok: true, rows };
}

/** Imports a variant-cost file: every row or none. */
export async function importVariantCostCsv(db: Db, shop: CsvShop, text: string): Promise<ImportResult> {
  const parsed = await parseVariantCostCsv(db, shop, text);
  if (!parsed.ok) return parsed;
  const version = await saveVariantCosts(db, shop.id, parsed.rows);
  return { ok: true, rows: parsed.rows.length, version };
}

/** Every cost version of the shop in the import format (re-importing it changes nothing). */
export async function exportVariantCostCsv(db: Db, shop: CsvShop): Promise<string> {
  const rows: string[][] = [];
  for await (const page of allVariantCosts(db, shop.id)) {
    for (const row of page) {
      rows.push([row.variantId, row.sku ?? "", toDecimalString(Number(row.unitCost), shop.currencyDigits), formatValidFrom(row.validFrom, shop.ianaTimezone)]);
    }
  }
  return stringify([[...VARIANT_COST_COLUMNS], ...rows]);
}

// ---------------------------------------------------------------------------------------------
// Service contacts

export async function parseServiceContactCsv(shop: CsvShop, text: string):
  Promise<{ ok: true; rows: ServiceContactInput[] } | { ok: false; errors: CsvError[] }> {
  const { records, errors } = readCsv(text, ["contacted_on"], ["customer_id", "order_name"], ["customer_id", "order_name"]);
  if (errors.length) return { ok: false, errors };
  const rows: ServiceContactInput[] = [];
  for (const { line, cells } of records) {
    const rawCustomer = cells.customer_id ?? "";
    const orderName = cells.order_name ? cells.order_name : null;
    let customerId: string | null = null;
    if (rawCustomer) {
      try {
        customerId = normalizeGid(rawCustomer, "Customer");
      } catch {
        errors.push({ line, message: `customer_id: must be a Customer GID (gid://shopify/Customer/123) or its number, got "${rawCustomer}"` });
      }
    }
    if (!rawCustomer && !orderName) errors.push({ line, message: "customer_id or order_name: one of them is required" });
    const contactedAt = collect(errors, line, parseDay(cells.contacted_on, shop.ianaTimezone), "contacted_on");
    if (contactedAt && (customerId || (!rawCustomer && orderName))) rows.push({ customerId, orderName, contactedAt });
  }
  return errors.length ? { ok: false, errors: capped(errors) } : { ok: true, rows };
}

/** Replaces the shop's service contacts with the file's: every row or none. */
export async function importServiceContactCsv(db: Db, shop: CsvShop, text: string): Promise<ImportResult> {
  const parsed = await parseServiceContactCsv(shop, text);
  if (!parsed.ok) return parsed;
  const version = await replaceServiceContacts(db, shop.id, parsed.rows, "csv");
  return { ok: true, rows: parsed.rows.length, version };
}

export async function exportServiceContactCsv(db: Db, shop: CsvShop): Promise<string> {
  const rows = (await allServiceContacts(db, shop.id)).map((row) => [
    // A contact given by order name is exported by order name (its customer was filled in from the order).
    row.orderName ? "" : row.customerId ?? "",
    row.orderName ?? "",
    formatValidFrom(row.contactedAt, shop.ianaTimezone),
  ]);
  return stringify([[...SERVICE_CONTACT_COLUMNS], ...rows]);
}

// ---------------------------------------------------------------------------------------------
// Marketing spend

export async function parseMarketingSpendCsv(shop: CsvShop, text: string):
  Promise<{ ok: true; rows: MarketingSpendInput[] } | { ok: false; errors: CsvError[] }> {
  const { records, errors } = readCsv(text, ["month", "channel", "amount"]);
  if (errors.length) return { ok: false, errors };
  const rows: MarketingSpendInput[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of records) {
    const month = collect(errors, line, parseMonth(cells.month), "month");
    const channel = (cells.channel ?? "").trim();
    if (!channel) errors.push({ line, message: "channel: enter a channel name" });
    else if (channel.length > 100) errors.push({ line, message: "channel: at most 100 characters" });
    const amount = collect(errors, line, parseAmount(cells.amount, shop.currencyDigits), "amount");
    if (month && channel) {
      const key = `${month}|${channel}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push({ line, message: `duplicate: line ${first} already sets ${channel} for ${month}` });
      else seen.set(key, line);
    }
    if (month && channel && amount !== undefined) rows.push({ month, channel, amount });
  }
  if (!records.length && !errors.length) errors.push({ line: 2, message: "The file has no rows" });
  return errors.length ? { ok: false, errors: capped(errors) } : { ok: true, rows };
}

/** Sets the spend of every (month, channel) in the file: every row or none. */
export async function importMarketingSpendCsv(db: Db, shop: CsvShop, text: string): Promise<ImportResult> {
  const parsed = await parseMarketingSpendCsv(shop, text);
  if (!parsed.ok) return parsed;
  await saveMarketingSpend(db, shop.id, parsed.rows, "csv");
  return { ok: true, rows: parsed.rows.length };
}

export async function exportMarketingSpendCsv(db: Db, shop: CsvShop): Promise<string> {
  const rows = (await listMarketingSpend(db, shop.id)).map((row) => [row.month, row.channel, toDecimalString(row.amount, shop.currencyDigits)]);
  return stringify([[...MARKETING_SPEND_COLUMNS], ...rows]);
}
