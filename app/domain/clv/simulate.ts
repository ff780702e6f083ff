/**
 * Synthetic customers drawn from the BG/NBD and Gamma-Gamma processes with a seeded PRNG: for
 * parameter-recovery tests and benchmarks at sizes no sample store has. Each customer buys at time 0,
 * then at Poisson rate λ ~ Gamma(r, α) while alive, and dies after each repeat purchase with
 * probability p ~ Beta(a, b). Times are floored to `resolution` (e.g. 1/7 week = whole days), so many
 * customers share rows, as in real stores.
 */
import type { BgNbdParams } from "./bgnbd";
import type { GammaGammaParams } from "./gamma-gamma";
import { createRng } from "./random";

export interface SimulationOptions {
  customers: number;
  seed: number;
  /** Customers' observation lengths T are uniform on [minT, maxT], floored to the resolution. */
  minT: number;
  maxT: number;
  /** Time grid; 0 keeps continuous times. */
  resolution?: number;
  /** With spend parameters, also draw each customer's mean repeat spend z̄. */
  spend?: GammaGammaParams;
}

export interface SimulatedCustomer {
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
}

export function simulateCustomers(params: BgNbdParams, options: SimulationOptions): SimulatedCustomer[] {
  const rng = createRng(options.seed);
  const grid = options.resolution ?? 0;
  const snap = (t: number): number => (grid > 0 ? Math.floor(t / grid) * grid : t);
  const out: SimulatedCustomer[] = new Array(options.customers);
  for (let i = 0; i < options.customers; i++) {
    const T = snap(options.minT + rng.uniform() * (options.maxT - options.minT));
    const lambda = rng.gamma(params.r, params.alpha);
    const dropout = rng.beta(params.a, params.b);
    let t = 0;
    let x = 0;
    let last = 0;
    // A rate of exactly 0 (gamma underflow for tiny r) means no purchases at all.
    while (lambda > 0) {
      t += rng.exponential(lambda);
      if (t > T) break;
      x++;
      last = t;
      if (rng.uniform() < dropout) break;
    }
    let monetaryValue = 0;
    if (options.spend && x > 0) {
      const nu = rng.gamma(options.spend.q, options.spend.v);
      // Mean of x Gamma(p, ν) values is Gamma(p·x, x·ν).
      monetaryValue = rng.gamma(options.spend.p * x, x * nu);
    }
    out[i] = { frequency: x, recency: x > 0 ? Math.min(snap(last), T) : 0, T, monetaryValue };
  }
  return out;
}
