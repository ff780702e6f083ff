/**
 * Multi-row INSERT with the values written as SQL literals instead of bound parameters, for the
 * margin recompute's bulk writes (hundreds of thousands of rows). Through Prisma's driver adapter each
 * bound value costs ~10 µs of CPU; measured on the demo store (15,000 orders): 2.2 s of CPU for
 * insertRows against 0.64 s with literals for the OrderMargin rows.
 *
 * Only for values the app produced itself, and still escaped strictly: integers and BigInts are
 * written as digits (non-finite or non-integer numbers are refused), strings as standard SQL string
 * literals with quotes doubled (NUL refused), booleans as TRUE/FALSE, dates as ISO 8601 with "+00:00"
 * (the text form the SQLite adapter stores, so comparisons with bound dates stay exact; PostgreSQL
 * reads it as a timestamp). Identifiers are checked and quoted. Portable SQL: SQLite and PostgreSQL.
 */
import type { Prisma } from "~/generated/prisma/client";

type Value = string | number | bigint | boolean | Date | null;

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

export function sqlLiteral(value: Value): string {
  if (value === null || value === undefined) return "NULL";
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "number":
      if (!Number.isSafeInteger(value)) throw new RangeError(`Not a safe integer for a SQL literal: ${value}`);
      return String(value);
    case "boolean":
      return value ? "TRUE" : "FALSE";
    case "string":
      if (value.includes("\0")) throw new RangeError("NUL in a SQL string literal");
      return `'${value.replace(/'/g, "''")}'`;
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new RangeError("Invalid date for a SQL literal");
        return `'${value.toISOString().replace(/Z$/, "+00:00")}'`;
      }
      throw new TypeError(`Unsupported SQL literal type: ${typeof value}`);
  }
}

/** Inserts rows (all with the same keys) into `table`, `rowsPerStatement` rows per statement. */
export async function insertLiteralRows(db: Pick<Prisma.TransactionClient, "$executeRawUnsafe">, table: string,
  rows: Record<string, Value>[], rowsPerStatement = 500): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]);
  for (const name of [table, ...columns]) if (!IDENTIFIER.test(name)) throw new Error(`Not a plain SQL identifier: ${name}`);
  const head = `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES `;
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const values = rows.slice(start, start + rowsPerStatement).map((row) => `(${columns.map((column) => sqlLiteral(row[column] ?? null)).join(", ")})`);
    await db.$executeRawUnsafe(head + values.join(", "));
  }
}
