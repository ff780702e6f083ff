/**
 * Margin, not revenue: the spend model is fed contribution margin per order, and some customers lose
 * money on their repeat orders (returns, service, discounts). Gamma-Gamma cannot represent a mean
 * margin <= 0 (it is a distribution on positive values), so the rule is:
 *
 * - modelled: x = 0 (no repeat orders: expected margin per order is the Gamma-Gamma population mean),
 *   or x > 0 with mean repeat margin > 0 (Gamma-Gamma conditional expectation);
 * - nonPositiveMargin: x > 0 with mean repeat margin <= 0. Their expected margin per future order is
 *   their own observed mean (<= 0, no shrinkage: there is no model for it), multiplied by the BG/NBD
 *   expected purchases and discounted like everyone else. Their CLV is therefore <= 0, reported as its
 *   own group and included in the totals, never silently dropped.
 */
import { conditionalExpectedPurchases, probabilityAlive, type BgNbdParams } from "./bgnbd";
import { discountedValue, type ClvOptions } from "./discount";
import { conditionalExpectedAverageSpend, type GammaGammaParams } from "./gamma-gamma";
import type { RfmRow } from "./rows";

export interface MarginCustomer extends RfmRow {
  customerId: string;
  /** Mean contribution margin of the repeat orders (0 when x = 0). */
  monetaryValue: number;
}

export interface MarginSplit<T extends MarginCustomer> {
  modelled: T[];
  nonPositiveMargin: T[];
}

export type MarginGroup = "modelled" | "non-positive-margin";

export function marginGroupOf(customer: Pick<MarginCustomer, "frequency" | "monetaryValue">): MarginGroup {
  if (!Number.isFinite(customer.monetaryValue)) throw new RangeError(`monetaryValue must be finite, got ${customer.monetaryValue}`);
  return customer.frequency > 0 && customer.monetaryValue <= 0 ? "non-positive-margin" : "modelled";
}

export function splitByMargin<T extends MarginCustomer>(customers: readonly T[]): MarginSplit<T> {
  const split: MarginSplit<T> = { modelled: [], nonPositiveMargin: [] };
  for (const c of customers) (marginGroupOf(c) === "modelled" ? split.modelled : split.nonPositiveMargin).push(c);
  return split;
}

/** Expected margin per future order under the rule above. */
export function expectedMarginPerOrder(gg: GammaGammaParams, customer: Pick<MarginCustomer, "frequency" | "monetaryValue">): number {
  return marginGroupOf(customer) === "modelled" ? conditionalExpectedAverageSpend(gg, customer) : customer.monetaryValue;
}

export interface CustomerValue {
  customerId: string;
  group: MarginGroup;
  probabilityAlive: number;
  /** BG/NBD expected purchases over the whole horizon (undiscounted). */
  expectedPurchases: number;
  expectedMarginPerOrder: number;
  /** Discounted expected contribution margin over the horizon. */
  clv: number;
}

export interface PortfolioValue {
  modelled: CustomerValue[];
  nonPositiveMargin: CustomerValue[];
  totals: { modelled: number; nonPositiveMargin: number; all: number };
}

export function valueCustomers(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  customers: readonly MarginCustomer[],
  options: ClvOptions,
): PortfolioValue {
  const result: PortfolioValue = { modelled: [], nonPositiveMargin: [], totals: { modelled: 0, nonPositiveMargin: 0, all: 0 } };
  for (const c of customers) {
    const group = marginGroupOf(c);
    const margin = expectedMarginPerOrder(gg, c);
    const value: CustomerValue = {
      customerId: c.customerId,
      group,
      probabilityAlive: probabilityAlive(bg, c),
      expectedPurchases: conditionalExpectedPurchases(bg, options.months * options.unitsPerMonth, c),
      expectedMarginPerOrder: margin,
      clv: discountedValue(bg, c, margin, options),
    };
    if (group === "modelled") {
      result.modelled.push(value);
      result.totals.modelled += value.clv;
    } else {
      result.nonPositiveMargin.push(value);
      result.totals.nonPositiveMargin += value.clv;
    }
  }
  result.totals.all = result.totals.modelled + result.totals.nonPositiveMargin;
  return result;
}
