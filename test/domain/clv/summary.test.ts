import { describe, expect, it } from "vitest";
import { createRng } from "~/domain/clv/random";
import { dayNumberFunction, dayNumberOf, dayString, summarizeTransactions, type Transaction } from "~/domain/clv/summary";
import { loadCdnowSummary, loadCdnowTransactions } from "./cdnow";

/**
 * Decimal rounding half up, as the file was made (a spreadsheet rounds 36.27 / 2 = 18.135 to 18.14):
 * first drop binary noise below 1e-6, since 18.135 is stored as 18.13499999999999801...
 */
const round2 = (v: number): number => Math.round(Math.round(v * 1e6) / 1e4) / 100;

describe("summary of the CDNOW sample", () => {
  const transactions = loadCdnowTransactions();
  const summary = summarizeTransactions(transactions, { calibrationEnd: "1997-09-30", timeUnit: "weeks", holdoutEnd: "1998-06-30" });

  it("has the raw counts of the data README", () => {
    expect(transactions).toHaveLength(6919);
    const calibrationRows = transactions.filter((t) => t.at.getTime() <= Date.UTC(1997, 8, 30));
    expect(calibrationRows).toHaveLength(4960);
    // 4,960 raw rows merge into 4,814 purchase days: 2,357 first purchases plus 2,457 repeats.
    expect(summary).toHaveLength(2357);
    expect(summary.reduce((s, c) => s + c.frequency, 0)).toBe(2457);
    expect(summary.filter((c) => c.frequency > 0)).toHaveLength(946);
  });

  it("equals lifetimes' summary file for every customer (rounded to 2 decimals)", () => {
    const expected = loadCdnowSummary();
    const ours = new Map(summary.map((c) => [c.customerId, c]));
    const mismatches = expected.filter((row) => {
      const c = ours.get(row.customerId);
      return (
        !c ||
        c.frequency !== row.frequency ||
        round2(c.recency) !== row.recency ||
        round2(c.T) !== row.T ||
        round2(c.monetaryValue) !== row.monetaryValue
      );
    });
    expect(mismatches).toEqual([]);
    expect(ours.size).toBe(expected.length);
  });

  it("spot-checks customer 1 exactly (days / 7, mean of the repeat purchases)", () => {
    const c = summary.find((s) => s.customerId === "1");
    expect(c).toMatchObject({ frequency: 2, firstPurchase: "1997-01-01" });
    expect(c?.recency).toBeCloseTo(213 / 7, 12); // 1997-01-01 → 1997-08-02
    expect(c?.T).toBeCloseTo(272 / 7, 12);
    expect(c?.monetaryValue).toBeCloseTo((29.73 + 14.96) / 2, 12);
  });

  it("counts the holdout purchase days (1,882 from 684 customers)", () => {
    expect(summary.reduce((s, c) => s + (c.holdout?.frequency ?? 0), 0)).toBe(1882);
    expect(summary.filter((c) => (c.holdout?.frequency ?? 0) > 0)).toHaveLength(684);
    expect(summary[0].holdout?.duration).toBeCloseTo(273 / 7, 12);
    // Customer 1 bought once more, on 1997-12-12 for $26.48.
    expect(summary.find((s) => s.customerId === "1")?.holdout).toMatchObject({ frequency: 1, monetaryValue: 26.48 });
  });
});

describe("summary rules", () => {
  const day = (iso: string, value: number, customerId = "c"): Transaction => ({ customerId, at: new Date(iso), value });

  it("merges same-day purchases, excludes the first purchase from the mean, and counts days", () => {
    const log = [
      day("2024-01-01T09:00:00Z", 10),
      day("2024-01-01T18:00:00Z", 5), // same day: first purchase is worth 15
      day("2024-01-08T10:00:00Z", 20),
      day("2024-01-15T10:00:00Z", 30),
      day("2024-01-15T11:00:00Z", -4), // a same-day negative margin line merges too
    ];
    const [c] = summarizeTransactions(log, { calibrationEnd: "2024-01-31", timeUnit: "days" });
    expect(c).toMatchObject({ frequency: 2, recency: 14, T: 30, monetaryValue: (20 + 26) / 2, firstPurchase: "2024-01-01" });
    const [w] = summarizeTransactions(log, { calibrationEnd: "2024-01-31", timeUnit: "weeks" });
    expect(w.recency).toBe(2);
    expect(w.T).toBeCloseTo(30 / 7, 12);
  });

  it("keeps every purchase when merging is off (first by time excluded)", () => {
    const log = [day("2024-01-01T18:00:00Z", 5), day("2024-01-01T09:00:00Z", 10), day("2024-01-03T10:00:00Z", 20)];
    const [c] = summarizeTransactions(log, { calibrationEnd: "2024-01-10", timeUnit: "days", mergeSameDay: false });
    expect(c).toMatchObject({ frequency: 2, recency: 2, T: 9, monetaryValue: (5 + 20) / 2 });
  });

  it("takes calendar days in the shop's time zone", () => {
    // 23:30 UTC on Jan 1 is already Jan 2 in Berlin: in UTC the two purchases share a day.
    const log = [day("2024-01-01T08:00:00Z", 10), day("2024-01-01T23:30:00Z", 7)];
    const utc = summarizeTransactions(log, { calibrationEnd: "2024-01-10", timeUnit: "days" });
    const berlin = summarizeTransactions(log, { calibrationEnd: "2024-01-10", timeUnit: "days", timeZone: "Europe/Berlin" });
    expect(utc[0]).toMatchObject({ frequency: 0, recency: 0, T: 9, monetaryValue: 0 });
    expect(berlin[0]).toMatchObject({ frequency: 1, recency: 1, T: 9, monetaryValue: 7, firstPurchase: "2024-01-01" });
    // A Date as calibration end is read as its calendar day in the zone too (Jan 10, 23:30 UTC = Jan 11 in Berlin).
    const endAsDate = summarizeTransactions(log, { calibrationEnd: new Date("2024-01-10T23:30:00Z"), timeUnit: "days", timeZone: "Europe/Berlin" });
    expect(endAsDate[0].T).toBe(10);
    expect(() => summarizeTransactions(log, { calibrationEnd: "2024-01-10", timeUnit: "days", timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });

  it("leaves out customers who first bought after calibration end, and later purchases", () => {
    const log = [day("2024-01-01T00:00:00Z", 10, "a"), day("2024-02-05T00:00:00Z", 10, "b"), day("2024-03-01T00:00:00Z", 10, "a")];
    const out = summarizeTransactions(log, { calibrationEnd: "2024-01-31", timeUnit: "days", holdoutEnd: "2024-02-29" });
    expect(out.map((c) => c.customerId)).toEqual(["a"]);
    expect(out[0].holdout).toEqual({ frequency: 0, monetaryValue: 0, duration: 29 });
  });

  it("rejects bad input with clear errors", () => {
    expect(() => summarizeTransactions([day("nonsense", 1)], { calibrationEnd: "2024-01-31", timeUnit: "days" })).toThrow(/invalid date/);
    expect(() => summarizeTransactions([day("2024-01-01", NaN)], { calibrationEnd: "2024-01-31", timeUnit: "days" })).toThrow(/finite/);
    expect(() => summarizeTransactions([], { calibrationEnd: "2024-02-30", timeUnit: "days" })).toThrow(/calendar day/);
    expect(() => summarizeTransactions([], { calibrationEnd: "2024-01-31", timeUnit: "days", holdoutEnd: "2024-01-01" })).toThrow(/after/);
    expect(dayNumberOf("1970-01-02")).toBe(1);
  });
});

describe("calendar days in a time zone", () => {
  // Reference: the zone's calendar date straight from Intl for every instant (slow, obviously right).
  const reference = (timeZone: string) => {
    const format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    return (at: Date): number => dayNumberOf(format.format(at));
  };

  it.each(["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia", "America/St_Johns"])(
    "matches Intl at random instants and across DST changes in %s",
    (zone) => {
      const fast = dayNumberFunction(zone);
      const slow = reference(zone);
      const rng = createRng(zone.length);
      const instants: number[] = [];
      for (let i = 0; i < 3000; i++) instants.push(Date.UTC(1995, 0, 1) + rng.uniform() * 35 * 365 * 86_400_000);
      // Every hour of 2024, and every minute of the days around the usual DST dates.
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 3_600_000) instants.push(ms);
      for (const day of ["2024-03-10", "2024-03-31", "2024-04-07", "2024-09-29", "2024-10-06", "2024-11-03"]) {
        const start = dayNumberOf(day) * 86_400_000 - 86_400_000;
        for (let ms = start; ms < start + 3 * 86_400_000; ms += 60_000) instants.push(ms);
      }
      const mismatches = instants.filter((ms) => fast(new Date(ms)) !== slow(new Date(ms)));
      expect(mismatches.map((ms) => new Date(ms).toISOString())).toEqual([]);
    },
  );

  it("puts an order at 00:30 local on the right side of a DST change", () => {
    // New York switches to EDT on 2024-03-10 at 07:00 UTC; 04:30 UTC on Mar 11 is 00:30 EDT on Mar 11.
    const ny = dayNumberFunction("America/New_York");
    expect(dayString(ny(new Date("2024-03-11T04:30:00Z")))).toBe("2024-03-11");
    expect(dayString(ny(new Date("2024-03-10T04:30:00Z")))).toBe("2024-03-09"); // 23:30 EST on Mar 9
  });
});

