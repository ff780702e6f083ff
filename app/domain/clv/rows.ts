/**
 * Model inputs. A row is one customer's (x, t_x, T) or, with `count`, that many identical customers:
 * likelihoods depend on a customer only through these numbers, so fitting on unique rows with counts
 * gives the same estimates as fitting on every customer, much faster on large stores.
 */
import { ModelFitError } from "./errors";

export interface RfmRow {
  /** x: number of repeat purchases (purchases after the first) in the calibration period. */
  frequency: number;
  /** t_x: time from the first to the last purchase. 0 when x = 0. */
  recency: number;
  /** T: time from the first purchase to the end of the calibration period. */
  T: number;
  /** How many customers share this row (default 1). */
  count?: number;
}

/** Rows grouped to unique (x, t_x, T), in columns, each distinct x, t_x and T value indexed once. */
export interface GroupedRfm {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Index into `distinctX` per row: lgamma/digamma terms depend on x only. */
  xIndex: Int32Array;
  /** Index into `distinctTx` / `distinctT` per row: ln(α + t) is computed once per distinct time. */
  txIndex: Int32Array;
  TIndex: Int32Array;
  distinctX: number[];
  distinctTx: number[];
  distinctT: number[];
  totalWeight: number;
  /** Total weight of rows with x > 0. */
  repeatWeight: number;
}

export function validateRfmRow(row: RfmRow, index: number): void {
  const { frequency: x, recency: tx, T } = row;
  const count = row.count ?? 1;
  let problem = "";
  if (!(Number.isFinite(x) && Number.isFinite(tx) && Number.isFinite(T) && Number.isFinite(count))) problem = "values must be finite numbers";
  else if (!Number.isInteger(x) || x < 0) problem = "frequency must be a non-negative integer";
  else if (tx < 0 || T < 0 || tx > T) problem = "need 0 <= recency <= T";
  else if (x === 0 && tx !== 0) problem = "recency must be 0 when frequency is 0";
  else if (count < 0) problem = "count must be >= 0";
  if (problem) throw new ModelFitError("invalid-input", `row ${index} (x=${x}, t_x=${tx}, T=${T}, count=${count}): ${problem}`);
}

/** Index of `value` in a growing list of distinct values. */
function indexer(): { of: (value: number) => number; values: number[] } {
  const map = new Map<number, number>();
  const values: number[] = [];
  return {
    values,
    of(value) {
      let i = map.get(value);
      if (i === undefined) {
        i = values.length;
        map.set(value, i);
        values.push(value);
      }
      return i;
    },
  };
}

export function groupRfm(rows: readonly RfmRow[]): GroupedRfm {
  const xs = indexer();
  const txs = indexer();
  const Ts = indexer();
  // Row slot by (x index, T index, t_x index): nested maps with number keys, no string building.
  const slots = new Map<number, Map<number, Map<number, number>>>();
  const xi: number[] = [];
  const txi: number[] = [];
  const Ti: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    validateRfmRow(row, i);
    const count = row.count ?? 1;
    if (count === 0) continue;
    const a = xs.of(row.frequency);
    const b = Ts.of(row.T);
    const c = txs.of(row.recency);
    let byT = slots.get(a);
    if (!byT) slots.set(a, (byT = new Map()));
    let byTx = byT.get(b);
    if (!byTx) byT.set(b, (byTx = new Map()));
    const at = byTx.get(c);
    if (at === undefined) {
      byTx.set(c, weight.length);
      xi.push(a);
      Ti.push(b);
      txi.push(c);
      weight.push(count);
    } else {
      weight[at] += count;
    }
  }
  let totalWeight = 0;
  let repeatWeight = 0;
  weight.forEach((w, i) => {
    totalWeight += w;
    if (xs.values[xi[i]] > 0) repeatWeight += w;
  });
  return {
    x: Float64Array.from(xi, (k) => xs.values[k]),
    tx: Float64Array.from(txi, (k) => txs.values[k]),
    T: Float64Array.from(Ti, (k) => Ts.values[k]),
    weight: Float64Array.from(weight),
    xIndex: Int32Array.from(xi),
    txIndex: Int32Array.from(txi),
    TIndex: Int32Array.from(Ti),
    distinctX: xs.values,
    distinctTx: txs.values,
    distinctT: Ts.values,
    totalWeight,
    repeatWeight,
  };
}
