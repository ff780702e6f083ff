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

/** Rows grouped to unique (x, t_x, T), in columns, with each distinct x indexed once. */
export interface GroupedRfm {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Index into `distinctX` for each row: lgamma/digamma terms depend on x only. */
  xIndex: Int32Array;
  distinctX: number[];
  totalWeight: number;
  /** Total weight of rows with x > 0. */
  repeatWeight: number;
}

export function validateRfmRow(row: RfmRow, index: number): void {
  const { frequency: x, recency: tx, T } = row;
  const count = row.count ?? 1;
  const where = `row ${index} (x=${x}, t_x=${tx}, T=${T}, count=${count})`;
  if (![x, tx, T, count].every(Number.isFinite)) throw new ModelFitError("invalid-input", `${where}: values must be finite numbers`);
  if (!Number.isInteger(x) || x < 0) throw new ModelFitError("invalid-input", `${where}: frequency must be a non-negative integer`);
  if (tx < 0 || T < 0 || tx > T) throw new ModelFitError("invalid-input", `${where}: need 0 <= recency <= T`);
  if (x === 0 && tx !== 0) throw new ModelFitError("invalid-input", `${where}: recency must be 0 when frequency is 0`);
  if (count < 0) throw new ModelFitError("invalid-input", `${where}: count must be >= 0`);
}

export function groupRfm(rows: readonly RfmRow[]): GroupedRfm {
  const slot = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const weight: number[] = [];
  rows.forEach((row, i) => {
    validateRfmRow(row, i);
    const count = row.count ?? 1;
    if (count === 0) return;
    const key = `${row.frequency}|${row.recency}|${row.T}`;
    const at = slot.get(key);
    if (at === undefined) {
      slot.set(key, x.length);
      x.push(row.frequency);
      tx.push(row.recency);
      T.push(row.T);
      weight.push(count);
    } else {
      weight[at] += count;
    }
  });
  const distinctX = [...new Set(x)].sort((p, q) => p - q);
  const position = new Map(distinctX.map((v, i) => [v, i]));
  let totalWeight = 0;
  let repeatWeight = 0;
  weight.forEach((w, i) => {
    totalWeight += w;
    if (x[i] > 0) repeatWeight += w;
  });
  return {
    x: Float64Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    weight: Float64Array.from(weight),
    xIndex: Int32Array.from(x, (v) => position.get(v) ?? 0),
    distinctX,
    totalWeight,
    repeatWeight,
  };
}
