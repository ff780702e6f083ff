/**
 * CAC and LTV:CAC by acquisition channel.
 *
 * - Spend rows name marketing channels; `channelMapping` maps a marketing name to a Shopify
 *   source_name (the AcquisitionFacts channel); unmapped names are taken as source_names as they are.
 * - New customers of a month and channel are the cohort members (first purchase in that local month)
 *   whose acquisition channel is that channel. Customers without facts count only in the blended row.
 * - CAC = spend / new customers, rounded to a minor unit; null without new customers, and null (unknown,
 *   not free) for a channel, or a channel's month, that no spend row names: a channel nobody mapped
 *   spend to has no known CAC, so no ratio and no payback either.
 * - At a horizon of H months, a channel's LTV:CAC uses the acquisition months (within from..to) whose
 *   month H - 1 since acquisition has ended by asOf: CM-LTV = their cumulative CM by then / their
 *   customers, CAC = their spend / their customers, so the ratio is cumulative CM / spend, computed
 *   and banded exactly (ltvCacBand on the totals). Revenue LTV:CAC is shown unbanded, as the seed's
 *   bands are calibrated for margin.
 * - Payback month: the first k (0 = acquisition month) at which the cumulative CM of the months
 *   that have reached k covers their spend; null when that never happens within the triangle.
 * - The blended row ("all channels", channel null) takes all spend and all new customers.
 */
import { divideRounded } from "../money/money";
import { roundHalfAwayFromZero, shareInBps } from "../economics/exact-math";
import type { LtvCacBand, LtvCacRatio } from "../economics/simple-ltv";
import { ltvCacBand } from "../economics/simple-ltv";
import type { AnalyticsBase } from "./base";
import type { MonthKey } from "./calendar";
import { monthKey, parseMonthKey } from "./calendar";
import type { VerticalComparison } from "./benchmarks";
import { compareToVertical } from "./benchmarks";
import { DEFAULT_MAX_MONTH } from "./cohorts";
import type { Triangles } from "./triangle";
import { buildTriangles } from "./triangle";

export interface MarketingSpend {
  month: MonthKey;
  channel: string;
  /** Minor units of the shop currency. */
  amount: number;
}

export interface LtvCacOptions {
  spend: readonly MarketingSpend[];
  channelMapping?: Readonly<Record<string, string>>;
  /** Months since acquisition the LTV covers (12 = the acquisition month and the 11 after it). */
  horizonMonths: number;
  /** Acquisition months considered, inclusive; default: all. */
  from?: MonthKey;
  to?: MonthKey;
  /** Vertical for the benchmark comparison (see VERTICAL_BENCHMARKS); omit for none. */
  vertical?: string;
  currency: string;
}

export interface CacRow {
  month: MonthKey;
  /** Shopify channel; null for all channels blended. */
  channel: string | null;
  /** Whether any spend row names this month and channel (false: CAC unknown, not zero). */
  spendKnown: boolean;
  spend: number;
  newCustomers: number;
  cac: number | null;
}

export interface LtvCacRow {
  channel: string | null;
  /** Acquisition months that reached the horizon, and their customers and spend. */
  cohortMonths: number;
  customers: number;
  /** Whether any spend row names this channel (false: no CAC, ratios or payback can be known). */
  spendKnown: boolean;
  spend: number;
  cac: number | null;
  cmLtv: number | null;
  revenueLtv: number | null;
  cmLtvToCac: (LtvCacRatio & { band: LtvCacBand }) | null;
  revenueLtvToCac: LtvCacRatio | null;
  paybackMonth: number | null;
}

export interface LtvCacReport {
  horizonMonths: number;
  cac: CacRow[];
  rows: LtvCacRow[];
  /** Spend channels (after mapping) that match no customer's acquisition channel. */
  unmatchedSpendChannels: string[];
  /** All events, guests included: the store's margin structure. */
  storeContributionMarginBps: number | null;
  benchmark: VerticalComparison | null;
}

/** ltv / cac in hundredths and to one decimal, as simple-ltv shows it. */
export function ltvCacRatio(ltv: number, cac: number): LtvCacRatio {
  const tenths = roundHalfAwayFromZero(BigInt(ltv) * 10n, BigInt(cac));
  const abs = Math.abs(tenths);
  return {
    x100: roundHalfAwayFromZero(BigInt(ltv) * 100n, BigInt(cac)),
    display: `${tenths < 0 ? "-" : ""}${Math.floor(abs / 10)}.${abs % 10}x`,
  };
}

interface Channels {
  names: string[];
  index: Map<string, number>;
}

function channelIndex(base: AnalyticsBase, spendChannels: string[]): Channels {
  const index = new Map<string, number>();
  const names: string[] = [];
  const add = (name: string) => {
    if (!index.has(name)) {
      index.set(name, names.length);
      names.push(name);
    }
  };
  for (const f of base.facts) if (f) add(f.channel);
  spendChannels.forEach(add);
  return { names, index };
}

function lineOf(tri: Triangles, groups: number[], from: number, to: number, spendOf: (month: number) => number,
  horizon: number, asOfMonth: number, channel: string | null, spendKnown: boolean): LtvCacRow {
  const at = (g: number, month: number, k: number) => ((g * tri.rows + month - tri.firstMonth) * tri.columns + k);
  const inTri = (month: number) => month >= tri.firstMonth && month < tri.firstMonth + tri.rows;
  let cohortMonths = 0;
  let customers = 0;
  let spend = 0;
  let cm = 0;
  let revenue = 0;
  for (let month = from; month <= to && month + horizon - 1 < asOfMonth; month++) {
    cohortMonths++;
    spend += spendOf(month);
    if (!inTri(month)) continue;
    for (const g of groups) {
      customers += tri.size[g * tri.rows + month - tri.firstMonth];
      cm += tri.contributionMargin[at(g, month, horizon - 1)];
      revenue += tri.revenue[at(g, month, horizon - 1)];
    }
  }
  let paybackMonth: number | null = null;
  for (let k = 0; k < tri.columns && paybackMonth === null; k++) {
    let covered = 0;
    let cost = 0;
    let reached = false;
    for (let month = from; month <= to && month + k < asOfMonth; month++) {
      reached = true;
      cost += spendOf(month);
      if (inTri(month)) for (const g of groups) covered += tri.contributionMargin[at(g, month, k)];
    }
    if (!reached) break;
    if (cost > 0 && covered >= cost) paybackMonth = k;
  }
  return {
    channel, cohortMonths, customers, spendKnown, spend,
    cac: spendKnown && customers > 0 ? divideRounded(spend, customers) : null,
    cmLtv: customers > 0 ? divideRounded(cm, customers) : null,
    revenueLtv: customers > 0 ? divideRounded(revenue, customers) : null,
    cmLtvToCac: spend > 0 && customers > 0 ? { ...ltvCacRatio(cm, spend), band: ltvCacBand(cm, spend) } : null,
    revenueLtvToCac: spend > 0 && customers > 0 ? ltvCacRatio(revenue, spend) : null,
    paybackMonth,
  };
}

/**
 * The reports of one base at several horizons, in the order given: what buildLtvCacReport gives at
 * each, with the cohort triangles (most of the cost: a pass over every event) built once per distinct
 * size and channel grouping, where the pages' horizons (3-24 months) all share one.
 */
export function buildLtvCacReports(base: AnalyticsBase, options: Omit<LtvCacOptions, "horizonMonths">, horizons: readonly number[]): LtvCacReport[] {
  const triangles = new Map<string, Triangles>();
  return horizons.map((horizonMonths) => buildLtvCacReport(base, { ...options, horizonMonths }, triangles));
}

/** `triangles`: built triangles to share between reports of this base (buildLtvCacReports). */
export function buildLtvCacReport(base: AnalyticsBase, options: LtvCacOptions, triangles?: Map<string, Triangles>): LtvCacReport {
  const horizon = options.horizonMonths;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 240) throw new RangeError(`horizonMonths must be 1..240, got ${horizon}`);
  const mapping = options.channelMapping ?? {};
  const spendRows = options.spend.map((row, i) => {
    if (!Number.isSafeInteger(row.amount) || row.amount < 0) throw new RangeError(`spend row ${i}: amount must be whole minor units >= 0`);
    return { month: parseMonthKey(row.month), channel: mapping[row.channel] ?? row.channel, amount: row.amount };
  });
  const channels = channelIndex(base, spendRows.map((r) => r.channel));
  const G = channels.names.length;
  const unknownGroup = G; // customers without facts: blended row only

  const groupOf = new Int32Array(base.customerIds.length);
  base.facts.forEach((f, c) => { groupOf[c] = f ? channels.index.get(f.channel)! : unknownGroup; });
  const columns = Math.max(horizon, DEFAULT_MAX_MONTH + 1);
  // The triangles depend on the columns and on the channel grouping alone (groupOf follows channels.names).
  const key = JSON.stringify([columns, channels.names]);
  const tri = triangles?.get(key) ?? buildTriangles(base, groupOf, G + 1, columns);
  triangles?.set(key, tri);

  const spend = new Map<number, number>(); // key: month * (G + 1) + channel; present = a row names it
  const channelsWithSpend = new Set<number>();
  let firstSpendMonth = Infinity;
  for (const r of spendRows) {
    channelsWithSpend.add(channels.index.get(r.channel)!);
    const key = r.month * (G + 1) + channels.index.get(r.channel)!;
    spend.set(key, (spend.get(key) ?? 0) + r.amount);
    firstSpendMonth = Math.min(firstSpendMonth, r.month);
  }
  const spendOf = (g: number) => (month: number) => spend.get(month * (G + 1) + g) ?? 0;
  const allSpend = (month: number) => {
    let sum = 0;
    for (let g = 0; g < G; g++) sum += spend.get(month * (G + 1) + g) ?? 0;
    return sum;
  };

  const from = options.from ? parseMonthKey(options.from) : Math.min(tri.firstMonth, firstSpendMonth);
  const to = options.to ? parseMonthKey(options.to) : base.asOfMonth;
  const sizeOf = (g: number, month: number) =>
    (month >= tri.firstMonth && month < tri.firstMonth + tri.rows ? tri.size[g * tri.rows + month - tri.firstMonth] : 0);

  const cac: CacRow[] = [];
  for (let month = from; month <= to; month++) {
    let monthCustomers = 0;
    for (let g = 0; g <= G; g++) monthCustomers += sizeOf(g, month);
    const monthSpend = allSpend(month);
    if (monthCustomers === 0 && monthSpend === 0) continue;
    let monthSpendKnown = false;
    for (let g = 0; g < G; g++) monthSpendKnown ||= spend.has(month * (G + 1) + g);
    cac.push({ month: monthKey(month), channel: null, spendKnown: monthSpendKnown, spend: monthSpend, newCustomers: monthCustomers,
      cac: monthSpendKnown && monthCustomers > 0 ? divideRounded(monthSpend, monthCustomers) : null });
    for (let g = 0; g < G; g++) {
      const s = spendOf(g)(month);
      const n = sizeOf(g, month);
      const known = spend.has(month * (G + 1) + g);
      if (!known && n === 0) continue;
      cac.push({ month: monthKey(month), channel: channels.names[g], spendKnown: known, spend: s, newCustomers: n, cac: known && n > 0 ? divideRounded(s, n) : null });
    }
  }

  const all = Array.from({ length: G + 1 }, (_, g) => g);
  const rows = [
    lineOf(tri, all, from, to, allSpend, horizon, base.asOfMonth, null, channelsWithSpend.size > 0),
    ...channels.names.map((name, g) => lineOf(tri, [g], from, to, spendOf(g), horizon, base.asOfMonth, name, channelsWithSpend.has(g))),
  ];

  const customerChannels = new Set<string>();
  for (const f of base.facts) if (f) customerChannels.add(f.channel);
  const unmatchedSpendChannels = [...new Set(spendRows.map((r) => r.channel))].filter((c) => !customerChannels.has(c)).sort();
  let revenue = base.unattributed.revenue;
  let margin = base.unattributed.contributionMargin;
  for (let j = 0; j < base.revenue.length; j++) {
    revenue += base.revenue[j];
    margin += base.contributionMargin[j];
  }
  const storeContributionMarginBps = shareInBps(margin, revenue);
  return {
    horizonMonths: horizon, cac, rows, unmatchedSpendChannels, storeContributionMarginBps,
    benchmark: options.vertical
      ? compareToVertical(options.vertical, { contributionMarginBps: storeContributionMarginBps, cmLtv: rows[0].cmLtv, currency: options.currency })
      : null,
  };
}
