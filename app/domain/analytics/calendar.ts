/**
 * The shop's calendar: instants to local day numbers and month indexes without allocating a Date per
 * event. Day numbers count days since 1970-01-01 in the shop's IANA zone (the numbering of the CLV
 * summaries); a month index is year * 12 + (month - 1), so "months since acquisition" is a subtraction.
 */

import { localDayFunction } from "../time/local-day";

export { localDayFunction };

/** "YYYY-MM". */
export type MonthKey = string;


/** Month index (year * 12 + month - 1) of a day number: civil-from-days (H. Hinnant), integers only. */
export function monthOfDay(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9; // 1..12
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

/** monthOfDay with a table around the first day asked (about +-100 years): one array read per event. */
export function cachedMonthOfDay(): (day: number) => number {
  const SPAN = 36_600;
  let origin = NaN;
  const table = new Int32Array(2 * SPAN).fill(-1);
  return (day) => {
    if (origin !== origin) origin = day - SPAN;
    const i = day - origin;
    if (i < 0 || i >= table.length) return monthOfDay(day);
    let month = table[i];
    if (month === -1) month = table[i] = monthOfDay(day);
    return month;
  };
}

export function monthKey(month: number): MonthKey {
  const year = Math.floor(month / 12);
  return `${String(year).padStart(4, "0")}-${String(month - year * 12 + 1).padStart(2, "0")}`;
}

const MONTH_KEY = /^(\d{4})-(\d{2})$/;

export function parseMonthKey(key: string): number {
  const match = MONTH_KEY.exec(key);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) throw new RangeError(`expected a month "YYYY-MM", got ${JSON.stringify(key)}`);
  return Number(match[1]) * 12 + month - 1;
}

/** "YYYY-MM-DD" of a day number. */
export function dayKey(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
