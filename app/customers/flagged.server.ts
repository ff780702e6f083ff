/**
 * Every flagged customer of a shop, by flag kind, for the Customers page's list and its CSV. The flags
 * are the domain's (flagCustomers) over every customer's lifetime facts, with the shop's segment
 * thresholds (the Segments page's settings).
 *
 * The lists come from the last analytics refresh, which stores them (app/customers/flag-lists.server.ts)
 * with the model it fitted; like the other pages, stale lists are shown while a newer refresh runs.
 * Where no stored list matches the stored model (before the first refresh, or a model stored apart
 * from a refresh), they are computed here, and cached per shop until anything they depend on changes
 * (the analytics stamp: orders, margins, costs, settings; and the stored model, for at risk).
 */
import { loadAnalyticsInput } from "~/analytics/input.server";
import { getAnalyticsSettings } from "~/analytics/settings.server";
import { PROJECTIONS_VIEW } from "~/analytics/projections.server";
import { currentStamp, readSnapshotRow, readView } from "~/analytics/snapshot.server";
import type { Db } from "~/db.server";
import { buildCustomerFacts, prepareAnalytics, type CustomerFlagKind } from "~/domain/analytics";
import type { ShopSettings } from "~/shops/shops.server";
import { activityOf } from "./activity.server";
import { buildFlagLists, FLAGGED_VIEW, storedFlagCounts, storedFlagRows, type FlaggedPayload, type FlaggedRow, type FlagLists } from "./flag-lists.server";
import { FLAG_KINDS } from "./flag-kinds";

export { FLAG_KINDS, type FlaggedRow };

export interface FlaggedCustomers {
  /** Customers considered (every customer with an order). */
  customers: number;
  counts: Record<CustomerFlagKind, number>;
  /** When the lists were computed: the refresh's time, or null when computed for this request. */
  computedAt: string | null;
  /** `limit` rows of a kind's list from `offset`, all of them without a limit. */
  rows(kind: CustomerFlagKind, offset?: number, limit?: number): Promise<FlaggedRow[]>;
}

interface Computed {
  customers: number;
  lists: FlagLists;
}

const cache = new Map<string, Promise<Computed>>();
const cacheStamp = new Map<string, string>();

async function compute(db: Db, shop: ShopSettings): Promise<Computed> {
  const [{ input, orderTotals }, settings] = await Promise.all([loadAnalyticsInput(db, shop), getAnalyticsSettings(db, shop.id)]);
  const facts = buildCustomerFacts(prepareAnalytics(input), orderTotals);
  const activity = await activityOf(db, shop, input.events, input.cancelledOrderIds);
  return { customers: facts.length, lists: buildFlagLists(facts, { currency: shop.currency, thresholds: settings.thresholds, activity }) };
}

function computedOnce(db: Db, shop: ShopSettings, version: string): Promise<Computed> {
  const key = shop.id;
  let pending = cache.get(key);
  if (!pending || cacheStamp.get(key) !== version) {
    pending = compute(db, shop);
    cache.set(key, pending);
    cacheStamp.set(key, version);
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
  }
  return pending;
}

export async function flaggedCustomers(db: Db, shop: ShopSettings): Promise<FlaggedCustomers> {
  const [stored, model] = await Promise.all([
    readSnapshotRow<FlaggedPayload>(db, shop.id, FLAGGED_VIEW),
    // The at-risk flags follow the stored model, which a refresh stores with the lists.
    db.analyticsSnapshot.findUnique({ where: { shopId_view: { shopId: shop.id, view: PROJECTIONS_VIEW } }, select: { computedAt: true } }),
  ]);
  if (stored && model && stored.computedAt.getTime() === model.computedAt.getTime()) {
    await readView(db, shop.id, "customers"); // asks for a refresh when the lists are stale
    return {
      customers: stored.payload.customers, counts: await storedFlagCounts(db, shop.id), computedAt: stored.computedAt.toISOString(),
      rows: (kind, offset, limit) => storedFlagRows(db, shop.id, kind, offset, limit),
    };
  }
  const stamp = (await currentStamp(db, shop.id)).getTime();
  const computed = await computedOnce(db, shop, `${stamp}:${model?.computedAt.getTime() ?? 0}`);
  return {
    customers: computed.customers,
    counts: Object.fromEntries(FLAG_KINDS.map((kind) => [kind, computed.lists[kind].length])) as Record<CustomerFlagKind, number>,
    computedAt: null,
    rows: async (kind, offset = 0, limit) => computed.lists[kind].slice(offset, limit === undefined ? undefined : offset + limit),
  };
}

/** For tests: forget the cached lists. */
export function clearFlaggedCache(): void {
  cache.clear();
  cacheStamp.clear();
}
