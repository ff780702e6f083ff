/**
 * The COGS table of the demo store in Chromium: search a variant, edit its cost inline, see it saved
 * and the margins recompute; screenshot in test-results/screenshots/costs-cogs.png.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "~/demo/generator";
import { launchChromium, SCREENSHOT_DIR } from "./chromium";
import { startDemo, type DemoServer } from "./demo-server";

let demo: DemoServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("COGS per variant in Chromium", () => {
  it("lists the demo catalogue, searches, edits a cost inline and recomputes", async () => {
    const response = await page.goto(`${demo.url}/app/costs/cogs`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { level: 1, name: "COGS per variant" }).waitFor();
    const rows = page.locator("table tbody tr");
    await expect(rows.count()).resolves.toBe(50);
    await page.getByText(/^Page 1 of \d+$/).waitFor();

    const variant = buildCatalog(1, "USD").merchandise[0].variants[0];
    await page.getByPlaceholder("Search by title, SKU or variant id").fill(variant.sku);
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`q=${variant.sku}`));
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    await expect(row.innerText()).resolves.toContain(variant.sku);

    await row.getByRole("button", { name: /Edit cost of/ }).click();
    await row.getByPlaceholder("Unit cost").fill("-1");
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByText("Must not be negative: enter costs as positive amounts").waitFor();

    await row.getByPlaceholder("Unit cost").fill("12.34");
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByText("$12.34").waitFor();
    await page.getByText(/Recomputing margins|Margins are not up to date/).first().waitFor({ timeout: 10_000 }).catch(() => undefined);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "costs-cogs.png"), fullPage: true });
  });

  it("shows the cost stack on the Costs hub", async () => {
    await page.goto(`${demo.url}/app/costs`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { level: 1, name: "Costs" }).waitFor();
    await page.getByText("Top revenue variants without a cost").waitFor();
    await page.getByText("Shopify Payments 2.9% + $0.30; PayPal 3.49% + $0.49", { exact: false }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "costs-hub.png"), fullPage: true });
  });
});
