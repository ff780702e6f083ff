import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  currencyDigits,
  divideRounded,
  formatMoney,
  MoneyParseError,
  parseMoney,
  toDecimalString,
} from "~/domain/money/money";

describe("parseMoney", () => {
  it("parses two-decimal amounts exactly", () => {
    expect(parseMoney("598.94", 2)).toBe(59894);
    expect(parseMoney("0.10", 2)).toBe(10);
    expect(parseMoney("0.1", 2)).toBe(10);
    expect(parseMoney("19", 2)).toBe(1900);
    expect(parseMoney("0.29", 2)).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(parseMoney("1.005", 3)).toBe(1005);
  });

  it("parses zero-decimal currencies (JPY) and accepts zero padding", () => {
    expect(parseMoney("1000", 0)).toBe(1000);
    expect(parseMoney("1000.00", 0)).toBe(1000);
    expect(() => parseMoney("1000.50", 0)).toThrow(MoneyParseError);
  });

  it("parses three-decimal currencies (KWD, BHD)", () => {
    expect(parseMoney("12.345", 3)).toBe(12345);
    expect(parseMoney("12.3", 3)).toBe(12300);
    expect(parseMoney("0.001", 3)).toBe(1);
  });

  it("keeps the sign of negative amounts and never returns -0", () => {
    expect(parseMoney("-5.00", 2)).toBe(-500);
    expect(parseMoney("-0.01", 2)).toBe(-1);
    expect(Object.is(parseMoney("-0.00", 2), 0)).toBe(true);
    expect(parseMoney("+3.50", 2)).toBe(350);
  });

  it("accepts the JSON numbers Shopify uses for refund line subtotals", () => {
    expect(parseMoney(195.66, 2)).toBe(19566);
    expect(parseMoney(3.98, 2)).toBe(398);
    expect(() => parseMoney(Number.NaN, 2)).toThrow(/finite/);
  });

  it("refuses amounts that would need rounding", () => {
    expect(() => parseMoney("1.999", 2)).toThrow(/more than 2 decimal places/);
    expect(parseMoney("1.990", 2)).toBe(199);
  });

  it.each([
    [""],
    ["abc"],
    ["1,000.00"],
    ["1e3"],
    ["12.34.56"],
    [".5"],
    ["5."],
    ["$5.00"],
    ["- 5"],
    ["NaN"],
    ["Infinity"],
  ])("refuses garbage: %j", (input) => {
    expect(() => parseMoney(input, 2)).toThrow(MoneyParseError);
  });

  it("refuses values that are not strings or numbers", () => {
    expect(() => parseMoney(null as unknown as string, 2)).toThrow(/expected a decimal string/);
    expect(() => parseMoney({} as unknown as string, 2)).toThrow(MoneyParseError);
  });

  it("refuses amounts beyond exact integer range", () => {
    expect(() => parseMoney("90071992547409.93", 2)).toThrow(/too large/);
    expect(parseMoney("90071992547409.91", 2)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("parseMoney's digit-by-digit path for plain amounts", () => {
  // A leading space sends an amount through the regular-expression path (it trims first): both paths
  // must give the same minor units, or both refuse.
  const outcome = (input: string, digits: number) => {
    try {
      return parseMoney(input, digits);
    } catch (error) {
      return (error as Error).name;
    }
  };

  it("agrees with the regular-expression path on any short string of signs, digits and points", () => {
    const amount = fc.stringMatching(/^[-+]?[0-9]{0,18}(\.[0-9]{0,6})?$/);
    const noise = fc.string({ unit: fc.constantFrom("0", "1", "9", ".", "-", "+", "e", " ", "x"), maxLength: 8 });
    fc.assert(fc.property(fc.oneof(amount, noise), fc.integer({ min: 0, max: 4 }), (input, digits) => {
      expect(outcome(input, digits)).toEqual(outcome(` ${input}`, digits));
    }), { numRuns: 20_000 });
  });

  it("reads the edges the same way: zeros past the currency's digits, -0, a bare point, the safe-integer limit", () => {
    expect(parseMoney("12.300", 2)).toBe(1230);
    expect(() => parseMoney("12.301", 2)).toThrow("more than 2 decimal places");
    expect(Object.is(parseMoney("-0.00", 2), 0)).toBe(true);
    expect(() => parseMoney("5.", 2)).toThrow("not a plain decimal number");
    expect(() => parseMoney(".5", 2)).toThrow("not a plain decimal number");
    expect(parseMoney("90071992547409.91", 2)).toBe(9007199254740991);
    expect(() => parseMoney("90071992547409.92", 2)).toThrow("too large to represent exactly");
  });
});

describe("currency helpers", () => {
  it("knows the minor digits of currencies", () => {
    expect(currencyDigits("USD")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
    expect(currencyDigits("EUR")).toBe(2);
  });

  it("round-trips minor units to decimal strings", () => {
    expect(toDecimalString(59894, 2)).toBe("598.94");
    expect(toDecimalString(-5, 2)).toBe("-0.05");
    expect(toDecimalString(1000, 0)).toBe("1000");
    expect(toDecimalString(1, 3)).toBe("0.001");
  });

  it("formats amounts in the shop currency without float division", () => {
    expect(formatMoney(123456, "USD", 2)).toBe("$1,234.56");
    expect(formatMoney(-500, "USD", 2)).toBe("-$5.00");
    expect(formatMoney(1000, "JPY", 0)).toBe("¥1,000");
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "USD", 2)).toBe("$90,071,992,547,409.91");
  });

  it("divides with half-away-from-zero rounding", () => {
    expect(divideRounded(10, 4)).toBe(3); // 2.5 -> 3
    expect(divideRounded(-10, 4)).toBe(-3);
    expect(divideRounded(9, 4)).toBe(2);
    expect(divideRounded(11, 4)).toBe(3);
    expect(divideRounded(1000, 3)).toBe(333);
    expect(() => divideRounded(1, 0)).toThrow(/Division by zero/);
  });
});
