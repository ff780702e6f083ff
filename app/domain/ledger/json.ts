import { isSafeNumber, parse } from "lossless-json";

/**
 * JSON.parse that keeps integers beyond 2^53 exact by returning them as strings. Shopify's REST
 * bodies carry such ids (order 820982911946154508 in its own test notification); plain JSON.parse
 * would silently change them.
 *
 * Fast path: a number of at most 15 digits is always exact as a double, so a text without any run of
 * 16 digits is parsed with JSON.parse (about 5x faster); any such run, even inside a string, takes the
 * lossless parser.
 */
export function parseJsonExact(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  return parse(text, undefined, (value: string) =>
    isSafeNumber(value, { approx: false }) ? Number(value) : value,
  );
}
