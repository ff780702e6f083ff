/**
 * Time for the demo generator: shop-local timestamps with their UTC offset (as Shopify writes them,
 * "2026-10-31T19:59:59-04:00"), and an hourly intensity grid that turns a uniform number into an
 * instant following a seasonal profile (and back), so sorted uniforms give sorted timestamps.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
}

/** UTC offset in minutes of `timeZone` at instant `ms`, read from the runtime's time zone data. */
function intlOffsetMinutes(format: Intl.DateTimeFormat, ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(whole))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour % 24, fields.minute, fields.second);
  return Math.round((asUtc - whole) / 60_000);
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

function offsetSuffix(minutes: number): string {
  if (minutes === 0) return "+00:00";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${TWO_DIGITS[Math.floor(abs / 60)]}:${TWO_DIGITS[abs % 60]}`;
}

export interface LocalParts {
  year: number;
  /** 0-11 */
  month: number;
  /** 1-31 */
  day: number;
  hour: number;
  /** 0 = Sunday */
  weekday: number;
}

/**
 * The shop's wall clock. Offsets are tabulated per UTC hour over a range (time zone transitions
 * happen on whole UTC hours in the zones a demo shop uses) and read from Intl outside it.
 */
export class ShopClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly tableStart: number;
  private readonly table: Int16Array;
  private readonly outside = new Map<number, number>();
  private readonly dayText = new Map<number, string>();
  private readonly suffixText = new Map<number, string>();

  constructor(
    readonly timeZone: string,
    fromMs: number,
    toMs: number,
  ) {
    this.format = offsetFormatter(timeZone);
    this.tableStart = Math.floor(fromMs / DAY) * DAY - DAY;
    const days = Math.ceil((toMs - this.tableStart) / DAY) + 2;
    this.table = new Int16Array(days * 24);
    let previous = intlOffsetMinutes(this.format, this.tableStart);
    for (let d = 0; d < days; d++) {
      const dayStart = this.tableStart + d * DAY;
      const next = intlOffsetMinutes(this.format, dayStart + DAY);
      for (let h = 0; h < 24; h++) {
        this.table[d * 24 + h] = previous === next ? previous : intlOffsetMinutes(this.format, dayStart + h * HOUR);
      }
      previous = next;
    }
  }

  offsetMinutes(ms: number): number {
    const index = Math.floor((ms - this.tableStart) / HOUR);
    if (index >= 0 && index < this.table.length) return this.table[index];
    const hour = Math.floor(ms / HOUR);
    let offset = this.outside.get(hour);
    if (offset === undefined) {
      offset = intlOffsetMinutes(this.format, hour * HOUR);
      this.outside.set(hour, offset);
    }
    return offset;
  }

  /** ISO 8601 with the shop's offset, to the second: "2026-10-31T19:59:59-04:00". */
  iso(ms: number): string {
    const offset = this.offsetMinutes(ms);
    const local = Math.floor(ms / 1000) * 1000 + offset * 60_000;
    const dayNumber = Math.floor(local / DAY);
    let date = this.dayText.get(dayNumber);
    if (date === undefined) {
      date = new Date(dayNumber * DAY).toISOString().slice(0, 10);
      this.dayText.set(dayNumber, date);
    }
    let suffix = this.suffixText.get(offset);
    if (suffix === undefined) {
      suffix = offsetSuffix(offset);
      this.suffixText.set(offset, suffix);
    }
    const seconds = Math.floor((local - dayNumber * DAY) / 1000);
    const hh = TWO_DIGITS[Math.floor(seconds / 3600)];
    const mm = TWO_DIGITS[Math.floor(seconds / 60) % 60];
    const ss = TWO_DIGITS[seconds % 60];
    return `${date}T${hh}:${mm}:${ss}${suffix}`;
  }

  local(ms: number): LocalParts {
    const date = new Date(ms + this.offsetMinutes(ms) * 60_000);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth(),
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      weekday: date.getUTCDay(),
    };
  }

  /** The UTC instant of a shop-local wall time (the later one across a backward transition). */
  instantOf(year: number, month: number, day: number, hour = 0): number {
    const wall = Date.UTC(year, month, day, hour);
    let guess = wall - this.offsetMinutes(wall) * 60_000;
    guess = wall - this.offsetMinutes(guess) * 60_000;
    return guess;
  }
}

/**
 * An hourly grid over [start, end] with a non-negative weight per hour: `cdf` maps an instant to the
 * share of the total weight before it, `inverse` maps a share in [0, 1] back to an instant. Both are
 * monotone, so increasing shares give non-decreasing instants.
 */
export class TimeGrid {
  readonly cells: number;
  private readonly cumulative: Float64Array;

  constructor(
    readonly start: number,
    readonly end: number,
    weight: (cell: number) => number,
  ) {
    this.cells = Math.max(1, Math.ceil((end - start) / HOUR));
    this.cumulative = new Float64Array(this.cells + 1);
    let total = 0;
    for (let i = 0; i < this.cells; i++) {
      const length = Math.min(HOUR, end - (start + i * HOUR));
      total += Math.max(0, weight(i)) * (length / HOUR);
      this.cumulative[i + 1] = total;
    }
    if (!(total > 0)) throw new RangeError("TimeGrid needs a positive total weight");
    for (let i = 1; i <= this.cells; i++) this.cumulative[i] /= total;
    this.cumulative[this.cells] = 1;
  }

  /** The hour cell holding an instant (clamped to the grid). */
  cellOf(ms: number): number {
    return Math.min(this.cells - 1, Math.max(0, Math.floor((ms - this.start) / HOUR)));
  }

  cdf(ms: number): number {
    if (ms <= this.start) return 0;
    if (ms >= this.end) return 1;
    const cell = this.cellOf(ms);
    const cellStart = this.start + cell * HOUR;
    const length = Math.min(HOUR, this.end - cellStart);
    const fraction = (ms - cellStart) / length;
    const lo = this.cumulative[cell];
    return lo + (this.cumulative[cell + 1] - lo) * fraction;
  }

  inverse(share: number): number {
    if (share <= 0) return this.start;
    if (share >= 1) return this.end;
    let lo = 0;
    let hi = this.cells - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid + 1] > share) hi = mid;
      else lo = mid + 1;
    }
    const cellStart = this.start + lo * HOUR;
    const length = Math.min(HOUR, this.end - cellStart);
    const low = this.cumulative[lo];
    const width = this.cumulative[lo + 1] - low;
    const fraction = width > 0 ? (share - low) / width : 0;
    return Math.min(this.end, cellStart + fraction * length);
  }
}

/** Thanksgiving (fourth Thursday of November) as a day of the month. */
export function thanksgivingDay(year: number): number {
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - firstWeekday + 7) % 7);
  return firstThursday + 21;
}

export { HOUR, DAY };
