/**
 * Every flagged customer of a shop, by flag kind, for the Customers page's list and its CSV. The flags
 * are the domain's (flagCustomers) over every customer's lifetime facts, with the shop's segment
 * thresholds (the Segments page's settings). The list is cached per shop until anything it depends on
 * changes (the analytics stamp: orders, margins, costs, settings; and the stored model, for at risk), so paging
 * through it is cheap.
 */
import { loadAnalyticsInput } from "~/analytics/input.server";
import { getAnalyticsSettings } from "~/analytics/settings.server";
import { PROJECTIONS_VIEW } from "~/analytics/projections.server";
import { currentStamp } from "~/analytics/snapshot.server";
import type { Db } from "~/db.server";
import { buildCustomerFacts, flagCustomers, prepareAnalytics, type CustomerFlag, type CustomerFlagKind } from "~/domain/analytics";
import { gidNumber } from "~/domain/ledger/gid";
import type { ShopSettings } from "~/shops/shops.server";
import { activityOf } from "./activity.server";
import { FLAG_KINDS } from "./flag-kinds";

export { FLAG_KINDS };

export interface FlaggedCustomer {
  customerId: string;
  customerNumber: string;
  contributionMargin: number;
  revenue: number;
  orders: number;
  flags: CustomerFlag[];
}

export interface FlaggedCustomers {
  stamp: number;
  customers: number;
  /** Per kind, the customers with that flag: high value by margin (highest first), the others worst margin first. */
  byKind: Record<CustomerFlagKind, FlaggedCustomer[]>;
}

const cache = new Map<string, Promise<FlaggedCustomers>>();
const cacheStamp = new Map<string, string>();

async function compute(db: Db, shop: ShopSettings, stamp: number): Promise<FlaggedCustomers> {
  const [{ input, orders }, settings] = await Promise.all([loadAnalyticsInput(db, shop), getAnalyticsSettings(db, shop.id)]);
  const facts = buildCustomerFacts(prepareAnalytics(input), orders);
  const activity = await activityOf(db, shop, input.events, input.cancelledOrderIds);
  const sets = flagCustomers(facts, { currency: shop.currency, thresholds: settings.thresholds, activity });
  const byKind = Object.fromEntries(FLAG_KINDS.map((kind) => [kind, [] as FlaggedCustomer[]])) as Record<CustomerFlagKind, FlaggedCustomer[]>;
  sets.forEach((set, i) => {
    if (set.flags.length === 0) return;
    const c = facts[i];
    const row: FlaggedCustomer = {
      customerId: c.customerId, customerNumber: gidNumber(c.customerId), contributionMargin: c.contributionMargin, revenue: c.revenue,
      orders: c.orders, flags: set.flags,
    };
    for (const flag of set.flags) byKind[flag.kind].push(row);
  });
  for (const kind of FLAG_KINDS) {
    const sign = kind === "high_value" ? -1 : 1;
    byKind[kind].sort((a, b) => sign * (a.contributionMargin - b.contributionMargin) || (a.customerId < b.customerId ? -1 : 1));
  }
  return { stamp, customers: facts.length, byKind };
}

export async function flaggedCustomers(db: Db, shop: ShopSettings): Promise<FlaggedCustomers> {
  const [stampDate, model] = await Promise.all([
    currentStamp(db, shop.id),
    // The at-risk flags follow the model the refresh stores, which moves without moving the stamp.
    db.analyticsSnapshot.findUnique({ where: { shopId_view: { shopId: shop.id, view: PROJECTIONS_VIEW } }, select: { computedAt: true } }),
  ]);
  const stamp = stampDate.getTime();
  const version = `${stamp}:${model?.computedAt.getTime() ?? 0}`;
  const key = shop.id;
  let pending = cache.get(key);
  if (!pending || cacheStamp.get(key) !== version) {
    pending = compute(db, shop, stamp);
    cache.set(key, pending);
    cacheStamp.set(key, version);
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
  }
  return pending;
}

/** For tests: forget the cached lists. */
export function clearFlaggedCache(): void {
  cache.clear();
  cacheStamp.clear();
}

export function flagOf(row: FlaggedCustomer, kind: CustomerFlagKind): CustomerFlag | undefined {
  return row.flags.find((flag) => flag.kind === kind);
}
