/**
 * The Overview reads its ledger figures from the analytics snapshot while nothing changed after it,
 * and computes them from the ledger again as soon as anything did.
 */
import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { computeOverview, getOverview, OVERVIEW_VIEW } from "~/analytics/overview.server";
import { currentStamp, refreshAnalytics } from "~/analytics/snapshot.server";
import { getShop } from "~/shops/shops.server";
import { resetDb } from "../support/db";
import { AS_OF, seedAnalyticsStore, SHOP } from "./fixture";

beforeAll(async () => {
  await resetDb();
  await seedAnalyticsStore();
  await refreshAnalytics(db, SHOP, { asOf: AS_OF });
});

describe("Overview from the snapshot", () => {
  it("stores the same figures the ledger gives", async () => {
    const shop = (await getShop(db, SHOP))!;
    const live = await computeOverview(db, shop);
    expect(live.orders).toBeGreaterThan(0);
    expect(await getOverview(db, shop)).toEqual(live);
  });

  it("uses the snapshot while it is current and the ledger once an order changed", async () => {
    const shop = (await getShop(db, SHOP))!;
    const live = await computeOverview(db, shop);
    const row = (await db.analyticsSnapshot.findUnique({ where: { shopId_view: { shopId: SHOP, view: OVERVIEW_VIEW } } }))!;
    // Mark the stored row so that reading it is visible.
    await db.analyticsSnapshot.update({
      where: { shopId_view: { shopId: SHOP, view: OVERVIEW_VIEW } }, data: { payload: JSON.stringify({ ...JSON.parse(row.payload), orders: 999 }) },
    });
    expect((await getOverview(db, shop)).orders).toBe(999);
    await db.shop.update({ where: { id: SHOP }, data: { lastOrderAt: new Date(row.watermark.getTime() + 1_000) } });
    expect((await currentStamp(db, SHOP)).getTime()).toBe(row.watermark.getTime() + 1_000);
    expect((await getOverview(db, (await getShop(db, SHOP))!)).orders).toBe(live.orders);
  });
});
