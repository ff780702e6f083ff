/**
 * The seed's simple model (CM per order x orders per year x 1 / (1 - annual retention), via
 * simpleLtv) fed with the store's own inputs, next to what the cohorts actually returned.
 *
 * Inputs, from customers' events by asOf (guests excluded: they are not customers):
 * - AOV and CM per order: lifetime net revenue and contribution margin over purchases ("blended
 *   across the lifetime, weighted by order", as the seed's FAQ asks). simpleLtv takes CM as a share of
 *   revenue in basis points, so its CM per order (AOV x CM%) may differ from the direct average by a
 *   minor unit or so; both are returned.
 * - Years are the last 12 complete local months before asOf's month ("this year") and the 12
 *   before them ("last year"). Orders per year = purchases this year / customers with a purchase
 *   this year. Annual retention = customers with a purchase in both years / customers with a
 *   purchase last year (capped at 99.99%: 100% would mean forever).
 * - Observed: the cohort average (weighted by size) of cumulative CM per customer by the end of
 *   month 11 (the first 12 months), over cohorts that reached it; month 23 likewise when available.
 * The gap explanation is given only when the model's CM-LTV is above the observed 12-month figure.
 */
import { divideRounded } from "../money/money";
import { roundHalfAwayFromZero, shareInBps } from "../economics/exact-math";
import type { SimpleLtvResult } from "../economics/simple-ltv";
import { simpleLtv } from "../economics/simple-ltv";
import type { AnalyticsBase } from "./base";
import { KIND_PURCHASE } from "./base";
import { buildTriangles } from "./triangle";
import { moneyFormatter, percent } from "./text";

export interface StoreInputs {
  purchases: number;
  averageOrderValue: number;
  /** Direct average: lifetime CM / purchases. */
  contributionMarginPerOrder: number;
  contributionMarginBps: number;
  /** Customers with a purchase in the last 12 complete months, and their purchases. */
  activeThisYear: number;
  purchasesThisYear: number;
  ordersPerYearX10000: number;
  activeLastYear: number;
  retainedIntoThisYear: number;
  annualRetentionBps: number;
}

export interface ObservedLtv {
  months: number;
  cohorts: number;
  customers: number;
  cmLtv: number;
  revenueLtv: number;
  /** Purchases per customer in those months, ten-thousandths. */
  ordersPerCustomerX10000: number;
  cmPerOrder: number | null;
}

export interface FormulaView {
  inputs: StoreInputs | null;
  model: SimpleLtvResult | null;
  observed12Months: ObservedLtv | null;
  observed24Months: ObservedLtv | null;
  /** Model CM-LTV minus observed 12-month CM-LTV, when the model is higher. */
  gap: { amount: number; explanation: string } | null;
  /** Why a part is missing ("no purchase in the year before the last 12 months", ...). */
  notes: string[];
}

const x10000 = (value: number) => `${Math.floor(value / 10_000)}.${String(value % 10_000).padStart(4, "0")}`;

/** Ten-thousandths to two decimals: 24000 -> "2.40", 12500 -> "1.25". */
function decimal(valueX10000: number): string {
  const hundredths = roundHalfAwayFromZero(BigInt(valueX10000), 100n);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}

function storeInputs(base: AnalyticsBase, notes: string[]): StoreInputs | null {
  let purchases = 0;
  let revenue = 0;
  let margin = 0;
  let activeThisYear = 0;
  let purchasesThisYear = 0;
  let activeLastYear = 0;
  let retained = 0;
  const thisYearFrom = base.asOfMonth - 12;
  const lastYearFrom = base.asOfMonth - 24;
  for (let c = 0; c < base.customerIds.length; c++) {
    let inThis = 0;
    let inLast = false;
    for (let j = base.eventStart[c]; j < base.eventStart[c + 1]; j++) {
      revenue += base.revenue[j];
      margin += base.contributionMargin[j];
      if (base.eventKind[j] !== KIND_PURCHASE) continue;
      purchases++;
      const month = base.eventMonth[j];
      if (month >= thisYearFrom && month < base.asOfMonth) inThis++;
      else if (month >= lastYearFrom && month < thisYearFrom) inLast = true;
    }
    if (inThis > 0) {
      activeThisYear++;
      purchasesThisYear += inThis;
    }
    if (inLast) {
      activeLastYear++;
      if (inThis > 0) retained++;
    }
  }
  if (purchases === 0 || revenue <= 0) {
    notes.push("No purchases with positive revenue yet.");
    return null;
  }
  if (activeThisYear === 0 || activeLastYear === 0) {
    notes.push("Annual retention needs customers buying in the 12 complete months before the last 12.");
    return null;
  }
  return {
    purchases,
    averageOrderValue: divideRounded(revenue, purchases),
    contributionMarginPerOrder: divideRounded(margin, purchases),
    contributionMarginBps: Math.max(-10_000, Math.min(10_000, shareInBps(margin, revenue)!)),
    activeThisYear, purchasesThisYear,
    ordersPerYearX10000: divideRounded(purchasesThisYear * 10_000, activeThisYear),
    activeLastYear, retainedIntoThisYear: retained,
    annualRetentionBps: Math.min(9_999, divideRounded(retained * 10_000, activeLastYear)),
  };
}

function observedAt(base: AnalyticsBase, months: number): ObservedLtv | null {
  const tri = buildTriangles(base, new Int32Array(base.customerIds.length), 1, months);
  let cohorts = 0;
  let customers = 0;
  let cm = 0;
  let revenue = 0;
  let purchases = 0;
  for (let r = 0; r < tri.rows; r++) {
    if (tri.size[r] === 0 || tri.firstMonth + r + months - 1 >= base.asOfMonth) continue;
    const at = r * tri.columns + months - 1;
    cohorts++;
    customers += tri.size[r];
    cm += tri.contributionMargin[at];
    revenue += tri.revenue[at];
    purchases += tri.purchases[at];
  }
  if (customers === 0) return null;
  return {
    months, cohorts, customers,
    cmLtv: divideRounded(cm, customers), revenueLtv: divideRounded(revenue, customers),
    ordersPerCustomerX10000: divideRounded(purchases * 10_000, customers),
    cmPerOrder: purchases > 0 ? divideRounded(cm, purchases) : null,
  };
}

function explain(model: SimpleLtvResult, inputs: StoreInputs, observed: ObservedLtv, later: ObservedLtv | null,
  money: (minor: number) => string): string {
  const lifespan = (model.lifespanYearsX100 / 100).toFixed(2);
  const opy = decimal(model.ordersPerYearX10000);
  const firstYear = divideRounded(model.contributionMarginPerOrder * model.ordersPerYearX10000, 10_000);
  const parts = [
    `The simple model gives ${money(model.cmLtv)} per customer (${money(model.contributionMarginPerOrder)} per order × ${opy} orders a year × ${lifespan} years); ` +
    `cohorts with 12 complete months returned ${money(observed.cmLtv)} per customer in their first 12 months (${observed.cohorts} cohorts, ${observed.customers} customers).`,
  ];
  if (observed.ordersPerCustomerX10000 < model.ordersPerYearX10000) {
    parts.push(`It assumes ${opy} orders a year, the rate of customers active in the last 12 months; a new customer placed ${decimal(observed.ordersPerCustomerX10000)} orders in their first 12 months, because many never order again.`);
  }
  if (observed.cmPerOrder !== null && observed.cmPerOrder < model.contributionMarginPerOrder) {
    parts.push(`First-year orders earned ${money(observed.cmPerOrder)} each against ${money(model.contributionMarginPerOrder)} on average.`);
  }
  if (model.lifespanYearsX100 > 100) {
    parts.push(`${money(model.cmLtv - firstYear)} of the model's value comes after the first year and assumes ${percent(inputs.annualRetentionBps)} of customers keep buying every year for ${lifespan} years` +
      (later ? `; cohorts with 24 months have returned ${money(later.cmLtv)} per customer so far.` : "."));
  }
  return parts.join(" ");
}

export function buildFormulaView(base: AnalyticsBase, options: { currency: string; locale?: string }): FormulaView {
  const notes: string[] = [];
  const inputs = storeInputs(base, notes);
  const model = inputs
    ? simpleLtv({
      averageOrderValue: Math.max(0, inputs.averageOrderValue),
      contributionMarginBps: inputs.contributionMarginBps,
      ordersPerYear: x10000(inputs.ordersPerYearX10000),
      annualRetentionBps: inputs.annualRetentionBps,
    })
    : null;
  const observed12Months = observedAt(base, 12);
  const observed24Months = observedAt(base, 24);
  if (!observed12Months) notes.push("No cohort has 12 complete months yet.");
  const gap = model && observed12Months && model.cmLtv > observed12Months.cmLtv
    ? {
      amount: model.cmLtv - observed12Months.cmLtv,
      explanation: explain(model, inputs!, observed12Months, observed24Months, moneyFormatter(options.currency, options.locale)),
    }
    : null;
  return { inputs, model, observed12Months, observed24Months, gap, notes };
}
