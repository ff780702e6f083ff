/**
 * The prepared input of every analytics view: value events grouped by customer in flat typed arrays,
 * each with its local day and month computed once, so cohorts, segments, LTV:CAC and flags are plain
 * loops over numbers (1M+ events, no Date allocated per event).
 *
 * Rules:
 * - Only events at or before `asOf` exist; later ones are counted in diagnostics and dropped.
 * - Guest events (customerId null) go to the `unattributed` totals and nowhere else.
 * - A purchase is an "order" event whose order is not in `cancelledOrderIds` (see AnalyticsInput). Cancelled orders arrive
 *   with zero revenue but may carry real costs (fees, service), so their events keep counting in the
 *   money figures; they just never count as a purchase (acquisition, retention, order counts).
 * - A customer exists for analytics once they have a purchase by asOf; their acquisition is the
 *   earliest purchase (ties: the first in input order). A customer whose every order was cancelled
 *   is left out (diagnostics.customersWithoutPurchase).
 * - Acquisition facts are joined by customer id for filters and segments; the acquisition month
 *   itself comes from the events, so cohorts and order counts agree.
 */
import { localDayOfMsFunction } from "../time/local-day";
import { EVENT_REFUND, EVENT_UNKNOWN, localDaysOf, valueEventColumns, type AcquisitionFacts, type ValueEventColumns, type ValueEventLog } from "../value-events";
import { cachedMonthOfDay } from "./calendar";

export const KIND_PURCHASE = 1;
export const KIND_CANCELLED_ORDER = 2;
export const KIND_REFUND = 3;
/** "No such day" in day arrays (no repeat purchase). */
export const NO_DAY = 2_147_483_647;

export interface Totals {
  revenue: number;
  grossMargin: number;
  contributionMargin: number;
}

export interface AnalyticsInput {
  /** Objects or columns (the load's form at scale): see ValueEventColumns. */
  events: ValueEventLog;
  acquisitions: readonly AcquisitionFacts[];
  /** The shop's IANA time zone: days and months are the shop's local calendar. */
  timeZone: string;
  asOf: Date;
  /**
   * Cancelled orders: their order events are not purchases. Only zero-revenue order events are looked
   * up (a set lookup per event costs a string hash): by the value-event contract a cancelled order's
   * event has zero revenue, so an order event with revenue is always a purchase.
   */
  cancelledOrderIds: ReadonlySet<string>;
}

export interface AnalyticsDiagnostics {
  eventsAfterAsOf: number;
  guestEvents: number;
  /** Customers with events but no purchase (every order cancelled); their events are in no view. */
  customersWithoutPurchase: number;
  eventsOfCustomersWithoutPurchase: number;
  /** Customers in the views without acquisition facts: they match no filter. */
  customersWithoutFacts: number;
  /** Facts whose firstOrderId is not the first purchase found in the events. */
  factsFirstOrderMismatch: number;
  /** Facts of customers with no purchase in the events (or a repeated customer id). */
  factsUnused: number;
}

/** What the acquisition filters compare (AcquisitionFacts without the customer's ids and dates). */
export type FilterFacts = Pick<AcquisitionFacts, "channel" | "countryCode" | "firstDiscountCode" | "firstProductId" | "tags">;

/**
 * What the cohort tables read (buildCohortTable, buildTriangles): an AnalyticsBase is one, and so is a
 * stored cohort base (cohort-base.ts), from which a page tabulates a filter combination without
 * loading the ledger again. No customer ids, no events: customers are dense indexes 0 .. n - 1.
 */
export interface CohortBase {
  readonly timeZone: string;
  readonly asOf: Date;
  readonly asOfDay: number;
  readonly asOfMonth: number;
  readonly facts: readonly (FilterFacts | null)[];
  readonly firstDay: Int32Array;
  readonly firstMonth: Int32Array;
  /** First purchase on a later local day than the first one; NO_DAY when none. */
  readonly repeatDay: Int32Array;
  /** Each customer's events are eventStart[c] .. eventStart[c + 1] - 1 in the arrays below. */
  readonly eventStart: Int32Array;
  readonly eventDay: Int32Array;
  readonly eventMonth: Int32Array;
  readonly eventKind: Uint8Array;
  readonly revenue: Float64Array;
  readonly grossMargin: Float64Array;
  readonly contributionMargin: Float64Array;
  readonly unattributed: Totals & { events: number };
}

export interface AnalyticsBase extends CohortBase {
  /** The input's events as columns. */
  readonly events: ValueEventColumns;
  /** Customers with a purchase, by dense index (order of first appearance in the events). */
  readonly customerIds: readonly string[];
  readonly facts: readonly (AcquisitionFacts | null)[];
  /** Input index of the first purchase event. */
  readonly firstEvent: Int32Array;
  readonly purchases: Int32Array;
  /** Index in `events` of each event of the arrays (eventDay, revenue, ...). */
  readonly eventIndex: Int32Array;
  readonly diagnostics: AnalyticsDiagnostics;
  /** Dense index of a customer id, -1 when the customer is not in the views. */
  indexOf(customerId: string): number;
}

function checkEvent(events: ValueEventColumns, i: number): number {
  const ms = events.atMs[i];
  if (Number.isNaN(ms)) throw new RangeError(`event ${i} (${events.orderId[i]}): invalid date`);
  if (!Number.isSafeInteger(events.revenue[i]) || !Number.isSafeInteger(events.grossMargin[i]) || !Number.isSafeInteger(events.contributionMargin[i])) {
    throw new RangeError(`event ${i} (${events.orderId[i]}): amounts must be whole minor units`);
  }
  if (events.kind[i] === EVENT_UNKNOWN) throw new RangeError(`event ${i} (${events.orderId[i]}): unknown kind`);
  return ms;
}

export function prepareAnalytics(input: AnalyticsInput): AnalyticsBase {
  const { cancelledOrderIds } = input;
  const events = valueEventColumns(input.events);
  const { customerId: customerOf, orderId, kind: kindOf } = events;
  const asOfMs = input.asOf.getTime();
  if (Number.isNaN(asOfMs)) throw new RangeError("asOf is not a valid date");
  const toDay = localDayOfMsFunction(input.timeZone);
  const asOfDay = toDay(asOfMs);
  const n = events.length;

  // Pass 1: validate, drop late and guest events, intern customer ids, find each first purchase.
  const owner = new Int32Array(n).fill(-1);
  const kind = new Uint8Array(n);
  const ids: string[] = [];
  const provisional = new Map<string, number>();
  const firstMs: number[] = [];
  const firstEventOf: number[] = [];
  const counts: number[] = [];
  const unattributed = { events: 0, revenue: 0, grossMargin: 0, contributionMargin: 0 };
  let eventsAfterAsOf = 0;
  let lastId: string | null = null;
  let lastIndex = -1;
  for (let i = 0; i < n; i++) {
    const ms = checkEvent(events, i);
    if (ms > asOfMs) {
      eventsAfterAsOf++;
      continue;
    }
    const k = kindOf[i] === EVENT_REFUND ? KIND_REFUND
      : events.revenue[i] === 0 && cancelledOrderIds.has(orderId[i]) ? KIND_CANCELLED_ORDER : KIND_PURCHASE;
    const id = customerOf[i];
    if (id === null) {
      unattributed.events++;
      unattributed.revenue += events.revenue[i];
      unattributed.grossMargin += events.grossMargin[i];
      unattributed.contributionMargin += events.contributionMargin[i];
      continue;
    }
    // Reads ordered by customer repeat the id: skip the hash lookup then.
    let c = id === lastId ? lastIndex : provisional.get(id);
    if (c === undefined) {
      c = ids.length;
      provisional.set(id, c);
      ids.push(id);
      firstMs.push(Infinity);
      firstEventOf.push(-1);
      counts.push(0);
    }
    lastId = id;
    lastIndex = c;
    owner[i] = c;
    kind[i] = k;
    counts[c]++;
    if (k === KIND_PURCHASE && ms < firstMs[c]) {
      firstMs[c] = ms;
      firstEventOf[c] = i;
    }
  }

  // Dense indexes for customers with a purchase.
  const dense = new Int32Array(ids.length).fill(-1);
  const customerIds: string[] = [];
  let withoutPurchase = 0;
  let eventsWithoutPurchase = 0;
  for (let c = 0; c < ids.length; c++) {
    if (firstEventOf[c] >= 0) {
      dense[c] = customerIds.length;
      customerIds.push(ids[c]);
    } else {
      withoutPurchase++;
      eventsWithoutPurchase += counts[c];
    }
  }
  const m = customerIds.length;
  const eventStart = new Int32Array(m + 1);
  for (let c = 0; c < ids.length; c++) if (dense[c] >= 0) eventStart[dense[c] + 1] = counts[c];
  for (let c = 0; c < m; c++) eventStart[c + 1] += eventStart[c];

  // Pass 2: group the events by customer (counting sort, input order kept within a customer).
  const total = eventStart[m];
  const eventIndex = new Int32Array(total);
  const eventDay = new Int32Array(total);
  const eventMonth = new Int32Array(total);
  const eventKind = new Uint8Array(total);
  const revenue = new Float64Array(total);
  const grossMargin = new Float64Array(total);
  const contributionMargin = new Float64Array(total);
  const cursor = eventStart.slice(0, m);
  const days = localDaysOf(events, input.timeZone); // each event's local day (checked above: no invalid instant here)
  const monthOfDay = cachedMonthOfDay();
  for (let i = 0; i < n; i++) {
    const c = owner[i] >= 0 ? dense[owner[i]] : -1;
    if (c < 0) continue;
    const j = cursor[c]++;
    const day = days[i];
    eventIndex[j] = i;
    eventDay[j] = day;
    eventMonth[j] = monthOfDay(day);
    eventKind[j] = kind[i];
    revenue[j] = events.revenue[i];
    grossMargin[j] = events.grossMargin[i];
    contributionMargin[j] = events.contributionMargin[i];
  }

  // Per customer: first day and month, repeat day, purchase count.
  const firstDay = new Int32Array(m);
  const firstMonth = new Int32Array(m);
  const firstEvent = new Int32Array(m);
  const repeatDay = new Int32Array(m).fill(NO_DAY);
  const purchases = new Int32Array(m);
  for (let c = 0; c < ids.length; c++) {
    const d = dense[c];
    if (d < 0) continue;
    firstEvent[d] = firstEventOf[c];
    firstDay[d] = days[firstEventOf[c]];
    firstMonth[d] = monthOfDay(firstDay[d]);
  }
  for (let c = 0; c < m; c++) {
    const day0 = firstDay[c];
    let repeat = NO_DAY;
    let count = 0;
    for (let j = eventStart[c]; j < eventStart[c + 1]; j++) {
      if (eventKind[j] !== KIND_PURCHASE) continue;
      count++;
      if (eventDay[j] > day0 && eventDay[j] < repeat) repeat = eventDay[j];
    }
    repeatDay[c] = repeat;
    purchases[c] = count;
  }

  // Acquisition facts, joined by id; the first copy of a repeated id wins.
  const facts: (AcquisitionFacts | null)[] = new Array(m).fill(null);
  let mismatch = 0;
  let unused = 0;
  for (const f of input.acquisitions) {
    const p = provisional.get(f.customerId);
    const d = p === undefined ? -1 : dense[p];
    if (d < 0 || facts[d] !== null) {
      unused++;
      continue;
    }
    facts[d] = f;
    if (orderId[firstEvent[d]] !== f.firstOrderId) mismatch++;
  }
  let withoutFacts = 0;
  for (let c = 0; c < m; c++) if (facts[c] === null) withoutFacts++;

  return {
    timeZone: input.timeZone, asOf: input.asOf, asOfDay, asOfMonth: monthOfDay(asOfDay), events,
    customerIds, facts, firstDay, firstMonth, firstEvent, repeatDay, purchases,
    eventStart, eventIndex, eventDay, eventMonth, eventKind, revenue, grossMargin, contributionMargin,
    unattributed,
    diagnostics: {
      eventsAfterAsOf, guestEvents: unattributed.events,
      customersWithoutPurchase: withoutPurchase, eventsOfCustomersWithoutPurchase: eventsWithoutPurchase,
      customersWithoutFacts: withoutFacts, factsFirstOrderMismatch: mismatch, factsUnused: unused,
    },
    indexOf(customerId) {
      const p = provisional.get(customerId);
      return p === undefined ? -1 : dense[p];
    },
  };
}
