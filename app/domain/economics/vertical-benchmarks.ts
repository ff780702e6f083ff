/**
 * Typical margins and CM-LTV per DTC vertical, from the seed (Metricuno, "Contribution
 * Margin-Adjusted LTV", 2026-05-22). Percentages in basis points, CM-LTV in euro cents:
 * the source quotes euros, so compare only after converting a shop's figures to EUR.
 */

export interface BenchmarkRange {
  min: number;
  max: number;
}

export interface VerticalBenchmark {
  vertical: string;
  label: string;
  grossMarginBps: BenchmarkRange;
  contributionMarginBps: BenchmarkRange;
  /** Minor units of `cmLtvCurrency`. */
  cmLtv: BenchmarkRange;
  cmLtvCurrency: "EUR";
}

const row = (vertical: string, label: string, gm: [number, number], cm: [number, number],
  ltvEuros: [number, number]): VerticalBenchmark => ({
  vertical,
  label,
  grossMarginBps: { min: gm[0] * 100, max: gm[1] * 100 },
  contributionMarginBps: { min: cm[0] * 100, max: cm[1] * 100 },
  cmLtv: { min: ltvEuros[0] * 100, max: ltvEuros[1] * 100 },
  cmLtvCurrency: "EUR",
});

export const VERTICAL_BENCHMARKS: readonly VerticalBenchmark[] = [
  row("apparel", "Apparel (Shopify)", [55, 65], [30, 40], [90, 160]),
  row("beauty", "Beauty / skincare", [65, 80], [45, 60], [140, 280]),
  row("supplements_subscription", "Supplements (subscription)", [70, 85], [50, 65], [220, 450]),
  row("consumer_electronics", "Consumer electronics", [25, 40], [12, 22], [60, 140]),
  row("home_furniture", "Home & furniture", [45, 55], [20, 30], [100, 220]),
  row("food_beverage", "Food & beverage (DTC)", [40, 55], [18, 28], [70, 160]),
];
