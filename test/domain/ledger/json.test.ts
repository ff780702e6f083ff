import { describe, expect, it } from "vitest";
import { parseJsonExact } from "~/domain/ledger/json";

describe("parseJsonExact", () => {
  it("keeps integers above 2^53 exact, as strings", () => {
    const value = parseJsonExact('{"id": 820982911946154508, "n": 42, "price": 3.98}') as Record<string, unknown>;
    expect(value).toEqual({ id: "820982911946154508", n: 42, price: 3.98 });
  });

  it("keeps the largest safe integer a number", () => {
    expect(parseJsonExact("[9007199254740991, 9007199254740993]")).toEqual([9007199254740991, "9007199254740993"]);
  });

  it("parses ordinary bodies like JSON.parse", () => {
    const text = '{"a": [1, 2.5, -3], "b": "12345678901234567890", "c": null, "d": true}';
    expect(parseJsonExact(text)).toEqual(JSON.parse(text));
  });

  it("throws SyntaxError on malformed JSON on both paths", () => {
    expect(() => parseJsonExact('{"id": ')).toThrow(SyntaxError);
    expect(() => parseJsonExact('{"id": 12345678901234567890')).toThrow(SyntaxError);
  });
});
