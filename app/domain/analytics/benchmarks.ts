/**
 * The store's contribution margin % and CM-LTV against the seed's vertical ranges. Ranges are
 * inclusive: below min is "below", above max is "above", anything between (ends included) "within".
 * The seed's CM-LTV ranges are in euros, so a CM-LTV in another currency gets no verdict until the
 * caller converts it to EUR (CM % needs no conversion).
 */
import type { BenchmarkRange, VerticalBenchmark } from "../economics/vertical-benchmarks";
import { VERTICAL_BENCHMARKS } from "../economics/vertical-benchmarks";

export type BenchmarkVerdict = "below" | "within" | "above";

export interface VerticalComparison {
  vertical: VerticalBenchmark;
  contributionMargin: { storeBps: number | null; range: BenchmarkRange; verdict: BenchmarkVerdict | null };
  cmLtv: { store: number | null; currency: string; range: BenchmarkRange; verdict: BenchmarkVerdict | null; note: string | null };
}

export function verdict(value: number, range: BenchmarkRange): BenchmarkVerdict {
  return value < range.min ? "below" : value > range.max ? "above" : "within";
}

export function findVertical(vertical: string): VerticalBenchmark {
  const found = VERTICAL_BENCHMARKS.find((v) => v.vertical === vertical);
  if (!found) {
    throw new RangeError(`unknown vertical ${JSON.stringify(vertical)}; expected one of ${VERTICAL_BENCHMARKS.map((v) => v.vertical).join(", ")}`);
  }
  return found;
}

export interface StoreFigures {
  /** Contribution margin / net revenue, basis points; null when revenue is not positive. */
  contributionMarginBps: number | null;
  /** CM-LTV per customer in minor units of `currency`; null when unknown. */
  cmLtv: number | null;
  currency: string;
}

export function compareToVertical(vertical: string, store: StoreFigures): VerticalComparison {
  const v = findVertical(vertical);
  const comparable = store.currency === v.cmLtvCurrency;
  return {
    vertical: v,
    contributionMargin: {
      storeBps: store.contributionMarginBps,
      range: v.contributionMarginBps,
      verdict: store.contributionMarginBps === null ? null : verdict(store.contributionMarginBps, v.contributionMarginBps),
    },
    cmLtv: {
      store: store.cmLtv, currency: store.currency, range: v.cmLtv,
      verdict: store.cmLtv === null || !comparable ? null : verdict(store.cmLtv, v.cmLtv),
      note: comparable ? null : `The benchmark is in ${v.cmLtvCurrency}; convert the store's ${store.currency} CM-LTV to compare.`,
    },
  };
}
