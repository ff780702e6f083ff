/**
 * The cohort triangle: customers by the local month of their first purchase (shop time zone), columns
 * 0..maxMonth months since acquisition, each cell the cumulative revenue, gross margin and
 * contribution margin per customer of the cohort by the END of that month, plus retention.
 *
 * Rules (see base.ts and triangle.ts for purchases, cancelled orders and guests):
 * - A cell is shown only once its month has ended by asOf; later cells are null, never 0. The
 *   current month is therefore blank too: its value "by the end of the month" is not known yet.
 * - Refunds count in the month they were made, so a later refund lowers a later cell.
 * - Retention = share of the cohort with a repeat purchase (on a later local day than their first)
 *   by the end of the month. A repeat inside the acquisition month counts from column 0; a second
 *   order on the same day does not count (a split checkout is not a return visit).
 * - Cells carry exact totals and the customer count; per-customer figures are total / customers
 *   rounded half away from zero to a minor unit, retention in basis points rounded the same way.
 * - The average row weights cohorts by size: for month k, the sum of the totals of the cohorts that
 *   have reached k divided by the sum of their sizes (cohorts that have not reached k are left out).
 * - Fixed horizons of D days: per customer, every event on the day of their first purchase and the
 *   D - 1 following local days (earlier events fold in, as in column 0). A cohort's horizon is null
 *   until its youngest customer's window has fully passed: youngest first day + D <= asOf's day.
 */
import { divideRounded } from "../money/money";
import { valueEventAt, type ValueEvent } from "../value-events";
import type { AnalyticsBase, CohortBase, Totals } from "./base";
import { KIND_PURCHASE, NO_DAY } from "./base";
import type { MonthKey } from "./calendar";
import { monthKey, monthOfDay, parseMonthKey } from "./calendar";
import type { AcquisitionFilters } from "./filters";
import { filterGroups } from "./filters";
import type { Triangles } from "./triangle";
import { addTriangles, buildTriangles, earliestMonth } from "./triangle";

export type CohortMetric = "contributionMargin" | "revenue" | "grossMargin";

export const DEFAULT_MAX_MONTH = 24;
export const DEFAULT_HORIZON_DAYS: readonly number[] = [30, 90, 180, 365];

export interface CohortCell {
  /** Months since acquisition. */
  month: number;
  /** Denominator: the cohort size (average row: sizes of the cohorts that reached this month). */
  customers: number;
  /** Cohorts behind the cell (1 in a cohort row). */
  cohorts: number;
  total: Totals;
  perCustomer: Totals;
  /** Purchases (not cancelled orders) by the end of the month. */
  purchases: number;
  retained: number;
  retentionBps: number;
}

export interface HorizonCell {
  days: number;
  customers: number;
  cohorts: number;
  total: Totals;
  perCustomer: Totals;
}

export interface CohortRow {
  cohort: MonthKey;
  size: number;
  cells: (CohortCell | null)[];
  /** In the order of CohortTable.horizonsDays; null until the youngest customer reached it. */
  horizons: (HorizonCell | null)[];
}

export interface CohortTable {
  timeZone: string;
  asOf: Date;
  maxMonth: number;
  horizonsDays: readonly number[];
  filters: AcquisitionFilters;
  /** Cohorts with at least one customer, oldest first. */
  rows: CohortRow[];
  average: { cells: (CohortCell | null)[]; horizons: (HorizonCell | null)[] };
  /** Guest events: in store totals, never in cohorts. */
  unattributed: Totals & { events: number };
}

export interface CohortOptions {
  filters?: AcquisitionFilters;
  /** Last column, months since acquisition (default 24). */
  maxMonth?: number;
  horizonsDays?: readonly number[];
}

/** The figure a heatmap shows for a metric: per-customer minor units, or retention in bps. */
export function cellValue(cell: CohortCell, metric: CohortMetric | "retention"): number {
  return metric === "retention" ? cell.retentionBps : cell.perCustomer[metric];
}

function totalsPer(total: Totals, customers: number): Totals {
  return {
    revenue: divideRounded(total.revenue, customers),
    grossMargin: divideRounded(total.grossMargin, customers),
    contributionMargin: divideRounded(total.contributionMargin, customers),
  };
}

function makeCell(month: number, customers: number, cohorts: number, total: Totals, purchases: number, retained: number): CohortCell {
  return {
    month, customers, cohorts, total, perCustomer: totalsPer(total, customers), purchases, retained,
    retentionBps: divideRounded(retained * 10_000, customers),
  };
}

function checkOptions(options: CohortOptions): { maxMonth: number; horizonsDays: readonly number[] } {
  const maxMonth = options.maxMonth ?? DEFAULT_MAX_MONTH;
  const horizonsDays = options.horizonsDays ?? DEFAULT_HORIZON_DAYS;
  if (!Number.isInteger(maxMonth) || maxMonth < 0 || maxMonth > 240) throw new RangeError(`maxMonth must be 0..240, got ${maxMonth}`);
  for (const d of horizonsDays) if (!Number.isInteger(d) || d < 1) throw new RangeError(`horizon days must be positive integers, got ${d}`);
  return { maxMonth, horizonsDays };
}

/** Horizon totals per group and cohort row: [((group * rows + row) * H + h) * 3 + metric]. */
function horizonTotals(base: CohortBase, groupOf: Int32Array, tri: Triangles, days: readonly number[]): Float64Array {
  const H = days.length;
  const out = new Float64Array(tri.groups * tri.rows * H * 3);
  for (let c = 0; c < groupOf.length; c++) {
    const g = groupOf[c];
    if (g < 0) continue;
    const at = (g * tri.rows + base.firstMonth[c] - tri.firstMonth) * H * 3;
    const day0 = base.firstDay[c];
    for (let j = base.eventStart[c]; j < base.eventStart[c + 1]; j++) {
      const offset = base.eventDay[j] - day0;
      for (let h = 0; h < H; h++) {
        if (offset >= days[h]) continue;
        out[at + h * 3] += base.revenue[j];
        out[at + h * 3 + 1] += base.grossMargin[j];
        out[at + h * 3 + 2] += base.contributionMargin[j];
      }
    }
  }
  return out;
}

interface Sums {
  size: number;
  cohorts: number;
  revenue: number;
  grossMargin: number;
  contributionMargin: number;
  purchases: number;
  retained: number;
}

const emptySums = (): Sums => ({ size: 0, cohorts: 0, revenue: 0, grossMargin: 0, contributionMargin: 0, purchases: 0, retained: 0 });
const totalsOf = (s: Sums): Totals => ({ revenue: s.revenue, grossMargin: s.grossMargin, contributionMargin: s.contributionMargin });

/** The table of group `g` of the triangles. */
function tableOf(base: CohortBase, tri: Triangles, horizons: Float64Array, g: number, maxMonth: number,
  horizonsDays: readonly number[], filters: AcquisitionFilters): CohortTable {
  const columns = maxMonth + 1;
  const H = horizonsDays.length;
  const averageCells = Array.from({ length: columns }, emptySums);
  const averageHorizons = Array.from({ length: H }, emptySums);

  const rows: CohortRow[] = [];
  for (let r = 0; r < tri.rows; r++) {
    const row = g * tri.rows + r;
    const size = tri.size[row];
    if (size === 0) continue;
    const month = tri.firstMonth + r;
    const cells: (CohortCell | null)[] = [];
    for (let k = 0; k < columns; k++) {
      if (month + k >= base.asOfMonth) {
        cells.push(null);
        continue;
      }
      const i = row * columns + k;
      const total = { revenue: tri.revenue[i], grossMargin: tri.grossMargin[i], contributionMargin: tri.contributionMargin[i] };
      cells.push(makeCell(k, size, 1, total, tri.purchases[i], tri.retained[i]));
      const a = averageCells[k];
      a.size += size;
      a.cohorts++;
      a.revenue += total.revenue;
      a.grossMargin += total.grossMargin;
      a.contributionMargin += total.contributionMargin;
      a.purchases += tri.purchases[i];
      a.retained += tri.retained[i];
    }
    const rowHorizons = horizonsDays.map((days, h): HorizonCell | null => {
      if (tri.youngestDay[row] + days > base.asOfDay) return null;
      const at = (row * H + h) * 3;
      const total = { revenue: horizons[at], grossMargin: horizons[at + 1], contributionMargin: horizons[at + 2] };
      const a = averageHorizons[h];
      a.size += size;
      a.cohorts++;
      a.revenue += total.revenue;
      a.grossMargin += total.grossMargin;
      a.contributionMargin += total.contributionMargin;
      return { days, customers: size, cohorts: 1, total, perCustomer: totalsPer(total, size) };
    });
    rows.push({ cohort: monthKey(month), size, cells, horizons: rowHorizons });
  }

  return {
    timeZone: base.timeZone, asOf: base.asOf, maxMonth, horizonsDays, filters, rows,
    average: {
      cells: averageCells.map((a, k) => (a.cohorts === 0 ? null : makeCell(k, a.size, a.cohorts, totalsOf(a), a.purchases, a.retained))),
      horizons: averageHorizons.map((a, h) => (a.cohorts === 0 ? null : {
        days: horizonsDays[h], customers: a.size, cohorts: a.cohorts, total: totalsOf(a), perCustomer: totalsPer(totalsOf(a), a.size),
      })),
    },
    unattributed: { ...base.unattributed },
  };
}

export function buildCohortTable(base: CohortBase, options: CohortOptions = {}): CohortTable {
  return buildCohortTablesByGroup(base, filterGroups(base, options.filters), [options.filters ?? {}], options)[0];
}

/**
 * The tables of many one-dimension filters at once (the Cohorts page's filter choices, precomputed by
 * the analytics refresh): `filters[g]` is group g's filter and `groupOf[c]` customer c's group (-1:
 * none), as factsMatcher would sort them (filterValueGroups builds both). One pass over the events for
 * all the groups; each table equals buildCohortTable(base, { filters: filters[g] }). A customer in several
 * groups (tags: tagGroups) is in one group per layer of `groupOf`.
 */
export function buildCohortTablesByGroup(base: CohortBase, groupOf: Int32Array | readonly Int32Array[], filters: readonly AcquisitionFilters[],
  options: Pick<CohortOptions, "maxMonth" | "horizonsDays"> = {}): CohortTable[] {
  const { maxMonth, horizonsDays } = checkOptions(options);
  if (filters.length === 0) return [];
  // Layers (tags: a customer can be in several groups, once per layer) add up on shared rows.
  const layers = groupOf instanceof Int32Array ? [groupOf] : groupOf.length ? groupOf : [new Int32Array(base.firstDay.length).fill(-1)];
  const firstMonth = Math.min(...layers.map((layer) => earliestMonth(base, layer)));
  let tri: Triangles | null = null;
  let horizons: Float64Array | null = null;
  for (const layer of layers) {
    const t = buildTriangles(base, layer, filters.length, maxMonth + 1, firstMonth);
    const h = horizonTotals(base, layer, t, horizonsDays);
    if (!tri || !horizons) {
      tri = t;
      horizons = h;
      continue;
    }
    addTriangles(tri, t);
    for (let i = 0; i < h.length; i++) horizons[i] += h[i];
  }
  return filters.map((f, g) => tableOf(base, tri!, horizons!, g, maxMonth, horizonsDays, f));
}

export interface CohortCellDetail {
  cohort: MonthKey;
  month: number;
  /** The cell as the table shows it; null when its month has not ended by asOf. */
  cell: CohortCell | null;
  /** The cohort's customers (after filters): the denominator. */
  customerIds: string[];
  /** Customers counted in the cell's retention. Empty when the cell is null. */
  retainedCustomerIds: string[];
  /** The events adding up to cell.total, oldest first. Empty when the cell is null. */
  events: { event: ValueEvent; monthsSinceAcquisition: number; purchase: boolean }[];
}

/** The customers and events behind one cell, so every figure can be traced. */
export function cohortCellDetail(base: AnalyticsBase, cohort: MonthKey, month: number,
  options: { filters?: AcquisitionFilters } = {}): CohortCellDetail {
  const cohortMonth = parseMonthKey(cohort);
  if (!Number.isInteger(month) || month < 0) throw new RangeError(`month must be a whole number >= 0, got ${month}`);
  const groupOf = filterGroups(base, options.filters);
  const isObserved = cohortMonth + month < base.asOfMonth;
  const customerIds: string[] = [];
  const retainedCustomerIds: string[] = [];
  const events: CohortCellDetail["events"] = [];
  const sums = emptySums();
  for (let c = 0; c < groupOf.length; c++) {
    if (groupOf[c] !== 0 || base.firstMonth[c] !== cohortMonth) continue;
    customerIds.push(base.customerIds[c]);
    if (!isObserved) continue;
    if (base.repeatDay[c] !== NO_DAY && monthOfDay(base.repeatDay[c]) - cohortMonth <= month) {
      retainedCustomerIds.push(base.customerIds[c]);
    }
    for (let j = base.eventStart[c]; j < base.eventStart[c + 1]; j++) {
      const k = Math.max(0, base.eventMonth[j] - cohortMonth);
      if (k > month) continue;
      const purchase = base.eventKind[j] === KIND_PURCHASE;
      events.push({ event: valueEventAt(base.events, base.eventIndex[j]), monthsSinceAcquisition: k, purchase });
      sums.revenue += base.revenue[j];
      sums.grossMargin += base.grossMargin[j];
      sums.contributionMargin += base.contributionMargin[j];
      if (purchase) sums.purchases++;
    }
  }
  events.sort((a, b) => a.event.at.getTime() - b.event.at.getTime());
  const cell = isObserved && customerIds.length > 0
    ? makeCell(month, customerIds.length, 1, totalsOf(sums), sums.purchases, retainedCustomerIds.length)
    : null;
  return { cohort: monthKey(cohortMonth), month, cell, customerIds, retainedCustomerIds, events };
}
