import { isSafeNumber, parse } from "lossless-json";

/**
 * JSON.parse that keeps integers beyond 2^53 exact by returning them as strings. Shopify's REST
 * bodies carry such ids (order 820982911946154508 in its own test notification); plain JSON.parse
 * would silently change them.
 */
export function parseJsonExact(text: string): unknown {
  return parse(text, undefined, (value: string) =>
    isSafeNumber(value, { approx: false }) ? Number(value) : value,
  );
}
