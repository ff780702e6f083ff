import stdlibHyp2f1 from "@stdlib/math-base-special-hyp2f1";
import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, expectedPurchasesNewCustomer } from "~/domain/clv/bgnbd";
import { hyp2f1 } from "~/domain/clv/hypergeometric";

const relErr = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe("hyp2f1 against closed forms", () => {
  it.each([0.1, 0.5, 0.9, 0.99, -0.3, -0.9, -5])("2F1(1, 1; 2; z) = -ln(1 - z) / z at z = %s", (z) => {
    expect(relErr(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-14);
  });

  it.each([0.2, 0.7, 0.95])("2F1(a, b; b; z) = (1 - z)^-a at z = %s", (z) => {
    expect(relErr(hyp2f1(0.37, 2.5, 2.5, z), Math.pow(1 - z, -0.37))).toBeLessThan(1e-14);
  });

  it("arcsin, arctan and a terminating polynomial", () => {
    const x = 0.6;
    expect(relErr(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-14);
    expect(relErr(hyp2f1(0.5, 1, 1.5, -4), Math.atan(2) / 2)).toBeLessThan(1e-14);
    // 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z²/(c(c+1)).
    expect(relErr(hyp2f1(-2, 3, 4, 0.5), 1 - (2 * 3 * 0.5) / 4 + (3 * 4 * 0.25) / (4 * 5))).toBeLessThan(1e-15);
  });

  it("Gauss's theorem at z = 1, and edge cases", () => {
    // 2F1(1, 1; 3; 1) = Γ(3)Γ(1) / (Γ(2)Γ(2)) = 2.
    expect(hyp2f1(1, 1, 3, 1)).toBeCloseTo(2, 13);
    expect(hyp2f1(1, 1, 2, 1)).toBe(Infinity);
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN();
    expect(hyp2f1(2, 3, 4, 0)).toBe(1);
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(RangeError);
  });
});

describe("@stdlib/math-base-special-hyp2f1 (checked before relying on it anywhere)", () => {
  it("matches closed forms for |z| < 1 but overflows with large parameters", () => {
    for (const z of [0.1, 0.5, 0.9, 0.99, -0.3]) expect(relErr(stdlibHyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
    expect(relErr(stdlibHyp2f1(0.5, 1, 1.5, -4), Math.atan(2) / 2)).toBeLessThan(1e-14);
    // Finite in exact arithmetic only through (1−z)^(c−a−b) ≈ 0.7^−10,000, so any direct evaluation overflows.
    expect(stdlibHyp2f1(10_000.24, 10_002.4, 10_002.2, 0.3)).toBe(Infinity);
  });
});

describe("the BG/NBD expectation series", () => {
  const p = { r: 0.242593, alpha: 4.413532, a: 0.792885, b: 2.425749 };
  // The textbook form: (a+b-1)/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b; a+b-1; t/(α+t))].
  const direct = (f: typeof hyp2f1, t: number): number =>
    ((p.a + p.b - 1) / (p.a - 1)) * (1 - Math.pow(p.alpha / (p.alpha + t), p.r) * f(p.r, p.b, p.a + p.b - 1, t / (p.alpha + t)));

  it.each([0.1429, 1, 3, 31.8571, 32, 78, 520])("stdlib's hyp2f1, ours and the transformed series agree at t = %s", (t) => {
    const ours = expectedPurchasesNewCustomer(p, t);
    expect(relErr(direct(hyp2f1, t), ours)).toBeLessThan(1e-12);
    expect(relErr(direct(stdlibHyp2f1, t), ours)).toBeLessThan(1e-12);
  });

  // References: the textbook formula evaluated with mpmath at 60 significant digits.
  it.each([
    [39, 10_000, 38, 38, 6981.489856348559],
    [39, 2, 30.43, 38.86, 1.225910637557258],
    [5000, 3, 10, 20, 21.61083753274265],
    [10_000, 0, 0, 0, 15.055105436219515],
    [39, 200, 30, 38, 2.3673616259272254e-14],
  ])("conditional expectation at t=%s, x=%s, t_x=%s, T=%s matches 60-digit arithmetic", (t, x, tx, T, want) => {
    expect(relErr(conditionalExpectedPurchases(p, t, { frequency: x, recency: tx, T }), want)).toBeLessThan(1e-11);
  });

  it("stays finite where the textbook 2F1 overflows (x = 10,000)", () => {
    const z = 39 / (p.alpha + 38 + 39);
    expect(stdlibHyp2f1(p.r + 10_000, p.b + 10_000, p.a + p.b + 10_000 - 1, z)).toBe(Infinity);
    // Bought 10,000 times but not for 18 weeks: almost surely gone (true value ~1e-2391 underflows to 0).
    expect(conditionalExpectedPurchases(p, 39, { frequency: 10_000, recency: 20, T: 38 })).toBe(0);
  });

  it("has no cancellation trouble at a = 1 (the (a-1) in the denominator is divided out)", () => {
    const at = (a: number): number => expectedPurchasesNewCustomer({ ...p, a }, 39);
    expect(Number.isFinite(at(1))).toBe(true);
    expect(Math.abs(at(1) - at(1 + 1e-9))).toBeLessThan(1e-8);
    expect(Math.abs(at(1) - at(1 - 1e-9))).toBeLessThan(1e-8);
  });
});
