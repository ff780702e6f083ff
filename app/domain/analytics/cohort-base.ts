/**
 * A CohortBase (base.ts) as bytes. The analytics refresh stores its base this way, and a Cohorts page
 * asking for a filter combination the refresh did not precompute tabulates it from the stored bytes
 * (decode, then buildCohortTable) instead of loading the whole ledger again: at 1M orders that load
 * took 17 s in a page request.
 *
 * Layout: the magic "CB01", the header's length (uint32), the header (JSON, UTF-8), then each array of
 * the header's `arrays` in order, each starting at a multiple of 8 bytes, in the platform's byte order
 * (the header records it; a reader of the other order refuses the bytes). The header holds the
 * scalars, the strings of the facts (one dictionary) and each array's name, type and length.
 * Facts are columns of dictionary indexes per customer (-1: null; a channel of -1: no facts at all),
 * tags an index column with per-customer offsets. eventMonth is not stored: it is eventDay's month.
 */
import type { CohortBase, FilterFacts, Totals } from "./base";
import { cachedMonthOfDay } from "./calendar";

const MAGIC = "CB01";
const ALIGN = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type ArrayType = "int32" | "uint8" | "float64";
type TypedArray = Int32Array | Uint8Array | Float64Array;

interface Header {
  littleEndian: boolean;
  timeZone: string;
  asOf: string;
  asOfDay: number;
  asOfMonth: number;
  unattributed: Totals & { events: number };
  strings: string[];
  arrays: { name: string; type: ArrayType; length: number }[];
}

const typeOf = (array: TypedArray): ArrayType =>
  array instanceof Int32Array ? "int32" : array instanceof Float64Array ? "float64" : "uint8";
const padded = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** The facts as dictionary-index columns. */
function factColumns(facts: readonly (FilterFacts | null)[]): { strings: string[]; columns: Record<string, Int32Array> } {
  const strings: string[] = [];
  const indexOf = new Map<string, number>();
  const intern = (value: string | null): number => {
    if (value === null) return -1;
    let index = indexOf.get(value);
    if (index === undefined) {
      index = strings.length;
      strings.push(value);
      indexOf.set(value, index);
    }
    return index;
  };
  const n = facts.length;
  const channel = new Int32Array(n);
  const country = new Int32Array(n);
  const code = new Int32Array(n);
  const product = new Int32Array(n);
  const tagStart = new Int32Array(n + 1);
  const tags: number[] = [];
  for (let c = 0; c < n; c++) {
    const f = facts[c];
    tagStart[c] = tags.length;
    channel[c] = f ? intern(f.channel) : -1;
    country[c] = f ? intern(f.countryCode) : -1;
    code[c] = f ? intern(f.firstDiscountCode) : -1;
    product[c] = f ? intern(f.firstProductId) : -1;
    if (f) for (const tag of f.tags) tags.push(intern(tag));
  }
  tagStart[n] = tags.length;
  return { strings, columns: { channel, country, code, product, tagStart, tags: Int32Array.from(tags) } };
}

/**
 * `layout: "without-months"` writes the bytes as rows stored before the events' months were (their
 * reader computes the months from the days): for the test that such rows still decode.
 */
export function encodeCohortBase(base: CohortBase, options: { layout?: "without-months" } = {}): Uint8Array {
  const { strings, columns } = factColumns(base.facts);
  const arrays: Record<string, TypedArray> = {
    firstDay: base.firstDay, firstMonth: base.firstMonth, repeatDay: base.repeatDay, eventStart: base.eventStart,
    eventDay: base.eventDay, eventKind: base.eventKind, revenue: base.revenue, grossMargin: base.grossMargin,
    contributionMargin: base.contributionMargin, ...columns,
    // Stored rather than computed on decode: a month lookup per event was a third of the decode (~35 ms at 1M orders).
    ...(options.layout === "without-months" ? {} : { eventMonth: base.eventMonth }),
  };
  const header: Header = {
    littleEndian: LITTLE_ENDIAN, timeZone: base.timeZone, asOf: base.asOf.toISOString(), asOfDay: base.asOfDay, asOfMonth: base.asOfMonth,
    unattributed: { ...base.unattributed }, strings,
    arrays: Object.entries(arrays).map(([name, array]) => ({ name, type: typeOf(array), length: array.length })),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  let size = padded(MAGIC.length + 4 + headerBytes.length);
  const offsets = Object.values(arrays).map((array) => {
    const at = size;
    size = padded(size + array.byteLength);
    return at;
  });
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  Object.values(arrays).forEach((array, i) => out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offsets[i]));
  return out;
}

/** Each day's month (rows stored before the months were). */
function monthsOf(eventDay: Int32Array): Int32Array {
  const monthOf = cachedMonthOfDay();
  const eventMonth = new Int32Array(eventDay.length);
  for (let j = 0; j < eventDay.length; j++) eventMonth[j] = monthOf(eventDay[j]);
  return eventMonth;
}

/** Throws on bytes that are not an encoded cohort base (or of the other byte order). */
export function decodeCohortBase(input: Uint8Array): CohortBase {
  // Typed-array views need aligned offsets: a driver's Buffer may be a slice of a shared pool.
  const bytes = input.byteOffset % ALIGN === 0 ? input : new Uint8Array(input);
  const fail = (why: string): never => {
    throw new RangeError(`Not a stored cohort base: ${why}`);
  };
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) fail("unknown format");
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > bytes.length) fail("truncated header");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength))) as Header;
  if (header.littleEndian !== LITTLE_ENDIAN) fail("written in the other byte order");
  const arrays = new Map<string, TypedArray>();
  let at = padded(MAGIC.length + 4 + headerLength);
  for (const { name, type, length } of header.arrays) {
    const Type = type === "int32" ? Int32Array : type === "float64" ? Float64Array : Uint8Array;
    if (at + length * Type.BYTES_PER_ELEMENT > bytes.length) fail(`truncated at ${name}`);
    arrays.set(name, new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset + at, length));
    at = padded(at + length * Type.BYTES_PER_ELEMENT);
  }
  const get = <T extends TypedArray>(name: string, Type: new (...args: never[]) => T): T => {
    const array = arrays.get(name);
    return array instanceof Type ? array : fail(`no ${name}`);
  };
  const strings = header.strings;
  const [channel, country, code, product, tagStart, tags] = ["channel", "country", "code", "product", "tagStart", "tags"].map((name) => get(name, Int32Array));
  for (const column of [channel, country, code, product, tags]) {
    const least = column === tags ? 0 : -1;
    for (let i = 0; i < column.length; i++) if (column[i] < least || column[i] >= strings.length) fail("string index out of range");
  }
  const text = (index: number) => (index < 0 ? null : strings[index]);
  const firstDay = get("firstDay", Int32Array);
  const facts: (FilterFacts | null)[] = new Array(firstDay.length);
  // One tag list per distinct set of tags (most customers share a few): nothing mutates them. No tag
  // and one tag, the common cases, are looked up by index rather than by a key built per customer.
  const noTags: string[] = [];
  const oneTag: (string[] | undefined)[] = new Array(strings.length);
  const tagLists = new Map<string, string[]>();
  for (let c = 0; c < firstDay.length; c++) {
    if (channel[c] < 0) {
      facts[c] = null;
      continue;
    }
    const from = tagStart[c];
    const count = tagStart[c + 1] - from;
    let list: string[] | undefined;
    if (count === 0) list = noTags;
    else if (count === 1) list = oneTag[tags[from]] ??= [strings[tags[from]]];
    else {
      const key = Array.from(tags.subarray(from, from + count)).join(",");
      list = tagLists.get(key);
      if (list === undefined) tagLists.set(key, (list = Array.from(tags.subarray(from, from + count), (t) => strings[t])));
    }
    facts[c] = { channel: strings[channel[c]], countryCode: text(country[c]), firstDiscountCode: text(code[c]), firstProductId: text(product[c]), tags: list };
  }
  const eventDay = get("eventDay", Int32Array);
  const eventMonth = arrays.has("eventMonth") ? get("eventMonth", Int32Array) : monthsOf(eventDay);
  if (eventMonth.length !== eventDay.length) fail("eventMonth and eventDay differ in length");
  return {
    timeZone: header.timeZone, asOf: new Date(header.asOf), asOfDay: header.asOfDay, asOfMonth: header.asOfMonth, facts, firstDay,
    firstMonth: get("firstMonth", Int32Array), repeatDay: get("repeatDay", Int32Array), eventStart: get("eventStart", Int32Array), eventDay,
    eventMonth, eventKind: get("eventKind", Uint8Array), revenue: get("revenue", Float64Array), grossMargin: get("grossMargin", Float64Array),
    contributionMargin: get("contributionMargin", Float64Array), unattributed: header.unattributed,
  };
}
