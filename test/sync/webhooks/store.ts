/**
 * A small generated store's webhook history, as Shopify would deliver it: each order's snapshots
 * (orders/create, orders/updated with changing lines, orders/cancelled), refunds (refunds/create, and
 * embedded in every later snapshot), an occasional orders/delete, test order, customer merge and
 * inventory cost change. `events` is in the order things happened; each has its own webhook id.
 */
import fc from "fast-check";
import { orderBody, type LineInput, type RefundInput } from "../../support/orders";
import type { Topic } from "./support";

export interface Delivery {
  topic: Topic;
  body: string;
  webhookId: string;
  /** When it happened (ms since epoch); in-order delivery sorts on it. */
  at: number;
}

interface LineSpec {
  price: number; // cents
  quantity: number;
  tax: number; // cents
}

interface VersionSpec {
  lines: (LineSpec | null)[]; // per line slot: present or removed
  shipping: number;
}

interface RefundSpec {
  afterVersion: number;
  slot: number;
  quantity: number;
  shipping: boolean;
}

interface OrderSpec {
  customer: number | null; // 0 | 1 | null (guest)
  taxesIncluded: boolean;
  test: boolean;
  versions: VersionSpec[];
  cancelled: boolean;
  refunds: RefundSpec[];
  deleted: boolean;
}

export interface StoreSpec {
  orders: OrderSpec[];
  /** Customer 0 is merged into customer 1 this many hours after the start. */
  mergeAtHours: number | null;
  inventory: { item: number; hours: number; cost: number | null }[];
}

const HOUR = 3_600_000;
const START = Date.parse("2026-03-01T00:00:00Z");
const CUSTOMERS = [601, 602];

const lineSpec = fc.record({ price: fc.integer({ min: 100, max: 9_999 }), quantity: fc.integer({ min: 1, max: 3 }), tax: fc.integer({ min: 0, max: 300 }) });
const versionSpec = fc.record({
  lines: fc.array(fc.option(lineSpec, { nil: null, freq: 4 }), { minLength: 3, maxLength: 3 }).filter((lines) => lines.some((line) => line !== null)),
  shipping: fc.constantFrom(0, 500, 1_000),
});

const orderSpec = fc
  .record({
    customer: fc.constantFrom<number | null>(0, 1, null),
    taxesIncluded: fc.boolean(),
    test: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    versions: fc.array(versionSpec, { minLength: 1, maxLength: 3 }),
    cancelled: fc.boolean(),
    refunds: fc.array(
      fc.record({ afterVersion: fc.nat(), slot: fc.nat({ max: 2 }), quantity: fc.integer({ min: 1, max: 3 }), shipping: fc.boolean() }),
      { maxLength: 2 },
    ),
    deleted: fc.boolean(),
  })
  .map((order) => ({
    ...order,
    deleted: order.deleted && order.versions.length > 1, // not too often
    // A refund refers to a line present in the version it follows, for at most its quantity.
    refunds: order.refunds.flatMap((refund) => {
      const afterVersion = refund.afterVersion % order.versions.length;
      const line = order.versions[afterVersion].lines[refund.slot];
      return line ? [{ ...refund, afterVersion, quantity: Math.min(refund.quantity, line.quantity) }] : [];
    }),
  }));

export const storeSpec: fc.Arbitrary<StoreSpec> = fc.record({
  orders: fc.array(orderSpec, { minLength: 1, maxLength: 3 }),
  mergeAtHours: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
  inventory: fc.array(
    fc.record({ item: fc.integer({ min: 1, max: 2 }), hours: fc.integer({ min: 0, max: 120 }), cost: fc.option(fc.integer({ min: 100, max: 5_000 }), { nil: null }) }),
    { maxLength: 3 },
  ),
});

const money = (cents: number) => (cents / 100).toFixed(2);
const iso = (ms: number) => new Date(ms).toISOString();

/** The deliveries of a store, in the order the events happened. */
export function storeEvents(spec: StoreSpec): Delivery[] {
  const events: Omit<Delivery, "webhookId">[] = [];
  const mergeAt = spec.mergeAtHours === null ? null : START + spec.mergeAtHours * HOUR + 30 * 60_000;

  spec.orders.forEach((order, index) => {
    const id = 7001 + index;
    const base = START + index * 24 * HOUR;
    // Version v happens at base + 2v hours, a refund after version v at base + 2v + 1 hours.
    const versionAt = (v: number) => base + 2 * v * HOUR;
    const refundAt = (refund: RefundSpec) => versionAt(refund.afterVersion) + HOUR;
    const lastAt = versionAt(order.versions.length - 1 + (order.cancelled ? 1 : 0));
    const refundInputs = (upTo: number): RefundInput[] =>
      order.refunds
        .map((refund, r) => ({ refund, r }))
        .filter(({ refund }) => refundAt(refund) <= upTo)
        .map(({ refund, r }) => refundInput(order, id, r, refund, iso(refundAt(refund))));

    const snapshot = (v: number, at: number, cancelledAt: string | null) => {
      const version = order.versions[Math.min(v, order.versions.length - 1)];
      const customerNumber = order.customer === null ? null : customerAt(order.customer, at, mergeAt);
      const lines: LineInput[] = version.lines.flatMap((line, slot) =>
        line ? [{ id: id * 10 + slot, variantId: slot + 1, price: money(line.price), quantity: line.quantity, tax: money(line.tax) }] : [],
      );
      return orderBody({
        id,
        customerId: customerNumber,
        processedAt: iso(base),
        updatedAt: iso(at),
        cancelledAt,
        test: order.test,
        taxesIncluded: order.taxesIncluded,
        lines,
        shipping: version.shipping ? money(version.shipping) : undefined,
        tax: money(version.lines.reduce((sum, line) => sum + (line?.tax ?? 0), 0)),
        totalPrice: money(version.lines.reduce((sum, line) => sum + (line ? line.price * line.quantity : 0), 0) + version.shipping),
        refunds: refundInputs(at),
      });
    };

    order.versions.forEach((_version, v) => {
      events.push({ topic: v === 0 ? "orders/create" : "orders/updated", body: JSON.stringify(snapshot(v, versionAt(v), null)), at: versionAt(v) });
    });
    if (order.cancelled) {
      const at = versionAt(order.versions.length);
      events.push({ topic: "orders/cancelled", body: JSON.stringify(snapshot(order.versions.length - 1, at, iso(at))), at });
    }
    order.refunds.forEach((refund, r) => {
      const body = refundBody(order, id, r, refund, iso(refundAt(refund)));
      events.push({ topic: "refunds/create", body: JSON.stringify(body), at: refundAt(refund) });
    });
    if (order.deleted) {
      events.push({ topic: "orders/delete", body: JSON.stringify({ id }), at: Math.max(lastAt, ...order.refunds.map(refundAt)) + HOUR });
    }
  });

  if (mergeAt !== null) {
    events.push({
      topic: "customers/merge",
      body: JSON.stringify({
        admin_graphql_api_customer_kept_id: `gid://shopify/Customer/${CUSTOMERS[1]}`,
        admin_graphql_api_customer_deleted_id: `gid://shopify/Customer/${CUSTOMERS[0]}`,
        admin_graphql_api_job_id: null,
        status: "completed",
        errors: [],
      }),
      at: mergeAt,
    });
  }
  for (const change of spec.inventory) {
    const at = START + change.hours * HOUR + 15 * 60_000;
    events.push({
      topic: "inventory_items/update",
      body: JSON.stringify({
        id: 900 + change.item,
        admin_graphql_api_id: `gid://shopify/InventoryItem/${900 + change.item}`,
        sku: `SKU-${change.item}`,
        updated_at: iso(at),
        cost: change.cost === null ? null : money(change.cost),
        tracked: true,
      }),
      at,
    });
  }
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at - b.event.at || a.index - b.index)
    .map(({ event }, index) => ({ ...event, webhookId: `wh-${index}` }));
}

/** Before the merge a customer-0 order names customer 0; snapshots after it name the kept customer. */
function customerAt(customer: number, at: number, mergeAt: number | null): number {
  if (customer === 0 && mergeAt !== null && at > mergeAt) return CUSTOMERS[1];
  return CUSTOMERS[customer];
}

function refundInput(order: OrderSpec, orderId: number, r: number, refund: RefundSpec, createdAt: string): RefundInput {
  const line = order.versions[refund.afterVersion].lines[refund.slot]!;
  const subtotal = line.price * refund.quantity;
  const shipping = refund.shipping ? order.versions[refund.afterVersion].shipping : 0;
  return {
    id: orderId * 10 + r,
    createdAt,
    lines: [{ id: orderId * 100 + r, lineItemId: orderId * 10 + refund.slot, quantity: refund.quantity, subtotal: money(subtotal), tax: money(Math.round((line.tax * refund.quantity) / line.quantity)), restockType: r % 2 ? "return" : "no_restock" }],
    shipping: shipping ? money(shipping) : undefined,
  };
}

/** The refunds/create body: the same refund as embedded in the order's later snapshots. */
function refundBody(order: OrderSpec, orderId: number, r: number, refund: RefundSpec, createdAt: string) {
  const embedded = (orderBody({ id: orderId, processedAt: createdAt, lines: [], refunds: [refundInput(order, orderId, r, refund, createdAt)] })
    .refunds as Record<string, unknown>[])[0];
  return { ...embedded, order_id: orderId };
}
