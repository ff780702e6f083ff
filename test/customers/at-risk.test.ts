/**
 * The at-risk flag end to end: with the model's parameters stored by the refresh (the "projections"
 * row), a customer whose probability of still being active is just below the threshold is flagged on
 * the card, in the API route's answer and in the flagged list; just above it, nowhere. Without a
 * fitted model nobody is flagged and the list says why.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECTIONS_VIEW } from "~/analytics/projections.server";
import { saveAnalyticsSettings } from "~/analytics/settings.server";
import { refreshAnalytics } from "~/analytics/snapshot.server";
import { customerCard } from "~/customers/card.server";
import { clearFlaggedCache } from "~/customers/flagged.server";
import db from "~/db.server";
import { DEFAULT_SEGMENT_THRESHOLDS } from "~/domain/analytics";
import { probabilityAlive } from "~/domain/clv";
import { loader as apiLoader } from "~/routes/api.customers.$customerId";
import { loader } from "~/routes/app.customers";
import { getShop } from "~/shops/shops.server";
import { adminRequest, bearerRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { customer, seedFlagStore, SHOP } from "./fixture";

const PARAMS = { r: 0.5, alpha: 2, a: 0.8, b: 2.5 };
// Customer 1: orders 200, 150 and 100 days ago (UTC days), seen today: x = 2, t_x = 100/7, T = 200/7 weeks.
const P1 = probabilityAlive(PARAMS, { frequency: 2, recency: 100 / 7, T: 200 / 7 });

async function storeModel(status: "ready" | "unavailable"): Promise<void> {
  const payload = status === "ready"
    ? { status, ms: 1, calibrationEnd: "2026-01-01", level: 0.8, method: "delta-method-parameter-covariance", intervalMessage: null, cohorts: [],
        nonPositiveMarginCustomers: 0, model: { timeUnit: "weeks", calibrationEnd: "2026-01-01", customers: 8, bgnbd: { params: PARAMS, logLikelihood: -1, converged: true },
          gammaGamma: { params: { p: 6, q: 4, v: 15 }, converged: true } } }
    : { status, ms: 1, message: "The history does not identify the purchase model yet (8 customers, 5 with a repeat purchase)." };
  const now = new Date();
  const data = { payload: JSON.stringify(payload), asOf: now, computedAt: now, costVersion: 0, watermark: now, ms: 1 };
  await db.analyticsSnapshot.upsert({ where: { shopId_view: { shopId: SHOP, view: PROJECTIONS_VIEW } }, create: { shopId: SHOP, view: PROJECTIONS_VIEW, ...data }, update: data });
  clearFlaggedCache();
}

async function withThresholdBps(bps: number): Promise<void> {
  await saveAnalyticsSettings(db, SHOP, { thresholds: { ...DEFAULT_SEGMENT_THRESHOLDS, atRiskBelowProbabilityBps: bps } });
  await refreshAnalytics(db, SHOP); // snapshots as fresh as the settings, so no page asks for another refresh
}

const page = async (search: string) =>
  loader({ request: await adminRequest(`https://margin-ltv.test/app/customers${search}`, SHOP), params: {}, context: {} } as LoaderFunctionArgs);

beforeAll(async () => {
  await resetDb();
  clearFlaggedCache();
  await seedFlagStore();
});

describe("at risk", () => {
  it("flags a customer just below the threshold everywhere, with the reason in words", async () => {
    expect(P1).toBeGreaterThan(0.01);
    expect(P1).toBeLessThan(0.99);
    await withThresholdBps(Math.floor(P1 * 10_000) + 1);
    await storeModel("ready");
    const shop = (await getShop(db, SHOP))!;
    const card = (await customerCard(db, shop, customer(1)))!;
    const flag = card.flags.find((f) => f.kind === "at_risk")!;
    const shown = Math.floor(P1 * 10_000);
    expect(flag.numbers).toMatchObject({ probabilityAliveBps: shown, daysSinceLastOrder: 100, meanDaysBetweenOrders: 50, orders: 3 });
    expect(flag.reason).toMatch(/^Probability still active [\d.]+% \(below [\d.]+%\): last order 100 days ago, usually orders every 50 days$/);
    // Flags keep the page's order (at risk after the others, before "new").
    expect(card.flags.map((f) => f.kind)).toEqual(["high_value", "at_risk"]);

    const api = await apiLoader({ request: await bearerRequest("https://margin-ltv.test/api/customers/1", SHOP), params: { customerId: "1" }, context: {} } as LoaderFunctionArgs);
    const body = await (api as Response).json();
    expect(body.flags.find((f: { kind: string }) => f.kind === "at_risk").reason).toBe(flag.reason);

    const list = await page("?flag=at_risk");
    expect(list.flagged.rows.map((r) => r.customerId)).toContain(customer(1));
    expect(list.flagged.rows.find((r) => r.customerId === customer(1))!.reason).toBe(flag.reason);
    // A one-order customer is never at risk, however unlikely the model thinks their return.
    expect(list.flagged.rows.map((r) => r.customerId)).not.toContain(customer(7));
  });

  it("does not flag the same customer at the threshold itself", async () => {
    await withThresholdBps(Math.floor(P1 * 10_000));
    await storeModel("ready");
    const card = (await customerCard(db, (await getShop(db, SHOP))!, customer(1)))!;
    expect(card.flags.map((f) => f.kind)).not.toContain("at_risk");
    expect((await page("?flag=at_risk")).flagged.rows.map((r) => r.customerId)).not.toContain(customer(1));
  });

  it("flags nobody without a fitted model, and says why", async () => {
    await withThresholdBps(9_999);
    await storeModel("unavailable");
    const card = (await customerCard(db, (await getShop(db, SHOP))!, customer(1)))!;
    expect(card.flags.map((f) => f.kind)).not.toContain("at_risk");
    const list = await page("?flag=at_risk");
    expect(list.flagged.total).toBe(0);
    expect(list.flagged.help).toMatch(/predictive model could not be fitted: The history does not identify/);
  });
});
