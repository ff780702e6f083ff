/**
 * The analytics benchmarks' store: 1 order line per order from `customers` customers (deterministic;
 * ~10% refunded, ~2% cancelled, ~5% guest, 24 months, 25 months of marketing spend), with the value
 * events the margin recompute would have written. The rows are generated once here (`analyticsRows`)
 * and written straight into the tables of a migrated database, bypassing the app, because seeding 1M
 * orders through the ingest path takes far longer than what is measured on top of it:
 * - SQLite: better-sqlite3 prepared statements in one transaction (`seedSqlite`);
 * - PostgreSQL: the `pg` package, one `INSERT ... SELECT * FROM unnest($1::text[], ...)` per table and
 *   batch (a column array per parameter, so a batch of 5,000 rows is one round trip), in one
 *   transaction, then ANALYZE so the planner has statistics as a live database would (`seedPostgres`).
 */
import pg from "pg";

export const SHOP = "bench-analytics.myshopify.com";

type Value = string | number | boolean | null;
type Row = Value[];

/** Column order of each table's rows, in the order the tables are written. */
export const TABLES = {
  Shop: ["id", "currency", "currencyDigits", "ianaTimezone", "isDemo", "installedAt"],
  Order: ["shopId", "id", "name", "customerId", "customerTags", "createdAt", "processedAt", "sourceUpdatedAt",
    "cancelledAt", "currency", "sourceName", "countryCode", "financialStatus", "taxesIncluded", "gateways", "tags", "discountCodes", "grossSales", "discounts",
    "netSales", "shippingCharged", "taxes", "duties", "tips", "giftCardsSold", "totalPrice", "itemCount", "ingestedAt"],
  OrderLine: ["shopId", "id", "orderId", "productId", "variantId", "sku", "title", "quantity", "currentQuantity",
    "requiresShipping", "unitPrice", "discount", "tax", "giftCard", "netSales"],
  Refund: ["shopId", "id", "orderId", "createdAt", "merchandise", "shipping", "adjustments", "taxes", "restockedItems", "returnedItems"],
  ValueEvent: ["shopId", "orderId", "seq", "kind", "customerId", "at", "revenue", "grossMargin", "contributionMargin", "countsAsPurchase"],
  MarketingSpend: ["shopId", "month", "channel", "amount", "source", "updatedAt"],
} as const;

export type Table = keyof typeof TABLES;

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

// Instants as the SQLite adapter stores them; PostgreSQL's timestamp parses the same text.
const iso = (ms: number) => new Date(ms).toISOString().replace(/Z$/, "+00:00");

/** Every row of the store, table by table as `TABLES` orders their columns. */
export function* analyticsRows(orders: number, customers: number): Generator<[Table, Row]> {
  const now = iso(Date.UTC(2026, 8, 15));
  yield ["Shop", [SHOP, "USD", 2, "America/New_York", false, now]];
  const random = rng(42);
  const start = Date.UTC(2024, 8, 1);
  const span = Date.UTC(2026, 8, 14) - start;
  const channels = ["web", "web", "web", "pos", "shopify_draft_order", "instagram"];
  const countries = ["US", "US", "CA", "GB", "DE", "AU"];
  const codes = ["", "", "", "WELCOME10", "SPRING20", "VIP"];
  // Each customer's first-order time; later orders follow it.
  const first = Array.from({ length: customers }, () => start + Math.floor(random() * span * 0.9));
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
    yield ["Order", [SHOP, id, `#${1000 + i}`, customerId, c % 7 === 0 ? "vip" : "", iso(at), iso(at), iso(at), cancelled ? iso(at + 3_600_000) : null,
      "USD", channels[c % channels.length], countries[(c * 7) % countries.length], "paid", false, "shopify_payments", "", code,
      price, discount, net, 0, 0, 0, 0, 0, net, 1, iso(at)]];
    yield ["OrderLine", [SHOP, `gid://shopify/LineItem/${1_000_000 + i}`, id, `gid://shopify/Product/${product}`, `gid://shopify/ProductVariant/${product}`,
      null, `Product ${product}`, 1, 1, true, price, discount, 0, false, net]];
    const revenue = cancelled ? 0 : net;
    const gm = cancelled ? 0 : net - Math.floor(price * 0.45);
    const cm = cancelled ? -30 : gm - 900 - Math.floor(net * 0.03);
    yield ["ValueEvent", [SHOP, id, 0, "order", customerId, iso(at), revenue, gm, cm, !cancelled]];
    if (!cancelled && random() < 0.1) {
      const refundAt = at + Math.floor(random() * 40 * 86_400_000);
      const amount = Math.floor(net / 2);
      yield ["Refund", [SHOP, `gid://shopify/Refund/${1_000_000 + i}`, id, iso(refundAt), amount, 0, 0, 0, 0, 1]];
      yield ["ValueEvent", [SHOP, id, 1, "refund", customerId, iso(refundAt), -amount, -amount, -amount - 500, false]];
    }
  }
  for (let m = 0; m < 25; m++) {
    const month = new Date(Date.UTC(2024, 8 + m, 1)).toISOString().slice(0, 7);
    for (const channel of ["web", "pos", "instagram"]) yield ["MarketingSpend", [SHOP, month, channel, 1_000_000 + Math.floor(random() * 2_000_000), "csv", now]];
  }
}

const columnList = (table: Table) => TABLES[table].map((column) => `"${column}"`).join(", ");

/** Writes the store into the migrated SQLite file `file`. */
export async function seedSqlite(file: string, orders: number, customers: number): Promise<void> {
  const { SqliteDatabase } = await import("~/lib/sqlite-library.server");
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const insert = {} as Record<Table, ReturnType<typeof sqlite.prepare<unknown[]>>>;
  for (const table of Object.keys(TABLES) as Table[]) {
    insert[table] = sqlite.prepare<unknown[]>(`INSERT INTO "${table}" (${columnList(table)}) VALUES (${TABLES[table].map(() => "?").join(", ")})`);
  }
  sqlite.transaction(() => {
    // better-sqlite3 binds no booleans: SQLite stores them as 0/1.
    for (const [table, row] of analyticsRows(orders, customers)) insert[table].run(...row.map((v) => (typeof v === "boolean" ? Number(v) : v)));
  })();
  sqlite.close();
}

const POSTGRES_BATCH = 5000;

/** PostgreSQL array types for the column types the store uses (information_schema's data_type). */
const ARRAY_TYPE: Record<string, string> = {
  text: "text[]",
  integer: "int4[]",
  bigint: "int8[]",
  boolean: "bool[]",
  "timestamp without time zone": "timestamp(3)[]",
  "double precision": "float8[]",
};

/** Writes the store into the migrated PostgreSQL database at `url`. */
export async function seedPostgres(url: string, orders: number, customers: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = Object.keys(TABLES) as Table[];
    const statements = {} as Record<Table, string>;
    for (const table of tables) {
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", [table]);
      const types = new Map(rows.map((row) => [row.column_name, row.data_type]));
      const casts = TABLES[table].map((column, i) => {
        const type = ARRAY_TYPE[types.get(column) ?? ""];
        if (!type) throw new Error(`seedPostgres: no array type for "${table}"."${column}" (${types.get(column) ?? "missing column"})`);
        return `$${i + 1}::${type}`;
      });
      statements[table] = `INSERT INTO "${table}" (${columnList(table)}) SELECT * FROM unnest(${casts.join(", ")})`;
    }
    // Column arrays per table, flushed together in table order once enough rows are buffered.
    const buffers = Object.fromEntries(tables.map((table) => [table, TABLES[table].map((): Value[] => [])])) as Record<Table, Value[][]>;
    let buffered = 0;
    const flush = async () => {
      for (const table of tables) {
        const columns = buffers[table];
        if (columns[0].length === 0) continue;
        await client.query(statements[table], columns);
        buffers[table] = columns.map(() => []);
      }
      buffered = 0;
    };
    await client.query("BEGIN");
    // Seeding is not measured: no need to wait for the log flush at commit.
    await client.query("SET LOCAL synchronous_commit = off");
    for (const [table, row] of analyticsRows(orders, customers)) {
      const columns = buffers[table];
      for (let i = 0; i < row.length; i++) columns[i].push(row[i]);
      if (++buffered >= POSTGRES_BATCH) await flush();
    }
    await flush();
    await client.query("COMMIT");
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}
