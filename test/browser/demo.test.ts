/**
 * Opens the demo store in Chromium as a merchant would, checks the Overview's figures against the
 * generator's own payloads (computed independently in expected-figures.ts), and saves screenshots.
 */
import { writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOT_DIR } from "./chromium";
import { startDemo, type DemoServer } from "./demo-server";
import { expectedFigures } from "./expected-figures";

let demo: DemoServer;
let browser: Browser;
let page: Page;

const usd = (cents: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
const day = (iso: string) =>
  new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", year: "numeric", month: "short", day: "numeric" }).format(new Date(iso));

beforeAll(async () => {
  demo = await startDemo();
  console.log(`npm run demo -> page served in ${(demo.msToPageServed / 1000).toFixed(1)} s`);
  const seeded = /ingested (\d+) orders .* in ([\d.]+)s: (\d+) orders\/s/.exec(demo.log());
  if (seeded) console.log(`seeding: ${seeded[1]} orders in ${seeded[2]} s, ${seeded[3]} orders/s`);
  browser = await launchChromium();
  writeFileSync(path.join(SCREENSHOT_DIR, "..", "demo-timing.json"), JSON.stringify({ msToPageServed: demo.msToPageServed, seeded: seeded?.slice(1) }, null, 2));
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function metric(label: string): Promise<string> {
  const card = page.locator(".Polaris-ShadowBevel", { has: page.locator("h3", { hasText: label }) });
  return (await card.locator("p").first().innerText()).trim();
}

describe("the demo store in Chromium", () => {
  it("shows the generated store's true figures on the Overview", async () => {
    const response = await page.goto(`${demo.url}/app`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await page.getByText("Demo data", { exact: true }).waitFor();

    const expected = expectedFigures();
    expect(expected.orders).toBeGreaterThan(14000);
    expect(await metric("Customers")).toBe(expected.customers.toLocaleString("en-US"));
    expect(await metric("Orders")).toBe(expected.orders.toLocaleString("en-US"));
    expect(await metric("Net revenue")).toBe(usd(expected.netRevenueCents));
    const aov = Math.round(expected.netRevenueCents / expected.orders);
    expect(await metric("Average order value")).toBe(usd(aov));
    expect(await metric("Repeat-purchase rate")).toBe(`${((expected.repeatCustomers / expected.customers) * 100).toFixed(1)}%`);
    expect(await metric("Order history")).toBe(`${day(expected.firstOrderAt)} – ${day(expected.lastOrderAt)}`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "overview.png"), fullPage: true });
  });

  it("traces the figures to the Orders table, page by page", async () => {
    await page.getByRole("link", { name: "See the orders behind these figures" }).click();
    await page.waitForURL(/\/app\/orders/);
    await page.getByRole("heading", { level: 1, name: "Orders" }).waitFor();
    const rows = page.locator("table tbody tr");
    await expect(rows.count()).resolves.toBe(50);
    const firstPage = await rows.first().innerText();
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/page=2/);
    await page.getByText(/^Page 2 of \d+$/).waitFor();
    await expect.poll(() => rows.first().innerText()).not.toBe(firstPage);
    for (const loading of await page.getByText("Loading orders…").all()) await loading.waitFor({ state: "hidden" });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "orders.png"), fullPage: false });
  });

  it("refuses the demo to anyone not on loopback by host name", async () => {
    // Same server, but a Host header that is not loopback (fetch would drop it; node:http sends it):
    // the request is not the demo's, so it goes to Shopify authentication and gets no store data.
    const { port } = new URL(demo.url);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.get({ host: "127.0.0.1", port, path: "/app", headers: { Host: "margin-ltv.example.com" } }, (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on("error", reject);
    });
    expect(status).not.toBe(200);
    expect(body).not.toContain("Net revenue");
  });
});
