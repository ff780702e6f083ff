// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen } from "@testing-library/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it } from "vitest";
import { getAnalyticsSettings } from "~/analytics/settings.server";
import db from "~/db.server";
import { DEFAULT_SEGMENT_THRESHOLDS, SEGMENT_THRESHOLD_DESCRIPTIONS } from "~/domain/analytics";
import { insertRows } from "~/lib/chunks";
import Settings, { action, loader, toField } from "~/routes/app.settings";
import { seedAnalyticsStore, SHOP, AS_OF } from "../analytics/fixture";
import { adminPost, callLoader } from "../costs/request";
import { resetDb } from "../support/db";

const thresholdFields = Object.fromEntries(Object.entries(DEFAULT_SEGMENT_THRESHOLDS)
  .map(([key, value]) => [key, toField(value, SEGMENT_THRESHOLD_DESCRIPTIONS[key as keyof typeof DEFAULT_SEGMENT_THRESHOLDS].unit)]));
const post = async (fields: Record<string, string>) =>
  action({ request: await adminPost("https://margin-ltv.test/app/settings", SHOP, { ...thresholdFields, vertical: "", ...fields }), params: {}, context: {} });

beforeAll(async () => {
  await resetDb();
  await seedAnalyticsStore(); // spend on "web" and "pos"; orders through web and pos
  await insertRows(db, "MarketingSpend", [{ shopId: SHOP, month: "2026-01", channel: "Meta Ads", amount: 5000n, source: "manual", updatedAt: AS_OF }]);
});

describe("Settings: marketing channel mapping", () => {
  it("offers every marketing channel with the shop's sales channels by name", async () => {
    const data = await callLoader(loader, "https://margin-ltv.test/app/settings", SHOP);
    expect(data.channels).toEqual({ marketingChannels: ["Meta Ads", "pos", "web"], salesChannels: ["web", "pos"] });
    const Stub = createRemixStub([{ path: "/app/settings", Component: () => <AppProvider i18n={en}><Settings /></AppProvider>, loader: () => data }]);
    render(<Stub initialEntries={["/app/settings"]} />);
    const meta = await screen.findByLabelText("Meta Ads spend counts for") as HTMLSelectElement;
    expect([...meta.options].map((o) => o.textContent)).toEqual(["Same name as the marketing channel", "Online Store (web)", "Point of Sale (pos)"]);
    expect(meta.value).toBe("");
  });

  it("saves a mapping to one of the shop's sales channels", async () => {
    expect(await post({ "map:Meta Ads": "web", "map:web": "", "map:pos": "" })).toEqual({ ok: true, errors: {} });
    expect((await getAnalyticsSettings(db, SHOP)).channelMapping).toEqual({ "Meta Ads": "web" });
  });

  it("refuses a channel the shop does not sell through, inline, saving nothing", async () => {
    const result = await post({ "map:Meta Ads": "tiktok", minSegmentCustomers: "abc" });
    expect(result).toMatchObject({ ok: false, errors: { "map:Meta Ads": "Choose one of your sales channels", minSegmentCustomers: "Enter a number" } });
    expect((await getAnalyticsSettings(db, SHOP)).channelMapping).toEqual({ "Meta Ads": "web" });
  });
});
