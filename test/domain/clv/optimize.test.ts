import { describe, expect, it } from "vitest";
import { cholesky, inverseSpd } from "~/domain/clv/linalg";
import { hessianFromGradient, minimizeBfgs, minimizeNelderMead, numericalHessian } from "~/domain/clv/optimize";
import { createRng } from "~/domain/clv/random";

const rosenbrock = (x: readonly number[], grad?: number[]): number => {
  const [a, b] = x;
  if (grad) {
    grad[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    grad[1] = 200 * (b - a * a);
  }
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

describe("minimisers", () => {
  it("BFGS finds the Rosenbrock minimum from the classic start", () => {
    const result = minimizeBfgs(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.iterations).toBeLessThan(100);
  });

  it("Nelder-Mead finds it too", () => {
    const result = minimizeNelderMead((x) => rosenbrock(x), [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it("reports the iteration cap instead of running on", () => {
    const bfgs = minimizeBfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(bfgs).toMatchObject({ converged: false, iterations: 3, reason: "iteration cap reached" });
    const nm = minimizeNelderMead((x) => rosenbrock(x), [-1.2, 1], { maxIterations: 5 });
    expect(nm).toMatchObject({ converged: false, iterations: 5 });
  });

  it("steps back from non-finite regions and refuses a non-finite start", () => {
    // log(x) is undefined for x <= 0: a long first step lands there and must be shortened.
    const f = (x: readonly number[], g: number[]): number => {
      g[0] = 1 - 1 / x[0];
      return x[0] - Math.log(x[0]);
    };
    const result = minimizeBfgs(f, [0.05]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(minimizeBfgs(f, [-1])).toMatchObject({ converged: false, reason: "objective or gradient not finite at the start" });
  });
});

describe("Hessians and linear algebra", () => {
  const q = (x: readonly number[], g?: number[]): number => {
    // f = 2x² + 3xy + 5y² → Hessian [[4, 3], [3, 10]].
    if (g) {
      g[0] = 4 * x[0] + 3 * x[1];
      g[1] = 3 * x[0] + 10 * x[1];
    }
    return 2 * x[0] ** 2 + 3 * x[0] * x[1] + 5 * x[1] ** 2;
  };

  it("differentiates a quadratic exactly", () => {
    const fromGradient = hessianFromGradient((x, g) => q(x, g), [0.3, -0.7]);
    const fromValues = numericalHessian((x) => q(x), [0.3, -0.7]);
    for (const h of [fromGradient, fromValues]) {
      expect(h[0][0]).toBeCloseTo(4, 5);
      expect(h[0][1]).toBeCloseTo(3, 5);
      expect(h[1][0]).toBeCloseTo(3, 5);
      expect(h[1][1]).toBeCloseTo(10, 5);
    }
  });

  it("inverts a positive-definite matrix and rejects an indefinite one", () => {
    const inv = inverseSpd([[4, 3], [3, 10]]);
    // [[4, 3], [3, 10]]⁻¹ = [[10, -3], [-3, 4]] / 31.
    expect(inv?.[0][0]).toBeCloseTo(10 / 31, 14);
    expect(inv?.[0][1]).toBeCloseTo(-3 / 31, 14);
    expect(inv?.[1][1]).toBeCloseTo(4 / 31, 14);
    expect(cholesky([[1, 2], [2, 1]])).toBeNull();
    expect(inverseSpd([[0, 0], [0, 1]])).toBeNull();
  });
});

describe("seeded random numbers", () => {
  it("repeat for a seed and have the right moments", () => {
    const a = createRng(7);
    const b = createRng(7);
    expect([a.uniform(), a.normal(), a.gamma(0.3, 2)]).toEqual([b.uniform(), b.normal(), b.gamma(0.3, 2)]);
    const rng = createRng(11);
    const n = 200_000;
    let u = 0;
    let z2 = 0;
    let g = 0;
    let be = 0;
    for (let i = 0; i < n; i++) {
      u += rng.uniform();
      z2 += rng.normal() ** 2;
      g += rng.gamma(0.25, 4); // mean 0.0625
      be += rng.beta(0.8, 2.4); // mean 0.25
    }
    expect(u / n).toBeCloseTo(0.5, 2);
    expect(z2 / n).toBeCloseTo(1, 1);
    expect(g / n).toBeCloseTo(0.0625, 2);
    expect(be / n).toBeCloseTo(0.25, 2);
  });
});
