/**
 * The shop's calendar: instants to local day numbers and month indexes without allocating a Date per
 * event. Day numbers count days since 1970-01-01 in the shop's IANA zone (the numbering of the CLV
 * summaries); a month index is year * 12 + (month - 1), so "months since acquisition" is a subtraction.
 */

/** "YYYY-MM". */
export type MonthKey = string;

const MS_PER_DAY = 86_400_000;
const UNKNOWN = -2_147_483_648;
const MIXED = 2_147_483_647;
/** Beyond this span of days the cache would be mostly empty: such instants are converted one by one. */
const MAX_CACHED_DAYS = 80_000;

/**
 * Local day number of an instant in `timeZone` (throws RangeError for an unknown zone). Intl costs
 * ~10 us a call, so the zone's offset is found once per UTC day (at its first and last millisecond)
 * and kept in a flat array; a UTC day whose two offsets differ (a DST change inside it) is converted
 * instant by instant.
 */
export function localDayFunction(timeZone: string): (at: Date) => number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return (at) => Math.floor(at.getTime() / MS_PER_DAY);
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
  });
  /** Local wall-clock time read as UTC, minus the instant (whole seconds): the zone's offset in ms. */
  const offsetAt = (ms: number): number => {
    const f: Record<string, number> = {};
    for (const part of format.formatToParts(ms)) f[part.type] = Number(part.value);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(ms / 1000) * 1000;
  };
  let origin = 0;
  let offsets = new Int32Array(0);
  const slot = (day: number): number => {
    let i = day - origin;
    if (i >= 0 && i < offsets.length) return i;
    const from = offsets.length === 0 ? day - 400 : Math.min(origin, day - 400);
    const to = offsets.length === 0 ? day + 400 : Math.max(origin + offsets.length, day + 400);
    if (to - from > MAX_CACHED_DAYS) return -1;
    const grown = new Int32Array(to - from).fill(UNKNOWN);
    if (offsets.length > 0) grown.set(offsets, origin - from);
    [origin, offsets] = [from, grown];
    i = day - origin;
    return i;
  };
  return (at) => {
    const ms = at.getTime();
    const day = Math.floor(ms / MS_PER_DAY);
    const i = slot(day);
    let offset = i < 0 ? MIXED : offsets[i];
    if (offset === UNKNOWN) {
      const start = offsetAt(day * MS_PER_DAY);
      offset = offsets[i] = start === offsetAt((day + 1) * MS_PER_DAY - 1) ? start : MIXED;
    }
    if (offset === MIXED) offset = offsetAt(ms);
    return Math.floor((ms + offset) / MS_PER_DAY);
  };
}

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
