/**
 * Opens the Cohorts, Segments and LTV:CAC pages of the demo store in Chromium and saves screenshots
 * (test-results/screenshots/{cohorts,segments,ltv-cac}.png). The demo computes its analytics on the
 * first visit; the pages say so and reload themselves until the figures are there.
 */
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOT_DIR } from "./chromium";
import { startDemo, type DemoServer } from "./demo-server";

let demo: DemoServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function open(pathname: string, heading: string) {
  const response = await page.goto(`${demo.url}${pathname}`, { waitUntil: "networkidle" });
  expect(response?.status()).toBe(200);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await page.getByText(/^Figures as of /).first().waitFor({ timeout: 180_000 });
}

describe("analytics pages of the demo store", () => {
  it("shows the cohort heatmap, its chart and the formula view", async () => {
    await open("/app/cohorts", "Cohorts");
    const table = page.getByRole("table", { name: "Cohort triangle" });
    await table.waitFor();
    expect(await table.locator("tbody tr").count()).toBeGreaterThan(12);
    await page.locator("[role=figure] svg").first().waitFor({ timeout: 30_000 });
    await page.getByText("Simple model vs. what cohorts returned").waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "cohorts.png"), fullPage: true });
    await table.locator("tbody tr").first().locator("a").first().click();
    await page.waitForURL(/\/app\/cohorts\/cell/);
    await page.getByText("Orders and refunds in the cell").waitFor();
  }, 300_000);

  it("shows the segment tables", async () => {
    await open("/app/segments", "Segments");
    await page.getByRole("heading", { name: "Acquisition channel" }).waitFor();
    await page.getByRole("heading", { name: "Behaviour" }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "segments.png"), fullPage: true });
  }, 300_000);

  it("shows LTV:CAC with bands", async () => {
    await open("/app/ltv-cac", "LTV:CAC");
    await page.getByText("What the bands mean").or(page.getByText("Add your marketing spend to see CAC")).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "ltv-cac.png"), fullPage: true });
  }, 300_000);
});
