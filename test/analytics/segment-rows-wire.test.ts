/** The segment rows as the refresh sends them to its order-scan worker: aligned to the histories' customers. */
import { describe, expect, it } from "vitest";
import { segmentRowsToWire } from "~/analytics/input.server";

describe("segmentRowsToWire", () => {
  it("gives each history customer its rows in order, none for a customer without rows", () => {
    const segments = { keys: ["all", "channel:web", "behaviour:one_and_done"], byCustomer: new Map([["a", [0, 2]], ["c", [0, 1]], ["z", [0]]]) };
    const wire = segmentRowsToWire(segments, ["a", "b", "c"]);
    expect(wire.keys).toBe(segments.keys);
    expect(Array.from(wire.byHistory.start)).toEqual([0, 2, 2, 4]);
    expect(Array.from(wire.byHistory.ids)).toEqual([0, 2, 0, 1]);
    expect(Array.from(segmentRowsToWire(segments, []).byHistory.start)).toEqual([0]);
  });
});
