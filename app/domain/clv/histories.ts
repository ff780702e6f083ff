/**
 * Every customer's purchase history for the purchase model, built once from the value events and
 * summarized at any calibration day. The analytics refresh needs two summaries of the same history
 * (the projection's, up to yesterday, and the at-risk flag's, up to today). Measured at 1M orders:
 * purchasesFromEvents then summarizeTransactions took ~5 s each time (a Transaction object and two
 * map entries per order, a sort, per-customer maps again); one build here takes 2.5-3.5 s and each
 * summary ~0.2 s.
 *
 * `summarizeHistories(purchaseHistories(events, cancelled, zone), { calibrationEnd, timeUnit })`
 * gives exactly `summarizeTransactions(purchasesFromEvents(events, cancelled), { calibrationEnd,
 * timeUnit, timeZone: zone })` (same-day purchases merged, no holdout): the same summaries in the
 * same order (test/domain/clv/histories.test.ts checks it on random logs). The rules are theirs:
 * a purchase is a customer's non-cancelled order event, valued at its margin plus its refunds'
 * whatever their date; the log is sorted by instant, ties in the events' order; customers come out
 * in order of their first purchase counted.
 */
import { EVENT_ORDER, localDaysOf, valueEventColumns, type ValueEventLog } from "../value-events";
import { ModelFitError } from "./errors";
import type { CustomerSummary, TimeUnit } from "./summary";
import { stableRanks } from "./transactions";
import { cachedDayString } from "../time/local-day";

export interface PurchaseHistories {
  /** Every customer with an event, in order of their first event. */
  customerIds: string[];
  /** Customer c's purchases are start[c] .. start[c + 1] - 1 below, in the log's (time) order. */
  start: Int32Array;
  /** Per purchase: local day, value (margin after refunds) and position in the time-sorted log. */
  day: Int32Array;
  value: Float64Array;
  rank: Int32Array;
  /** Every customer event (cancelled orders' too): customer, local day and margin. */
  eventCustomer: Int32Array;
  eventDay: Int32Array;
  eventMargin: Float64Array;
}

/**
 * Builds the histories of the customers' purchases in `events` (see the header for the rules). One
 * order event per order, as orderValueEvents writes them (seq 0 of the order's events): an order
 * given twice would count as two purchases here, where purchasesFromEvents keeps the last.
 */
export function purchaseHistories(log: ValueEventLog, cancelledOrderIds: ReadonlySet<string>, timeZone: string): PurchaseHistories {
  const events = valueEventColumns(log);
  const days = localDaysOf(events, timeZone); // shared with prepareAnalytics on the same columns
  const { customerId: customerIdOf, orderId, kind, atMs, contributionMargin } = events;
  const n = events.length;
  // One pass, in typed arrays (no object or map entry per order): each customer event's customer, day
  // and margin; each purchase's customer, instant, day and margin; refunds summed by order.
  const customerOf = new Map<string, number>();
  const customerIds: string[] = [];
  const eventCustomer = new Int32Array(n);
  const eventDay = new Int32Array(n);
  const eventMargin = new Float64Array(n);
  const buyer = new Int32Array(n);
  const at = new Float64Array(n);
  const dayOf = new Int32Array(n);
  const value = new Float64Array(n);
  const purchaseEvent = new Int32Array(n);
  const refunds = new Map<string, number>();
  let kept = 0;
  let purchases = 0;
  let lastId: string | null = null;
  let lastIndex = -1;
  for (let i = 0; i < n; i++) {
    const id = customerIdOf[i];
    if (id === null) continue;
    const ms = atMs[i];
    const margin = contributionMargin[i];
    if (Number.isNaN(ms)) throw new RangeError(`event ${i} (${orderId[i]}): invalid date`);
    if (!Number.isFinite(margin)) throw new RangeError(`event ${i} (${orderId[i]}): margin must be a finite number`);
    // Reads ordered by customer repeat the id: skip the hash lookup then.
    let c = id === lastId ? lastIndex : customerOf.get(id);
    if (c === undefined) {
      customerOf.set(id, (c = customerIds.length));
      customerIds.push(id);
    }
    lastId = id;
    lastIndex = c;
    const day = days[i];
    eventCustomer[kept] = c;
    eventDay[kept] = day;
    eventMargin[kept++] = margin;
    const order = orderId[i];
    if (cancelledOrderIds.has(order)) continue;
    if (kind[i] === EVENT_ORDER) {
      buyer[purchases] = c;
      at[purchases] = ms;
      dayOf[purchases] = day;
      purchaseEvent[purchases] = i;
      value[purchases++] = margin;
    } else {
      refunds.set(order, (refunds.get(order) ?? 0) + margin);
    }
  }
  // Each purchase gets its order's refunds, whatever their date.
  if (refunds.size > 0) {
    for (let p = 0; p < purchases; p++) {
      const refunded = refunds.get(orderId[purchaseEvent[p]]);
      if (refunded !== undefined) value[p] += refunded;
    }
  }

  // Ranks in the time-sorted log: a stable sort by instant (ties keep the events' order).
  const rankOf = stableRanks(at.subarray(0, purchases));
  const byRank = new Int32Array(purchases);
  for (let p = 0; p < purchases; p++) byRank[rankOf[p]] = p;

  // Each customer's purchases bucketed in log order.
  const m = customerIds.length;
  const start = new Int32Array(m + 1);
  for (let p = 0; p < purchases; p++) start[buyer[p] + 1]++;
  for (let c = 0; c < m; c++) start[c + 1] += start[c];
  const fill = start.slice(0, m);
  const dayOut = new Int32Array(purchases);
  const valueOut = new Float64Array(purchases);
  const rankOut = new Int32Array(purchases);
  for (let r = 0; r < purchases; r++) {
    const p = byRank[r];
    const k = fill[buyer[p]]++;
    dayOut[k] = dayOf[p];
    valueOut[k] = value[p];
    rankOut[k] = r;
  }
  return {
    customerIds, start, day: dayOut, value: valueOut, rank: rankOut,
    eventCustomer: eventCustomer.slice(0, kept), eventDay: eventDay.slice(0, kept), eventMargin: eventMargin.slice(0, kept),
  };
}

export interface HistorySummaries {
  summaries: CustomerSummary[];
  /** The history index (PurchaseHistories.customerIds) of each summary's customer. */
  customer: Int32Array;
}

/**
 * Each customer's (x, t_x, T, mean repeat value) with purchases up to `calibrationEnd` (a day number,
 * inclusive), as summarizeTransactions computes them. Customers whose first purchase is later are left out.
 */
export function summarizeHistories(histories: PurchaseHistories, options: { calibrationEnd: number; timeUnit: TimeUnit }): HistorySummaries {
  const { start, day, value, rank, customerIds } = histories;
  const { calibrationEnd } = options;
  const unit = options.timeUnit === "weeks" ? 7 : 1;
  if (!Number.isInteger(calibrationEnd)) throw new ModelFitError("invalid-input", `calibrationEnd must be a day number, got ${calibrationEnd}`);
  // A customer appears at the rank of their first purchase on or before the calibration end.
  const total = day.length;
  const atRank = new Int32Array(total).fill(-1);
  for (let c = 0; c < customerIds.length; c++) {
    for (let k = start[c]; k < start[c + 1]; k++) {
      if (day[k] <= calibrationEnd) {
        atRank[rank[k]] = c;
        break;
      }
    }
  }
  const firstPurchase = cachedDayString();
  const summaries: CustomerSummary[] = [];
  const customer: number[] = [];
  for (let r = 0; r < total; r++) {
    const c = atRank[r];
    if (c < 0) continue;
    // Purchases up to the calibration end, consecutive ones on the same day merged.
    let x = -1;
    let first = 0;
    let lastDay = 0;
    let repeatValue = 0;
    for (let k = start[c]; k < start[c + 1]; k++) {
      const d = day[k];
      if (d > calibrationEnd) continue;
      if (x >= 0 && d === lastDay) {
        if (x > 0) repeatValue += value[k];
        continue;
      }
      if (x < 0) first = d;
      else repeatValue += value[k];
      x++;
      lastDay = d;
    }
    summaries.push({
      customerId: customerIds[c], frequency: x, recency: (lastDay - first) / unit, T: (calibrationEnd - first) / unit,
      monetaryValue: x > 0 ? repeatValue / x : 0, firstPurchase: firstPurchase(first),
    });
    customer.push(c);
  }
  return { summaries, customer: Int32Array.from(customer) };
}

/** Each customer's margin from every one of their events on or before `lastDay`, by history index. */
export function observedMarginTo(histories: PurchaseHistories, lastDay: number): Float64Array {
  const out = new Float64Array(histories.customerIds.length);
  const { eventCustomer, eventDay, eventMargin } = histories;
  for (let i = 0; i < eventCustomer.length; i++) if (eventDay[i] <= lastDay) out[eventCustomer[i]] += eventMargin[i];
  return out;
}
