/**
 * Cumulative cohort triangles for any grouping of customers in one pass over the events: the plain
 * cohort table is one group, LTV:CAC uses one group per channel. Money sums are sums of whole minor
 * units in doubles, exact below 2^53 (checked).
 *
 * Column k of cohort month c holds everything by the end of local month c + k:
 * - events dated before the acquisition month (costs of a cancelled order placed before the first
 *   purchase) are folded into column 0, so the last column still adds up to all of a cohort's events;
 * - events after the last column are not in the triangle;
 * - retention counts a customer from the month of their repeat purchase (see base.ts: a purchase on a
 *   later local day than the first, so the acquisition month can hold a repeat).
 */
import type { CohortBase } from "./base";
import { KIND_PURCHASE, NO_DAY } from "./base";
import { monthOfDay } from "./calendar";

export interface Triangles {
  groups: number;
  /** Month index of row 0. */
  firstMonth: number;
  /** Rows per group: every month from firstMonth to the asOf month. */
  rows: number;
  columns: number;
  /** [group * rows + row] */
  size: Float64Array;
  /** Latest first-purchase day in the cohort (its youngest customer). */
  youngestDay: Int32Array;
  /** [(group * rows + row) * columns + k], cumulative. */
  revenue: Float64Array;
  grossMargin: Float64Array;
  contributionMargin: Float64Array;
  purchases: Float64Array;
  retained: Float64Array;
}

/** The earliest acquisition month of the customers in some group (the asOf month when none is). */
export function earliestMonth(base: CohortBase, groupOf: Int32Array): number {
  let firstMonth = base.asOfMonth;
  for (let c = 0; c < groupOf.length; c++) if (groupOf[c] >= 0 && base.firstMonth[c] < firstMonth) firstMonth = base.firstMonth[c];
  return firstMonth;
}

/**
 * groupOf[c] is the group of customer c, or -1 to leave them out. Row 0 is `firstMonth` (default: the
 * earliest acquisition month in the groups; triangles to be added up must share it).
 */
export function buildTriangles(base: CohortBase, groupOf: Int32Array, groups: number, columns: number,
  firstMonth = earliestMonth(base, groupOf)): Triangles {
  const n = base.firstDay.length;
  const rows = base.asOfMonth - firstMonth + 1;
  const cells = groups * rows;
  const size = new Float64Array(cells);
  const youngestDay = new Int32Array(cells).fill(-NO_DAY);
  const revenue = new Float64Array(cells * columns);
  const grossMargin = new Float64Array(cells * columns);
  const contributionMargin = new Float64Array(cells * columns);
  const purchases = new Float64Array(cells * columns);
  const retained = new Float64Array(cells * columns);
  const { eventStart, eventMonth, eventKind } = base;

  for (let c = 0; c < n; c++) {
    const g = groupOf[c];
    if (g < 0) continue;
    const fm = base.firstMonth[c];
    const cell = g * rows + fm - firstMonth;
    size[cell]++;
    if (base.firstDay[c] > youngestDay[cell]) youngestDay[cell] = base.firstDay[c];
    const at = cell * columns;
    for (let j = eventStart[c]; j < eventStart[c + 1]; j++) {
      let k = eventMonth[j] - fm;
      if (k < 0) k = 0;
      else if (k >= columns) continue;
      revenue[at + k] += base.revenue[j];
      grossMargin[at + k] += base.grossMargin[j];
      contributionMargin[at + k] += base.contributionMargin[j];
      if (eventKind[j] === KIND_PURCHASE) purchases[at + k]++;
    }
    if (base.repeatDay[c] !== NO_DAY) {
      const k = monthOfDay(base.repeatDay[c]) - fm;
      if (k < columns) retained[at + k]++;
    }
  }

  for (let cell = 0; cell < cells; cell++) {
    const at = cell * columns;
    for (let k = 1; k < columns; k++) {
      revenue[at + k] += revenue[at + k - 1];
      grossMargin[at + k] += grossMargin[at + k - 1];
      contributionMargin[at + k] += contributionMargin[at + k - 1];
      purchases[at + k] += purchases[at + k - 1];
      retained[at + k] += retained[at + k - 1];
    }
    checkExact(revenue, grossMargin, contributionMargin, at + columns - 1, columns);
  }
  return { groups, firstMonth, rows, columns, size, youngestDay, revenue, grossMargin, contributionMargin, purchases, retained };
}

function checkExact(revenue: Float64Array, grossMargin: Float64Array, contributionMargin: Float64Array, last: number, columns: number): void {
  if (columns > 0 && !(Number.isSafeInteger(revenue[last]) && Number.isSafeInteger(grossMargin[last]) &&
    Number.isSafeInteger(contributionMargin[last]))) {
    throw new RangeError("cohort totals are too large to add up exactly");
  }
}

/**
 * Adds `from` into `into` (same groups, first month and shape): the triangles of customers split over
 * several groupings, e.g. a customer with two tags counted once in each tag's group.
 */
export function addTriangles(into: Triangles, from: Triangles): void {
  if (into.groups !== from.groups || into.firstMonth !== from.firstMonth || into.rows !== from.rows || into.columns !== from.columns) {
    throw new RangeError("only triangles of the same shape add up");
  }
  for (let cell = 0; cell < into.size.length; cell++) {
    into.size[cell] += from.size[cell];
    if (from.youngestDay[cell] > into.youngestDay[cell]) into.youngestDay[cell] = from.youngestDay[cell];
  }
  for (let i = 0; i < into.revenue.length; i++) {
    into.revenue[i] += from.revenue[i];
    into.grossMargin[i] += from.grossMargin[i];
    into.contributionMargin[i] += from.contributionMargin[i];
    into.purchases[i] += from.purchases[i];
    into.retained[i] += from.retained[i];
  }
  for (let cell = 0; cell < into.size.length; cell++) {
    checkExact(into.revenue, into.grossMargin, into.contributionMargin, (cell + 1) * into.columns - 1, into.columns);
  }
}
