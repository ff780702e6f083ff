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
    // The demo store fits the model: every table's total row has a predicted CM-LTV with its 80% interval.
    const channels = page.getByRole("table", { name: "Acquisition channel" });
    const total = await channels.locator("tr", { hasText: "All customers" }).locator("td").allTextContents();
    expect(total[5]).toMatch(/^\$[\d,]+\.\d\d\$[\d,]+\.\d\d – \$[\d,]+\.\d\d$/);
    expect(await page.getByText(/Predicted CM-LTV is what a segment's customers have earned so far/).count()).toBe(1);
    // Every column fits in its card at 1280 px.
    const clipped = await channels.evaluate((el) => el.parentElement!.scrollWidth - el.parentElement!.clientWidth);
    expect(clipped).toBe(0);
  }, 300_000);

  it("shows LTV:CAC with bands", async () => {
    await open("/app/ltv-cac", "LTV:CAC");
    await page.getByText("What the bands mean").or(page.getByText("Add your marketing spend to see CAC")).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "ltv-cac.png"), fullPage: true });
    // The demo maps its marketing channels (Settings): the Online Store has a ratio, POS has no spend and shows "–".
    const table = page.getByRole("table", { name: "LTV:CAC by channel" });
    const online = await table.locator("tr", { hasText: "Online Store" }).locator("td").allTextContents();
    expect(online[5]).toMatch(/^\d+\.\dx/);
    const pos = await table.locator("tr", { hasText: "Point of Sale" }).locator("td").allTextContents();
    expect([pos[2], pos[3], pos[5], pos[8]]).toEqual(["–", "–", "–", "–"]);
    // Every column fits in its card: nothing to scroll to at 1280 px.
    const clipped = await table.evaluate((el) => el.parentElement!.scrollWidth - el.parentElement!.clientWidth);
    expect(clipped).toBe(0);
  }, 300_000);

  it("shows the marketing channel mapping in Settings", async () => {
    const response = await page.goto(`${demo.url}/app/settings`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    expect(await page.getByLabel("Meta spend counts for").inputValue()).toBe("2329312");
    expect(await page.getByLabel("Google spend counts for").inputValue()).toBe("web");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "settings.png"), fullPage: true });
  }, 300_000);
});
