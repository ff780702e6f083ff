/**
 * The contract between the economics engine and the analytics (cohorts, segments, LTV:CAC, CLV models).
 *
 * Every order produces one "order" event dated at its processed_at, and each of its refunds one
 * "refund" event dated at the refund's created_at, so a refund made in a later month lowers that later
 * month's cumulative value, not the acquisition month's. Amounts are integer minor units of the shop
 * currency; refund events carry negative (or zero) deltas. Guest orders have customerId null: they count
 * in store totals and in an "unattributed" bucket, never in per-customer LTV.
 */
import { localDayOfMsFunction } from "./time/local-day";

export interface ValueEvent {
  customerId: string | null;
  orderId: string;
  kind: "order" | "refund";
  /** UTC instant; cohorts and months are taken in the shop's time zone by the analytics. */
  at: Date;
  /** Net revenue delta: merchandise after discounts + shipping charged, excluding tax, tips, gift cards. */
  revenue: number;
  /** Revenue delta minus the COGS delta (restocked refunds give their COGS back). */
  grossMargin: number;
  /** Gross margin minus every other variable cost (fees, fulfilment, shipping, returns, service). */
  contributionMargin: number;
}

/**
 * Value events as columns, row i of each being one event: the analytics load's form (1M+ events at
 * scale, where an object and a Date per event measured seconds of allocation and garbage collection).
 * The analytics (prepareAnalytics, purchaseHistories) take either form as a ValueEventLog.
 */
export interface ValueEventColumns {
  readonly length: number;
  readonly customerId: readonly (string | null)[];
  readonly orderId: readonly string[];
  /** EVENT_ORDER, EVENT_REFUND, or EVENT_UNKNOWN (a kind neither: refused by the analytics). */
  readonly kind: Uint8Array;
  /** The UTC instant in epoch milliseconds (NaN: an invalid date). */
  readonly atMs: Float64Array;
  readonly revenue: Float64Array;
  readonly grossMargin: Float64Array;
  readonly contributionMargin: Float64Array;
}

export const EVENT_ORDER = 0;
export const EVENT_REFUND = 1;
export const EVENT_UNKNOWN = 2;

export type ValueEventLog = readonly ValueEvent[] | ValueEventColumns;

const isColumns = (log: ValueEventLog): log is ValueEventColumns => !Array.isArray(log);

/** The log as columns (itself when it is columns already). */
export function valueEventColumns(log: ValueEventLog): ValueEventColumns {
  if (isColumns(log)) return log;
  const n = log.length;
  const columns = {
    length: n, customerId: new Array<string | null>(n), orderId: new Array<string>(n), kind: new Uint8Array(n), atMs: new Float64Array(n),
    revenue: new Float64Array(n), grossMargin: new Float64Array(n), contributionMargin: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const e = log[i];
    columns.customerId[i] = e.customerId;
    columns.orderId[i] = e.orderId;
    columns.kind[i] = e.kind === "order" ? EVENT_ORDER : e.kind === "refund" ? EVENT_REFUND : EVENT_UNKNOWN;
    columns.atMs[i] = e.at instanceof Date ? e.at.getTime() : NaN;
    columns.revenue[i] = e.revenue;
    columns.grossMargin[i] = e.grossMargin;
    columns.contributionMargin[i] = e.contributionMargin;
  }
  return columns;
}

const daysByColumns = new WeakMap<ValueEventColumns, { timeZone: string; days: Int32Array }>();

/**
 * The local day number of each event in `timeZone` (localDayOfMsFunction; 0 where the instant is
 * invalid, which the analytics refuse before reading a day), computed once per columns and zone:
 * purchaseHistories and prepareAnalytics both need every event's day.
 */
export function localDaysOf(events: ValueEventColumns, timeZone: string): Int32Array {
  const known = daysByColumns.get(events);
  if (known && known.timeZone === timeZone) return known.days;
  const toDay = localDayOfMsFunction(timeZone);
  const days = new Int32Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const ms = events.atMs[i];
    if (!Number.isNaN(ms)) days[i] = toDay(ms);
  }
  daysByColumns.set(events, { timeZone, days });
  return days;
}

/** Event i of the columns as an object. */
export function valueEventAt(columns: ValueEventColumns, i: number): ValueEvent {
  return {
    customerId: columns.customerId[i], orderId: columns.orderId[i], kind: columns.kind[i] === EVENT_REFUND ? "refund" : "order",
    at: new Date(columns.atMs[i]), revenue: columns.revenue[i], grossMargin: columns.grossMargin[i], contributionMargin: columns.contributionMargin[i],
  };
}

/** The log as objects (itself when it is objects already): for the small reads that want them. */
export function valueEventList(log: ValueEventLog): readonly ValueEvent[] {
  if (!isColumns(log)) return log;
  return Array.from({ length: log.length }, (_, i) => valueEventAt(log, i));
}

/** What the analytics know about a customer's first order, for acquisition filters and segments. */
export interface AcquisitionFacts {
  customerId: string;
  firstOrderId: string;
  firstOrderAt: Date;
  channel: string; // source_name of the first order
  countryCode: string | null;
  firstDiscountCode: string | null; // null when the first order used no code
  firstProductId: string | null; // the highest-revenue merchandise line of the first order
  firstProductTitle: string | null;
  tags: string[];
}
