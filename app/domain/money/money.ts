/**
 * Money in integer minor units of one currency. Amounts arrive from Shopify as decimal strings
 * ("598.94", "1000", "-5.00") and are converted exactly: no floating-point arithmetic touches them.
 */

export class MoneyParseError extends Error {
  constructor(
    readonly input: unknown,
    reason: string,
  ) {
    super(`Invalid money amount ${JSON.stringify(input)}: ${reason}`);
    this.name = "MoneyParseError";
  }
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount into minor units for a currency with `digits` minor digits
 * (2 for USD, 0 for JPY, 3 for KWD). Extra fractional digits are accepted only when they are
 * zeros ("1000.00" in JPY); anything that would need rounding is refused rather than guessed.
 */
export function parseMoney(input: string | number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 4) {
    throw new RangeError(`Unsupported number of minor digits: ${digits}`);
  }
  if (typeof input === "string") {
    const minor = plainMinorUnits(input, digits);
    if (minor !== undefined) return minor;
  }
  let text: string;
  if (typeof input === "number") {
    // A few Shopify fields (refund_line_items[].subtotal) are JSON numbers; their shortest decimal
    // representation is the literal Shopify wrote, so it is parsed like the string would be.
    if (!Number.isFinite(input)) throw new MoneyParseError(input, "not a finite number");
    text = String(input);
  } else if (typeof input === "string") {
    text = input.trim();
  } else {
    throw new MoneyParseError(input, "expected a decimal string");
  }
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyParseError(input, "not a plain decimal number");
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > digits && /[^0]/.test(fraction.slice(digits))) {
    throw new MoneyParseError(input, `more than ${digits} decimal places`);
  }
  const minorText = whole + fraction.slice(0, digits).padEnd(digits, "0");
  const minor = Number(minorText);
  if (!Number.isSafeInteger(minor)) throw new MoneyParseError(input, "too large to represent exactly");
  return sign === "-" && minor !== 0 ? -minor : minor;
}

/**
 * parseMoney's answer for the common plain form ("-12.30": sign, digits, optional fraction, no spaces,
 * no digit beyond the currency's that is not 0), read digit by digit; undefined for anything else, which
 * the regular expression then parses or refuses with its reason. Every prefix of an exact result is
 * smaller than it, so the integer arithmetic is exact up to the safe-integer check (the bulk ingest
 * parses ~20 amounts an order).
 */
function plainMinorUnits(text: string, digits: number): number | undefined {
  const length = text.length;
  let index = 0;
  const first = text.charCodeAt(0);
  if (first === 45 || first === 43) index = 1; // "-" or "+"
  let minor = 0;
  const wholeStart = index;
  for (; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 46) break; // "."
    if (code < 48 || code > 57) return undefined;
    minor = minor * 10 + (code - 48);
  }
  if (index === wholeStart) return undefined;
  let fraction = 0;
  if (index < length) {
    index += 1;
    if (index === length) return undefined; // "5." is not a plain decimal
    for (; index < length; index += 1) {
      const code = text.charCodeAt(index);
      if (code < 48 || code > 57) return undefined;
      if (fraction < digits) minor = minor * 10 + (code - 48);
      else if (code !== 48) return undefined;
      fraction += 1;
    }
  }
  for (; fraction < digits; fraction += 1) minor *= 10;
  if (!Number.isSafeInteger(minor)) return undefined;
  return first === 45 && minor !== 0 ? -minor : minor;
}

const digitsByCurrency = new Map<string, number>();

/**
 * Minor digits of an ISO 4217 currency, as the runtime's ICU data defines them (JPY 0, KWD 3).
 * Cached: building an Intl.NumberFormat costs ~40 µs, paid on every order otherwise.
 */
export function currencyDigits(currency: string): number {
  const known = digitsByCurrency.get(currency);
  if (known !== undefined) return known;
  let digits: number;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new RangeError(`Unknown currency code: ${currency}`);
  }
  digitsByCurrency.set(currency, digits);
  return digits;
}

/** The exact decimal string of an amount in minor units ("-1234.50"). */
export function toDecimalString(minor: number, digits: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Not an integer amount: ${minor}`);
  const negative = minor < 0;
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  const text = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return negative ? `-${text}` : text;
}

/** Formats minor units for display in the shop's currency, exactly (no float division). */
export function formatMoney(minor: number, currency: string, digits: number, locale = "en-US"): string {
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Intl accepts decimal strings and formats them without going through a double.
  return format.format(toDecimalString(minor, digits) as unknown as number);
}

/** Sum of minor-unit amounts that refuses to leave the exactly representable range. */
export function sumMinor(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  if (!Number.isSafeInteger(total)) throw new RangeError("Sum of amounts is too large to represent exactly");
  return total;
}

/**
 * Divides an amount into an average, rounded half away from zero to a whole minor unit.
 * Used for per-order and per-customer averages, which are shown rounded to the cent.
 * BigInt keeps the division exact for any safe integer.
 */
export function divideRounded(minor: number, divisor: number): number {
  if (divisor === 0) throw new RangeError("Division by zero");
  if (!Number.isSafeInteger(minor) || !Number.isSafeInteger(divisor)) {
    throw new RangeError("divideRounded takes integers");
  }
  const n = BigInt(minor);
  const d = BigInt(divisor);
  const quotient = n / d; // truncates toward zero
  const remainder = n - quotient * d;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  if (abs(remainder) * 2n >= abs(d)) {
    return Number(quotient + ((n < 0n) !== (d < 0n) ? -1n : 1n));
  }
  return Number(quotient);
}
