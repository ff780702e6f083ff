/**
 * Reading raw query rows: SQLite and PostgreSQL drivers hand back numbers, BigInts, 0/1 or booleans,
 * and Date objects or ISO strings for the same columns; these turn them into what the code expects.
 */
export const num = (value: unknown): number => {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value === null || value === undefined) return 0;
  return Number(value);
};

export const bool = (value: unknown): boolean =>
  value === true || value === 1 || value === 1n || value === "1" || value === "true";

export const date = (value: unknown): Date => (value instanceof Date ? value : new Date(value as string));
