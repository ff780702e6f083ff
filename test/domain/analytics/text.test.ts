import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney } from "~/domain/money/money";
import { count, listInWords, moneyFormatter, oneDecimal, ordinal, percent, percentExact } from "~/domain/analytics/text";

describe("wording helpers", () => {
  it("ordinals, counts and lists", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 1002].map(ordinal))
      .toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th", "1,002nd"]);
    expect([count(999), count(1000), count(-1500)]).toEqual(["999", "1,000", "-1,500"]);
    expect([listInWords(["a"]), listInWords(["a", "b"]), listInWords(["a", "b", "c"])]).toEqual(["a", "a and b", "a, b and c"]);
  });

  it("percentages round half away from zero; exact ones keep their decimals", () => {
    expect([percent(3125), percent(3150), percent(50), percent(49), percent(-250)]).toEqual(["31%", "32%", "1%", "0%", "-3%"]);
    expect([percentExact(4999), percentExact(5000), percentExact(4990), percentExact(5)]).toEqual(["49.99%", "50%", "49.9%", "0.05%"]);
    expect([oneDecimal(133), oneDecimal(100), oneDecimal(225), oneDecimal(-15)]).toEqual(["1.3", "1.0", "2.3", "-0.2"]);
  });

  it("the fast money formatter writes what Intl writes", () => {
    const currencies = ["USD", "EUR", "JPY", "KWD", "GBP", "CHF"];
    const locales = ["en-US", "de-DE", "fr-FR", "en-IN"];
    fc.assert(fc.property(fc.constantFrom(...currencies), fc.constantFrom(...locales), fc.integer({ min: -1e12, max: 1e12 }),
      (currency, locale, minor) => {
        const digits = { JPY: 0, KWD: 3 }[currency] ?? 2;
        expect(moneyFormatter(currency, locale)(minor)).toBe(formatMoney(minor, currency, digits, locale));
      }), { numRuns: 300 });
  });
});
