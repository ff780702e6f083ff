/**
 * `npm run cli -- model backtest --shop <domain> [--calibration-end YYYY-MM-DD] [--holdout-end YYYY-MM-DD]
 *   [--holdout-months 6] [--recompute]`
 *
 * Backtest of BG/NBD x Gamma-Gamma on a shop's ledger (the Model page's backtest, app/domain/clv/backtest.ts):
 * fit on the purchases up to the calibration end, predict the holdout, print the aggregate error of
 * purchases and contribution margin, the correlation of individual predictions and the calibration by
 * frequency group. Defaults: the holdout ends on the day of the last purchase in the ledger and starts
 * `--holdout-months` before it. `--recompute` (or a ledger without margins) first recomputes every
 * order's margin with the shop's cost settings. Also prints the same backtest on revenue, for reference.
 */
import { parseArgs } from "node:util";

const USAGE = "Usage: npm run cli -- model backtest --shop <domain> [--calibration-end YYYY-MM-DD] [--holdout-end YYYY-MM-DD] [--holdout-months 6] [--recompute]";
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const target = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

const fixed = (v: number, digits = 2) => v.toFixed(digits);
const pct = (v: number | null) => (v === null ? "n/a" : `${(v * 100).toFixed(1)}%`);

export default async function run(args: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true,
      options: {
        shop: { type: "string" }, "calibration-end": { type: "string" }, "holdout-end": { type: "string" },
        "holdout-months": { type: "string", default: "6" }, recompute: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [action, ...rest] = parsed.positionals;
  const v = parsed.values;
  const holdoutMonths = Number(v["holdout-months"]);
  if (action !== "backtest" || rest.length || !v.shop || !Number.isInteger(holdoutMonths) || holdoutMonths < 1 ||
    (v["calibration-end"] && !DAY.test(v["calibration-end"])) || (v["holdout-end"] && !DAY.test(v["holdout-end"]))) {
    err(USAGE);
    return 2;
  }
  const { default: db } = await import("~/db.server");
  const { getShop } = await import("~/shops/shops.server");
  const { readValueEvents } = await import("~/analytics/input.server");
  const { backtest, dayNumberFunction, dayString, purchasesFromEvents, ModelFitError } = await import("~/domain/clv");
  const shop = await getShop(db, v.shop);
  if (!shop) {
    err(`Unknown shop ${v.shop} in this database`);
    return 1;
  }
  try {
    const hasMargins = (await db.valueEvent.count({ where: { shopId: shop.id } })) > 0;
    if (v.recompute || !hasMargins) {
      const { recomputeMargins } = await import("~/margins/recompute.server");
      const started = performance.now();
      await recomputeMargins(db, shop.id);
      err(`recomputed margins in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const { events, cancelledOrderIds } = await readValueEvents(db, shop.id);
    const purchases = purchasesFromEvents(events, cancelledOrderIds);
    if (!purchases.length) {
      err("No customer purchase in the ledger: nothing to backtest");
      return 1;
    }
    const toDay = dayNumberFunction(shop.ianaTimezone);
    const lastDay = dayString(purchases.reduce((m, p) => Math.max(m, toDay(p.at)), -Infinity));
    const holdoutEnd = v["holdout-end"] ?? lastDay;
    const calibrationEnd = v["calibration-end"] ?? monthsBefore(holdoutEnd, holdoutMonths);
    const options = { calibrationEnd, holdoutEnd, timeZone: shop.ianaTimezone, timeUnit: "weeks" as const };
    const started = performance.now();
    const result = backtest(purchases, options);
    const ms = performance.now() - started;
    const money = (minor: number) => `${(minor / 10 ** shop.currencyDigits).toFixed(2)} ${shop.currency}`;
    const totals = { revenue: events.revenue.reduce((a, b) => a + b, 0), cm: events.contributionMargin.reduce((a, b) => a + b, 0) };

    out(`Backtest of BG/NBD x Gamma-Gamma (contribution margin) on ${shop.id}`);
    out(`ledger: ${events.length} value events, ${purchases.length} customer purchases (orders), net revenue ${money(totals.revenue)}, contribution margin ${money(totals.cm)}`);
    out(`calibration: first purchase .. ${calibrationEnd}; holdout: ${calibrationEnd} (excl.) .. ${holdoutEnd} = ${fixed(result.holdoutDuration)} weeks; time zone ${shop.ianaTimezone}; same-day purchases merged`);
    out(`customers (first purchase by the calibration end): ${result.customers}; fitted in ${fixed(ms, 0)} ms`);
    const bg = result.bgnbd;
    out(`BG/NBD: r=${bg.params.r.toFixed(4)} alpha=${bg.params.alpha.toFixed(4)} a=${bg.params.a.toFixed(4)} b=${bg.params.b.toFixed(4)} ` +
      `log-likelihood=${bg.logLikelihood.toFixed(2)} converged=${bg.converged}`);
    out(result.gammaGamma
      ? `Gamma-Gamma (margin per order): p=${result.gammaGamma.params.p.toFixed(4)} q=${result.gammaGamma.params.q.toFixed(4)} v=${result.gammaGamma.params.v.toFixed(2)} converged=${result.gammaGamma.converged}`
      : "Gamma-Gamma: not fitted");
    out(`customers with non-positive margin per repeat order (own mean used): ${result.nonPositiveMarginCustomers}`);
    out("");
    out("holdout                predicted        actual   error    MAE/customer  correlation (individual)");
    const row = (name: string, c: NonNullable<typeof result.margin>, f: (n: number) => string) =>
      out(`${name.padEnd(16)} ${f(c.predicted).padStart(15)} ${f(c.actual).padStart(13)} ${pct(c.relativeError).padStart(7)} ${f(c.meanAbsoluteError).padStart(15)}  ${c.correlation === null ? "n/a" : c.correlation.toFixed(4)}`);
    row("purchases", result.purchases, (n) => fixed(n, 1));
    if (result.margin) row("margin", result.margin, (n) => money(Math.round(n)));
    out("");
    out("calibration by frequency group (repeat purchases before the cut-off): mean holdout purchases per customer");
    out("group  customers  predicted  actual");
    for (const g of result.byFrequency) out(`${g.label.padEnd(5)} ${String(g.customers).padStart(10)} ${fixed(g.meanPredicted, 3).padStart(10)} ${fixed(g.meanActual, 3).padStart(7)}`);
    for (const message of result.messages) out(`note: ${message}`);

    const revenue = backtest(purchasesFromEvents(events, cancelledOrderIds, "revenue"), options);
    if (revenue.margin) {
      out("");
      out(`for reference, the same backtest on net revenue per order: predicted ${money(Math.round(revenue.margin.predicted))}, actual ${money(Math.round(revenue.margin.actual))}, ` +
        `error ${pct(revenue.margin.relativeError)}, correlation ${revenue.margin.correlation?.toFixed(4) ?? "n/a"}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ModelFitError || error instanceof RangeError) {
      err(`backtest failed: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db.$disconnect();
  }
}
