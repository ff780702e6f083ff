import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { assertDemoDatabase, DEMO_SHOP_DOMAIN, DemoDatabaseError, isDemoRequest } from "~/auth/demo-mode.server";
import { requireShop } from "~/auth/shop-context.server";
import { upsertShop } from "~/shops/shops.server";
import { resetDb } from "../support/db";

const local = { demoServer: true, remoteAddress: "127.0.0.1" };

beforeEach(async () => {
  await resetDb();
  process.env.DEMO_MODE = "1";
});
afterEach(() => {
  delete process.env.DEMO_MODE;
});

describe("isDemoRequest", () => {
  it("holds only when every condition holds", () => {
    expect(isDemoRequest(new Request("http://localhost:3000/app"), local)).toBe(true);
    expect(isDemoRequest(new Request("http://127.0.0.1:3000/app"), { demoServer: true, remoteAddress: "::ffff:127.0.0.1" })).toBe(true);
  });

  it("is off unless DEMO_MODE=1", () => {
    delete process.env.DEMO_MODE;
    expect(isDemoRequest(new Request("http://localhost:3000/app"), local)).toBe(false);
    process.env.DEMO_MODE = "true";
    expect(isDemoRequest(new Request("http://localhost:3000/app"), local)).toBe(false);
  });

  it("needs the demo server's load context", () => {
    expect(isDemoRequest(new Request("http://localhost:3000/app"), {})).toBe(false);
    expect(isDemoRequest(new Request("http://localhost:3000/app"), undefined)).toBe(false);
    expect(isDemoRequest(new Request("http://localhost:3000/app"), { demoServer: "yes", remoteAddress: "127.0.0.1" })).toBe(false);
  });

  it("refuses clients that are not on loopback", () => {
    expect(isDemoRequest(new Request("http://localhost:3000/app"), { demoServer: true, remoteAddress: "10.0.0.5" })).toBe(false);
    expect(isDemoRequest(new Request("http://localhost:3000/app"), { demoServer: true })).toBe(false);
  });

  it("refuses host names that are not loopback (DNS rebinding)", () => {
    expect(isDemoRequest(new Request("http://margin-ltv.example.com/app"), local)).toBe(false);
    expect(isDemoRequest(new Request("http://localhost.example.com/app"), local)).toBe(false);
  });
});

describe("assertDemoDatabase", () => {
  it("accepts an empty database or one holding only the demo shop", async () => {
    await expect(assertDemoDatabase(db)).resolves.toBeUndefined();
    await upsertShop(db, { id: DEMO_SHOP_DOMAIN, currency: "USD", isDemo: true });
    await expect(assertDemoDatabase(db)).resolves.toBeUndefined();
  });

  it("refuses a database with a real shop or a Shopify session", async () => {
    await upsertShop(db, { id: "real-store.myshopify.com", currency: "USD" });
    await expect(assertDemoDatabase(db)).rejects.toBeInstanceOf(DemoDatabaseError);
    await resetDb();
    await db.session.create({ data: { id: "offline_x", shop: "x.myshopify.com", state: "s", accessToken: "t" } });
    await expect(assertDemoDatabase(db)).rejects.toThrow(/1 Shopify session/);
  });

  it("refuses a shop row that uses the demo domain without being the demo", async () => {
    await upsertShop(db, { id: DEMO_SHOP_DOMAIN, currency: "USD", isDemo: false });
    await expect(assertDemoDatabase(db)).rejects.toBeInstanceOf(DemoDatabaseError);
  });
});

describe("requireShop in demo mode", () => {
  it("answers 503 with a hint when the demo store was not generated", async () => {
    const thrown = await requireShop(new Request("http://localhost:3000/app"), local).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(503);
    expect(await (thrown as Response).text()).toMatch(/npm run demo/);
  });

  it("returns the demo shop without authentication", async () => {
    await upsertShop(db, { id: DEMO_SHOP_DOMAIN, currency: "USD", ianaTimezone: "America/New_York", isDemo: true });
    const context = await requireShop(new Request("http://localhost:3000/app"), local);
    expect(context.demo).toBe(true);
    expect(context.admin).toBeNull();
    expect(context.shop.id).toBe(DEMO_SHOP_DOMAIN);
  });
});
