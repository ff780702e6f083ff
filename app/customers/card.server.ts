/**
 * One customer of one shop: does the shop know them, and their card (figures and flags) for the API
 * route and the Customers page. Every query filters by the shop: a customer id of another shop is
 * simply unknown here, exactly like an id that exists nowhere.
 */
import { loadCustomerAnalytics, readValueEvents } from "~/analytics/input.server";
import { getAnalyticsSettings } from "~/analytics/settings.server";
import { atRiskFlag } from "~/domain/analytics";
import type { Db } from "~/db.server";
import { gidNumber } from "~/domain/ledger/gid";
import { divideRounded } from "~/domain/money/money";
import { shareInBps } from "~/domain/economics/exact-math";
import type { ShopSettings } from "~/shops/shops.server";
import { activityOf } from "./activity.server";
import { FLAG_KINDS } from "./flag-kinds";
import { CUSTOMER_CARD_VERSION, customerAppPath, type CustomerCard } from "./contract";
import type { CustomerQuery } from "./query";

/**
 * The customer id as this shop knows it: a customer merged into another (customers/merge) answers as
 * the kept one; null when the shop has never seen the customer on an order.
 */
export async function knownCustomerId(db: Db, shopId: string, customerId: string): Promise<string | null> {
  const merge = await db.customerMerge.findUnique({ where: { shopId_customerId: { shopId, customerId } }, select: { keptCustomerId: true } });
  const id = merge?.keptCustomerId ?? customerId;
  const [customer, order] = await Promise.all([
    db.customer.findUnique({ where: { shopId_id: { shopId, id } }, select: { id: true } }),
    db.order.findFirst({ where: { shopId, customerId: id }, select: { id: true } }),
  ]);
  return customer || order ? id : null;
}

export type Resolution =
  | { status: "found"; customerId: string; via: string }
  | { status: "not_found"; message: string }
  | { status: "guest_order"; message: string }
  | { status: "protected"; message: string }
  | { status: "empty" };

export const PROTECTED_SEARCH_MESSAGE =
  "Searching by name or email needs protected customer data, which this store has not granted to Margin LTV " +
  "(the app requests no name, email, phone or address). Search by order name (#1001) or customer id instead.";

/** The shop's customer a search names (see query.ts). */
export async function resolveCustomerQuery(db: Db, shopId: string, query: CustomerQuery): Promise<Resolution> {
  switch (query.kind) {
    case "empty":
      return { status: "empty" };
    case "protected":
      return { status: "protected", message: PROTECTED_SEARCH_MESSAGE };
    case "customer": {
      const id = await knownCustomerId(db, shopId, query.customerId);
      if (id) return { status: "found", customerId: id, via: `customer ${gidNumber(query.customerId)}` };
      if (query.orderNameFallback) return resolveCustomerQuery(db, shopId, { kind: "order_name", name: query.orderNameFallback });
      return { status: "not_found", message: `No customer ${gidNumber(query.customerId)} in this store's orders.` };
    }
    case "order_name":
    case "order_id": {
      const label = query.kind === "order_name" ? query.name : `order ${gidNumber(query.orderId)}`;
      const order = await db.order.findFirst({
        where: query.kind === "order_name" ? { shopId, name: query.name } : { shopId, id: query.orderId },
        select: { customerId: true },
      });
      if (!order) return { status: "not_found", message: `No order ${label} in this store.` };
      if (!order.customerId) return { status: "guest_order", message: `${label} is a guest order: it belongs to no customer.` };
      const id = (await knownCustomerId(db, shopId, order.customerId)) ?? order.customerId;
      return { status: "found", customerId: id, via: label };
    }
  }
}

/** The card of a customer of this shop, or null when the shop does not know the customer. */
export async function customerCard(db: Db, shop: ShopSettings, customerId: string): Promise<CustomerCard | null> {
  const id = await knownCustomerId(db, shop.id, customerId);
  if (!id) return null;
  const [{ facts, flags }, { events, cancelledOrderIds }, settings] = await Promise.all([
    loadCustomerAnalytics(db, shop, id), readValueEvents(db, shop.id, { customerIds: [id] }), getAnalyticsSettings(db, shop.id),
  ]);
  // The at-risk flag is valued here, from the customer's own history and the stored model parameters.
  const risk = facts ? atRiskFlag(facts, (await activityOf(db, shop, events, cancelledOrderIds))?.get(id), settings.thresholds) : null;
  const allFlags = [...(flags?.flags ?? []).filter((f) => f.kind !== "at_risk"), ...(risk ? [risk] : [])]
    .sort((a, b) => FLAG_KINDS.indexOf(a.kind) - FLAG_KINDS.indexOf(b.kind));
  return {
    version: CUSTOMER_CARD_VERSION,
    customerId: id,
    customerNumber: gidNumber(id),
    currency: shop.currency,
    currencyDigits: shop.currencyDigits,
    status: facts ? "ready" : "no_data",
    figures: facts
      ? {
          contributionMarginLtv: facts.contributionMargin,
          revenueLtv: facts.revenue,
          grossMarginLtv: facts.grossMargin,
          orders: facts.orders,
          marginPerOrder: facts.orders > 0 ? divideRounded(facts.contributionMargin, facts.orders) : null,
          contributionMarginBps: shareInBps(facts.contributionMargin, facts.revenue),
          firstOrderAt: facts.firstOrderAt.toISOString(),
        }
      : null,
    flags: allFlags.map((flag) => ({ kind: flag.kind, label: flag.label, reason: flag.reason, numbers: { ...flag.numbers } })),
    appPath: customerAppPath(id),
    protectedData: { granted: false, fields: [] },
  };
}
