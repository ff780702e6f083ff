import { describe, expect, it } from "vitest";
import { stableRanks } from "~/domain/clv/transactions";

/** The reference: indexes sorted by (time, index), each index's place. */
function referenceRanks(times: number[]): number[] {
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  const rank = new Array<number>(times.length);
  order.forEach((index, place) => (rank[index] = place));
  return rank;
}

/** A deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("stableRanks", () => {
  it("places equal instants in input order, on whole milliseconds (the packed keys) with many ties", () => {
    const next = random(7);
    const base = Date.UTC(2024, 0, 1);
    // Few distinct instants, so most are ties; the bottom 10 bits of the offsets vary too.
    const times = Array.from({ length: 5000 }, () => base + Math.floor(next() * 40) * 1037);
    expect(Array.from(stableRanks(Float64Array.from(times)))).toEqual(referenceRanks(times));
  });

  it("ranks instants before 1970 and the empty log", () => {
    const times = [-5, 3, -5, Date.UTC(1969, 5, 1), 0, 3];
    expect(Array.from(stableRanks(Float64Array.from(times)))).toEqual([1, 4, 2, 0, 3, 5]);
    expect(Array.from(stableRanks(new Float64Array(0)))).toEqual([]);
  });

  it("gives the same ranks where the packed keys do not apply (fractions, a span of 2^42 ms or more)", () => {
    const next = random(11);
    const fractions = Array.from({ length: 2000 }, () => Math.floor(next() * 50) + (next() < 0.5 ? 0.5 : 0));
    expect(Array.from(stableRanks(Float64Array.from(fractions)))).toEqual(referenceRanks(fractions));
    const wide = [2 ** 42, 0, 2 ** 42, 7, 0];
    expect(Array.from(stableRanks(Float64Array.from(wide)))).toEqual([3, 0, 4, 2, 1]);
  });
});
