/**
 * Local calendar days of a shop: instants to day numbers (days since 1970-01-01 in an IANA zone)
 * without allocating per call. Used by the analytics (cohorts in the shop's time zone) and by the CLV
 * summaries (same-day purchases merged by local day).
 */
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
  const dayOfMs = localDayOfMsFunction(timeZone);
  return (at) => dayOfMs(at.getTime());
}

/** localDayFunction for instants in epoch milliseconds (columns of instants: no Date needed). */
export function localDayOfMsFunction(timeZone: string): (ms: number) => number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return (ms) => Math.floor(ms / MS_PER_DAY);
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
  return (ms) => {
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

const DAY_STRING = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a "YYYY-MM-DD" calendar day. */
export function dayNumberOf(day: string): number {
  const match = DAY_STRING.exec(day);
  if (!match) throw new RangeError(`expected a calendar day "YYYY-MM-DD", got ${JSON.stringify(day)}`);
  const [, y, m, d] = match.map(Number);
  const ms = Date.UTC(y, m - 1, d);
  if (new Date(ms).getUTCDate() !== d) throw new RangeError(`not a calendar day: ${day}`);
  return ms / MS_PER_DAY;
}

export function dayString(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** dayString remembering each day's text: customers share first days, and toISOString costs microseconds. */
export function cachedDayString(): (dayNumber: number) => string {
  const texts = new Map<number, string>();
  return (dayNumber) => {
    let text = texts.get(dayNumber);
    if (text === undefined) texts.set(dayNumber, (text = dayString(dayNumber)));
    return text;
  };
}

