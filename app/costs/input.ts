/**
 * What merchants type (forms, CSV cells) into the engine's units, with messages fit to show next to
 * the field. Amounts are decimal strings in the shop currency parsed exactly (parseMoney, never a
 * float); percentages are decimals of at most two places turned into basis points ("2.9" -> 290);
 * dates are real calendar days, read as midnight in the shop's time zone.
 */
import { TZDate } from "@date-fns/tz";
import { parseMoney, toDecimalString } from "~/domain/money/money";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** A non-negative amount in the shop currency ("4.50", "4", "1500" for JPY) into minor units. */
export function parseAmount(text: string | null | undefined, digits: number): Parsed<number> {
  const value = (text ?? "").trim().replace(/^\$/, "");
  if (value === "") return fail("Enter an amount");
  if (/^-/.test(value)) return fail("Must not be negative: enter costs as positive amounts");
  try {
    return ok(parseMoney(value, digits));
  } catch {
    return fail(digits === 0
      ? `Must be a whole amount like 1500, got "${value}"`
      : `Must be an amount like ${toDecimalString(450, digits)} (at most ${digits} decimals), got "${value}"`);
  }
}

/** A percentage from 0 to 100 with at most two decimals ("2.9", "35", "3.49%") into basis points. */
export function parsePercent(text: string | null | undefined): Parsed<number> {
  const value = (text ?? "").trim().replace(/%$/, "").trim();
  if (value === "") return fail("Enter a percentage");
  if (/^-/.test(value)) return fail("Must not be negative");
  let bps: number;
  try {
    bps = parseMoney(value, 2);
  } catch {
    return fail(`Must be a percentage like 2.9 (at most 2 decimals), got "${value}"`);
  }
  if (bps > 10_000) return fail("Must be at most 100%");
  return ok(bps);
}

export function parseWholeNumber(text: string | null | undefined, { max = 1_000_000, what = "number" } = {}): Parsed<number> {
  const value = (text ?? "").trim();
  if (value === "") return fail(`Enter a ${what}`);
  if (!/^\d+$/.test(value)) return fail(`Must be a whole ${what} (0 or more), got "${value}"`);
  const number = Number(value);
  if (number > max) return fail(`Must be at most ${max}`);
  return ok(number);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date YYYY-MM-DD as midnight in `timeZone`. "2026-02-30" is refused, not read as 2 March. */
export function parseDay(text: string | null | undefined, timeZone: string): Parsed<Date> {
  const value = (text ?? "").trim();
  const match = DATE.exec(value);
  if (!match) return fail(`Must be a date as YYYY-MM-DD, got "${value}"`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return fail(`${value} is not a real date`);
  }
  if (year < 1990 || year > 2100) return fail(`${value} is outside 1990-2100`);
  return ok(new Date(new TZDate(year, month - 1, day, timeZone).getTime()));
}

/** The calendar day of an instant in `timeZone`, YYYY-MM-DD. */
export function dayInZone(at: Date, timeZone: string): string {
  const local = new TZDate(at.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** YYYY-MM-DD when the instant is midnight in the zone (what the forms write), else the full ISO instant. */
export function formatValidFrom(at: Date, timeZone: string): string {
  const local = new TZDate(at.getTime(), timeZone);
  const midnight = local.getHours() === 0 && local.getMinutes() === 0 && local.getSeconds() === 0 && local.getMilliseconds() === 0;
  return midnight ? dayInZone(at, timeZone) : at.toISOString();
}

/** A month YYYY-MM. */
export function parseMonth(text: string | null | undefined): Parsed<string> {
  const value = (text ?? "").trim();
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) return fail(`Must be a month as YYYY-MM, got "${value}"`);
  if (Number(match[1]) < 1990 || Number(match[1]) > 2100) return fail(`${value} is outside 1990-2100`);
  return ok(value);
}

/** Basis points as the percentage a merchant types ("290" -> "2.9"). */
export function bpsToPercentText(bps: number): string {
  return toDecimalString(bps, 2).replace(/\.?0+$/, "") || "0";
}
