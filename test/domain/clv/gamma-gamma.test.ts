/** Gamma-Gamma on the CDNOW summary against REFERENCES.md §3 (Fader & Hardie 2013, lifetimes). */
import { describe, expect, it } from "vitest";
import { ModelFitError } from "~/domain/clv/errors";
import { conditionalExpectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood, populationMeanSpend } from "~/domain/clv/gamma-gamma";
import { loadCdnowSummary } from "./cdnow";

const customers = loadCdnowSummary();
const fit = fitGammaGamma(customers);

describe("Gamma-Gamma on CDNOW", () => {
  it("reproduces p, q, v", () => {
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    expect(Math.abs(fit.params.p - 6.249)).toBeLessThan(1e-2);
    expect(Math.abs(fit.params.q - 3.745)).toBeLessThan(1e-2);
    expect(Math.abs(fit.params.v - 15.448)).toBeLessThan(1e-2);
    // R: 6.2488, 3.7446, 15.4477; log-likelihood −4055.923.
    expect(Math.abs(fit.params.p - 6.2488)).toBeLessThan(1e-4);
    expect(Math.abs(fit.params.q - 3.7446)).toBeLessThan(1e-4);
    expect(Math.abs(fit.params.v - 15.4477)).toBeLessThan(1e-4);
    expect(fit.logLikelihood).toBeCloseTo(-4055.923, 3);
    expect(gammaGammaLogLikelihood({ p: 6.25, q: 3.74, v: 15.44 }, customers)).toBeCloseTo(-4055.925, 3);
    expect(fit.meanSpendFinite).toBe(true);
    expect(fit.standardErrors?.p).toBeGreaterThan(0);
  });

  it("gives the conditional expected average profit of customers 1-10 (Hardie's sheet, 0.1; lifetimes, 1e-4)", () => {
    const sheet = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    const lifetimes = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981];
    customers.slice(0, 10).forEach((c, i) => {
      const e = conditionalExpectedAverageSpend(fit.params, c);
      expect(Math.abs(e - sheet[i])).toBeLessThan(0.1);
      expect(Math.abs(e - lifetimes[i])).toBeLessThan(1e-4);
    });
  });

  it("has the documented means over all customers and over returning customers", () => {
    const mean = customers.reduce((s, c) => s + conditionalExpectedAverageSpend(fit.params, c), 0) / customers.length;
    expect(Math.abs(mean - 35.2529588256)).toBeLessThan(1e-5);
    const returning = customers.filter((c) => c.frequency > 0);
    expect(returning.reduce((s, c) => s + c.monetaryValue, 0) / returning.length).toBeCloseTo(35.078551797, 8);
    // Pearson correlation of frequency and monetary value, the model's independence check (LT-docs).
    const n = returning.length;
    const mx = returning.reduce((s, c) => s + c.frequency, 0) / n;
    const mm = returning.reduce((s, c) => s + c.monetaryValue, 0) / n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (const c of returning) {
      sxy += (c.frequency - mx) * (c.monetaryValue - mm);
      sxx += (c.frequency - mx) ** 2;
      syy += (c.monetaryValue - mm) ** 2;
    }
    expect(sxy / Math.sqrt(sxx * syy)).toBeCloseTo(0.113884, 6);
  });

  it("uses the population mean pv/(q−1) for x = 0", () => {
    const { p, q, v } = fit.params;
    expect(populationMeanSpend(fit.params)).toBeCloseTo((p * v) / (q - 1), 12);
    expect(conditionalExpectedAverageSpend(fit.params, { frequency: 0, monetaryValue: 123 })).toBeCloseTo((p * v) / (q - 1), 12);
  });

  it("refuses non-positive spend and infinite means with typed errors", () => {
    const withLoss = [...customers, { frequency: 2, monetaryValue: -5 }];
    expect(() => fitGammaGamma(withLoss)).toThrow(ModelFitError);
    expect(() => fitGammaGamma(withLoss)).toThrow(/splitByMargin/);
    expect(() => fitGammaGamma([{ frequency: 1, monetaryValue: 0 }])).toThrow(/positive mean spend/);
    expect(() => fitGammaGamma([{ frequency: 0, monetaryValue: 0 }])).toThrow(expect.objectContaining({ code: "no-repeat-purchases" }));
    expect(() => conditionalExpectedAverageSpend({ p: 1, q: 0.5, v: 1 }, { frequency: 0, monetaryValue: 0 })).toThrow(
      expect.objectContaining({ code: "infinite-mean" }),
    );
  });
});
