/**
 * Wording helpers for the sentences the analytics produce (highlights, flags, the formula gap).
 * Percentages come from basis points rounded half away from zero to a whole percent; money goes
 * through one cached Intl formatter per currency (creating one per call is ~100x slower).
 */
import { currencyDigits, toDecimalString } from "../money/money";

const counts = new Intl.NumberFormat("en-US");

/** 1234 -> "1,234" (one shared formatter: toLocaleString builds a new one per call). */
export function count(n: number): string {
  return n > -1000 && n < 1000 ? String(n) : counts.format(n);
}

/** Integer division rounded half away from zero, for small integers (no BigInt needed). */
function roundDiv(n: number, d: number): number {
  const q = Math.floor((Math.abs(n) + d / 2) / d);
  return n < 0 && q !== 0 ? -q : q;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : n % 10 === 1 ? "st" : n % 10 === 2 ? "nd" : n % 10 === 3 ? "rd" : "th";
  return `${count(n)}${suffix}`;
}

/** 3125 -> "31%", 50 -> "1%" (half away from zero). */
export function percent(bps: number): string {
  return `${roundDiv(bps, 100)}%`;
}

/** Basis points as a percentage without rounding: 4999 -> "49.99%", 3200 -> "32%". */
export function percentExact(bps: number): string {
  const sign = bps < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(bps));
  const cents = abs % 100;
  const fraction = cents === 0 ? "" : `.${String(cents).padStart(2, "0").replace(/0$/, "")}`;
  return `${sign}${Math.floor(abs / 100)}${fraction}%`;
}

/** A value in hundredths with one decimal: 225 -> "2.3", 100 -> "1.0". */
export function oneDecimal(x100: number): string {
  const tenths = roundDiv(x100, 10);
  const sign = tenths < 0 ? "-" : "";
  const abs = Math.abs(tenths);
  return `${sign}${Math.floor(abs / 10)}.${abs % 10}`;
}

/** "a", "a and b", "a, b and c". */
export function listInWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * Formats minor units of `currency` ("€1,234.50"), exactly: Intl reads the decimal string. When the
 * locale's pattern is a plain prefix/suffix around "1,234,567.89" with a leading minus (en-US), the
 * pattern is applied by hand, ~20x faster, for the thousands of reasons a recompute writes.
 */
export function moneyFormatter(currency: string, locale = "en-US"): (minor: number) => string {
  const digits = currencyDigits(currency);
  const format = new Intl.NumberFormat(locale, {
    style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
  const intl = (minor: number) => format.format(toDecimalString(minor, digits) as unknown as number);
  const fraction = digits > 0 ? `.${"9".repeat(digits)}` : "";
  const sample = intl(Number(`1234567${"9".repeat(digits)}`));
  const at = sample.indexOf(`1,234,567${fraction}`);
  if (at < 0) return intl;
  const prefix = sample.slice(0, at);
  const suffix = sample.slice(at + 9 + fraction.length);
  if (intl(-1) !== `-${prefix}${digits > 0 ? `0.${"0".repeat(digits - 1)}1` : "1"}${suffix}`) return intl;
  return (minor) => {
    const text = toDecimalString(Math.abs(minor), digits);
    const point = digits > 0 ? text.length - digits - 1 : text.length;
    const whole = text.slice(0, point).replace(/\B(?=(\d{3})+$)/g, ",");
    return `${minor < 0 ? "-" : ""}${prefix}${whole}${text.slice(point)}${suffix}`;
  };
}
