import { readFileSync } from "node:fs";
import path from "node:path";

const dir = path.resolve("test/fixtures/shopify-webhooks");

/** The raw text of a Shopify fixture body (parse it with parseJsonExact: some ids exceed 2^53). */
export function fixtureText(name: string): string {
  return readFileSync(path.join(dir, name), "utf8");
}
