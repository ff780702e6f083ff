/**
 * A deterministic generator of realistic Shopify order webhook bodies for the demo store.
 *
 * `generateOrders` streams REST order bodies (what `orders/create` / `orders/updated` deliver, without
 * the `{"order": ...}` wrapper) sorted by `processed_at`. Each body is the order's latest snapshot:
 * refunds made after it was placed are embedded, `updated_at` is at or after the last of them, and
 * nothing is dated after `endDate` (a refund that would fall after it has not happened yet).
 * `asCreatedSnapshot` gives the body `orders/create` delivered before any of that.
 *
 * Counts (exact):
 * - `orders` bodies (default 15,000): 0.2 % test orders (`test: true`, no customer, gateway "bogus"),
 *   8 % guest orders (customer null), the rest placed by customers.
 * - `customers` (default round(orders / 3), 5,000 for the default 15,000 orders): every customer places
 *   at least one order, so the stream holds exactly min(customers, orders - guest - test orders)
 *   distinct customers (`resolveDemoOptions` reports it as `activeCustomers`).
 * - History: `months` calendar months in the shop's time zone (America/New_York), ending with the
 *   month holding `endDate` (default 24 months, November 2024 to October 2026).
 *
 * Realism rules (rates in DEMO_RATES and ./rules.ts):
 * - Seasonality: summer dip, November/December peak, Black Friday to Cyber Monday spike, weekday and
 *   hour-of-day profile (shop time). New customers also follow a slightly falling trend and four
 *   campaign weeks, so monthly acquisition cohorts differ in size (total orders still grow, as the
 *   repeat base builds up from the first month of the history).
 * - Customers: one-time buyers (38 %), occasional (48 %), loyal (14 %, 40 % of them tagged "vip"),
 *   wholesale accounts (1 %, tagged "wholesale", tax exempt, draft orders, 30 % manual discount, cases
 *   of 6-24). Repeat orders follow a customer-specific decaying rate on the seasonal clock (months for
 *   occasional buyers, a year or more for loyal ones), so gaps vary and late cohorts repeat less. Tags
 *   "newsletter" (30 %). Region: US 68 % (15 states), CA 10 %, GB 8 %, AU 5 %, DE 4 %, FR 2.5 %, NL 2.5 %.
 * - Channels: "web" (about 80 %), "pos" (a New York store: no shipping or billing address, 11 % of guest
 *   orders and most orders of "store shoppers"), "shopify_draft_order" (wholesale, customer service),
 *   and two sales-channel app ids, "2329312" and "1424624". Gateways: shopify_payments, paypal, cash
 *   and shopify_payments at POS, manual for most draft orders (40 % "pending" in the last 30 days).
 * - Discounts (one per order): WELCOME10 on ~35 % of first orders, BFCM25 during Black Friday to Cyber
 *   Monday, SUMMER20 from June 15 to August 15, VIP15 for "vip" customers, SAVE15 ($15 off $75),
 *   FREESHIP (free shipping), manual "Wholesale pricing" (30 %) and "Customer service credit" ($10) on
 *   draft orders. Deal seekers (20 % of customers) use codes far more often.
 * - Gift cards: a gift-card line on 2 % of orders (6 % from mid-November to Christmas), not discounted,
 *   not taxed; 40 % of those orders are gift-card-only (a digital card needs no shipping).
 * - Refunds on 8.5 % of paid orders (35 % for serial returners, 5 % of customers; 3 % at POS and for
 *   wholesale): partial returns 50 %, full returns 25 % (half with shipping refunded), shipping-only
 *   10 %, goodwill amounts 15 % (a "refund_discrepancy" adjustment); restocked ("return") 70 %, else
 *   "no_restock"; 15 % get a second, later refund. Returns come 5 days to 3 months after the order.
 * - Cancellations: 2.5 % of online orders (4 % of guest, 0.4 % of POS orders) within 10 minutes to 3
 *   days: refunded in full with restock_type "cancel" ("refunded"), or "voided" when declined, unpaid
 *   or, for half of the fraud cases, never captured.
 * - Tips on 12 % of POS orders and 1.5 % of web orders.
 *
 * Arithmetic is done in integer minor units and reconciles to the unit inside every body:
 *   total_line_items_price = sum(line price x quantity)
 *   subtotal_price = total_line_items_price - sum(line discount allocations)
 *   total_discounts = sum(line discount allocations) + sum(shipping discount allocations)
 *   total_shipping_price_set = sum(shipping line prices), before discounts (as Shopify reports it)
 *   total_tax = sum(line tax lines) + sum(shipping tax lines)
 *   total_price = subtotal_price + shipping - shipping discounts + total_tax + total_tip_received
 *   refund transaction = its line subtotals and taxes + refunded shipping and tax + goodwill amount,
 *   and the refunds of a line never exceed its net amount and tax.
 * Order-level discounts are split over the lines by largest remainder; tax is computed per line and
 * per tax line and rounded half up.
 *
 * Memory is O(customers): customers live in typed arrays, and a binary heap keyed by each customer's
 * next order time (plus one entry for the guest stream and one for test orders) merges them in order.
 */
import { currencyDigits } from "../domain/money/money";
import { DAY, ShopClock, type TimeGrid } from "./calendar";
import { buildCatalog } from "./catalog";
import { OrderFactory } from "./orders";
import type { ShopifyOrderPayload } from "./payload";
import { buildCustomers, buildSeasons } from "./population";
import { Rng } from "./random";
import { DEMO_RATES } from "./rules";

export type * from "./payload";
export { buildCatalog, CurrencyConverter, type DemoCatalog, type DemoProduct, type DemoVariant } from "./catalog";
export { DEMO_RATES } from "./rules";

export interface DemoOptions {
  /** PRNG seed (default 1). The same seed and options give byte-identical output. */
  seed?: number;
  /** Customers who place at least one order (default round(orders / 3)). */
  customers?: number;
  /** Exact number of orders emitted (default 15,000). */
  orders?: number;
  /** Calendar months of history in the shop's time zone, ending with endDate's month (default 24). */
  months?: number;
  /** End of the history: "now" for the demo (default 2026-10-31T23:59:59Z). */
  endDate?: Date;
  /** Shop currency (default USD). Zero-decimal currencies such as JPY get whole amounts ("1500"). */
  currency?: string;
  /**
   * Also write `presentment_money` in every `*_set`, as Shopify does (default false: the demo shop
   * sells in its own currency, the app reads `shop_money`, and it adds ~20 % to serialization time).
   */
  presentmentMoney?: boolean;
}

export const DEMO_SHOP = {
  domain: "margin-ltv-demo.myshopify.com",
  currency: "USD",
  ianaTimezone: "America/New_York",
  name: "Margin & Co. (demo)",
} as const satisfies { domain: string; currency: string; ianaTimezone: string; name: string };

export const DEFAULT_DEMO_OPTIONS = {
  seed: 1,
  orders: 15_000,
  months: 24,
  endDate: new Date("2026-10-31T23:59:59Z"),
  currency: DEMO_SHOP.currency,
} as const;

export interface ResolvedDemoOptions {
  seed: number;
  orders: number;
  /** Customers asked for. */
  customers: number;
  months: number;
  currency: string;
  digits: number;
  timeZone: string;
  presentmentMoney: boolean;
  /** First instant of the history: midnight on the 1st of the first month, shop time. */
  startDate: Date;
  /** endDate truncated to the second. */
  endDate: Date;
  guestOrders: number;
  testOrders: number;
  customerOrders: number;
  /** Distinct customers in the stream: min(customers, customerOrders). */
  activeCustomers: number;
}

const MAX_COUNT = 50_000_000;

/** Validates options and works out the exact counts and the time window of the stream. */
export function resolveDemoOptions(options: DemoOptions = {}): ResolvedDemoOptions {
  const seed = options.seed ?? DEFAULT_DEMO_OPTIONS.seed;
  const orders = options.orders ?? DEFAULT_DEMO_OPTIONS.orders;
  const months = options.months ?? DEFAULT_DEMO_OPTIONS.months;
  const endDate = options.endDate ?? DEFAULT_DEMO_OPTIONS.endDate;
  const currency = (options.currency ?? DEFAULT_DEMO_OPTIONS.currency).toUpperCase();
  if (!Number.isFinite(seed)) throw new RangeError("seed must be a finite number");
  if (!Number.isSafeInteger(orders) || orders < 0 || orders > MAX_COUNT) throw new RangeError(`orders must be an integer in [0, ${MAX_COUNT}]`);
  const customers = options.customers ?? Math.max(1, Math.round(orders / DEMO_RATES.ordersPerCustomer));
  if (!Number.isSafeInteger(customers) || customers < 0 || customers > MAX_COUNT) throw new RangeError(`customers must be an integer in [0, ${MAX_COUNT}]`);
  if (!Number.isInteger(months) || months < 1 || months > 120) throw new RangeError("months must be an integer in [1, 120]");
  if (!(endDate instanceof Date) || Number.isNaN(endDate.getTime())) throw new RangeError("endDate must be a valid Date");
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`Not an ISO 4217 currency code: ${currency}`);
  const digits = currencyDigits(currency);

  const timeZone = DEMO_SHOP.ianaTimezone;
  const endMs = Math.floor(endDate.getTime() / 1000) * 1000;
  const probe = new ShopClock(timeZone, endMs - 32 * DAY * months, endMs + DAY);
  const endLocal = probe.local(endMs);
  const firstMonth = endLocal.year * 12 + endLocal.month - (months - 1);
  const startMs = probe.instantOf(Math.floor(firstMonth / 12), firstMonth % 12, 1);

  const testOrders = Math.round(orders * DEMO_RATES.testOrderShare);
  let guestOrders = Math.round(orders * DEMO_RATES.guestOrderShare);
  let customerOrders = orders - testOrders - guestOrders;
  const activeCustomers = Math.min(customers, customerOrders);
  if (activeCustomers === 0) {
    guestOrders += customerOrders;
    customerOrders = 0;
  }
  return {
    seed, orders, customers, months, currency, digits, timeZone,
    presentmentMoney: options.presentmentMoney ?? false,
    startDate: new Date(startMs), endDate: new Date(endMs),
    guestOrders, testOrders, customerOrders, activeCustomers,
  };
}

/** A binary min-heap of (next order time, entity); ties go to the lower entity number. */
class EventHeap {
  private readonly keys: Float64Array;
  private readonly entities: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(1, capacity));
    this.entities = new Int32Array(Math.max(1, capacity));
  }

  push(key: number, entity: number): void {
    const keys = this.keys;
    const entities = this.entities;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent];
      if (pk < key || (pk === key && entities[parent] < entity)) break;
      keys[i] = pk;
      entities[i] = entities[parent];
      i = parent;
    }
    keys[i] = key;
    entities[i] = entity;
  }

  topKey(): number {
    return this.keys[0];
  }

  topEntity(): number {
    return this.entities[0];
  }

  /** Gives the top entry a new (later) key. */
  replaceTop(key: number): void {
    this.siftDown(key, this.entities[0]);
  }

  pop(): void {
    this.size--;
    if (this.size > 0) this.siftDown(this.keys[this.size], this.entities[this.size]);
  }

  private siftDown(key: number, entity: number): void {
    const keys = this.keys;
    const entities = this.entities;
    const size = this.size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && (keys[right] < keys[child] || (keys[right] === keys[child] && entities[right] < entities[child]))) {
        child = right;
      }
      const ck = keys[child];
      if (key < ck || (key === ck && entity < entities[child])) break;
      keys[i] = ck;
      entities[i] = entities[child];
      i = child;
    }
    keys[i] = key;
    entities[i] = entity;
  }
}

/** `count` instants in increasing order, distributed along a grid's profile, drawn one at a time. */
class SortedStream {
  private position = 0;
  constructor(
    private remaining: number,
    private readonly grid: TimeGrid,
  ) {}

  get left(): number {
    return this.remaining;
  }

  /** The next instant: the smallest of the remaining uniform draws (its exact distribution). */
  next(rng: Rng): number {
    if (this.remaining <= 0) return -1;
    this.position += (1 - this.position) * -Math.expm1(Math.log1p(-rng.next()) / this.remaining);
    this.remaining--;
    return Math.floor(this.grid.inverse(this.position) / 1000) * 1000;
  }
}

/**
 * Streams the demo store's orders sorted by processed_at (ties in a fixed internal order). Lazy:
 * the first `next()` costs O(customers) setup, then each order is built when it is pulled.
 */
export function* generateOrders(options: DemoOptions = {}): Generator<ShopifyOrderPayload, void, undefined> {
  const resolved = resolveDemoOptions(options);
  if (resolved.orders === 0) return;
  const startMs = resolved.startDate.getTime();
  const endMs = resolved.endDate.getTime();
  const seasons = buildSeasons(resolved.timeZone, startMs, endMs, new Rng(resolved.seed, 1));
  const customers = buildCustomers(resolved.activeCustomers, resolved.customerOrders - resolved.activeCustomers,
    seasons, new Rng(resolved.seed, 2));
  const catalog = buildCatalog(resolved.seed, resolved.currency);
  const factory = new OrderFactory({
    seed: resolved.seed, currency: resolved.currency, digits: resolved.digits, startMs, endMs,
    presentmentMoney: resolved.presentmentMoney,
  }, seasons, catalog, customers);
  const schedule = new Rng(resolved.seed, 4);

  const count = customers.count;
  const guestEntity = count;
  const guests = new SortedStream(resolved.guestOrders, seasons.acquisition);
  const tests = new SortedStream(resolved.testOrders, seasons.repeat);
  const heap = new EventHeap(count + 2);
  for (let i = 0; i < count; i++) heap.push(customers.firstMs[i], i);
  if (guests.left > 0) heap.push(guests.next(schedule), guestEntity);
  if (tests.left > 0) heap.push(tests.next(schedule), guestEntity + 1);

  const { s0, tau, position, remaining } = customers;
  const repeatClock = seasons.repeat;
  while (heap.size > 0) {
    const entity = heap.topEntity();
    const ms = heap.topKey();
    let next = -1;
    if (entity < count) {
      const k = remaining[entity];
      if (k > 0) {
        // The earliest of the customer's k remaining repeat orders: the minimum of k uniforms in the
        // CDF space of its decaying rate (truncated exponential on the seasonal clock), mapped back.
        const u = position[entity] + (1 - position[entity]) * -Math.expm1(Math.log1p(-schedule.next()) / k);
        position[entity] = u;
        remaining[entity] = k - 1;
        const t = tau[entity];
        const s = s0[entity] - t * Math.log1p(u * Math.expm1(-(1 - s0[entity]) / t));
        next = Math.floor(repeatClock.inverse(Math.min(1, s)) / 1000) * 1000;
      }
    } else if (entity === guestEntity) {
      next = guests.next(schedule);
    } else {
      next = tests.next(schedule);
    }
    if (next < 0) heap.pop();
    else heap.replaceTop(Math.max(ms, next));
    yield factory.build(entity, ms);
  }
}

/**
 * The body `orders/create` delivered for an order, before any refund, cancellation or fulfilment:
 * no refunds, not cancelled, unfulfilled, updated_at = created_at, and paid (or pending for manual
 * payments, authorized for orders later voided). Replaying it before the snapshot from
 * generateOrders reproduces an order's webhook history.
 */
export function asCreatedSnapshot(order: ShopifyOrderPayload): ShopifyOrderPayload {
  const copy = structuredClone(order);
  const manual = order.payment_gateway_names.includes("manual");
  copy.refunds = [];
  copy.cancelled_at = null;
  copy.cancel_reason = null;
  copy.updated_at = copy.created_at;
  copy.fulfillment_status = null;
  copy.financial_status = order.financial_status === "pending" || (order.financial_status === "voided" && manual)
    ? "pending"
    : order.financial_status === "voided" ? "authorized" : "paid";
  copy.total_outstanding = copy.financial_status === "pending" ? copy.total_price : order.total_outstanding;
  for (const line of copy.line_items) line.current_quantity = line.quantity;
  return copy;
}
