/**
 * Seeded pseudo-random numbers, so intervals, simulations and benchmarks give the same figures on
 * every run and machine. xoshiro128** (32-bit state words, exact in JS integer arithmetic) seeded via
 * splitmix32; normals by Box-Muller, gammas by Marsaglia-Tsang, betas from two gammas.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  normal(): number;
  /** Gamma with the given shape and rate (mean shape / rate). */
  gamma(shape: number, rate: number): number;
  beta(a: number, b: number): number;
  exponential(rate: number): number;
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  // 53 random bits from two draws, so small probabilities are not quantised to 2^-32.
  const uniform = (): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k).
      let u = 0;
      while (u === 0) u = uniform();
      return gamma(shape + 1, rate) * Math.pow(u, 1 / shape);
    }
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      const x = normal();
      const v0 = 1 + cc * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = uniform();
      if (Math.log(u) < 0.5 * x * x + dd - dd * v + dd * Math.log(v)) return (dd * v) / rate;
    }
  };
  const beta = (p: number, q: number): number => {
    const x = gamma(p, 1);
    return x / (x + gamma(q, 1));
  };
  const exponential = (rate: number): number => -Math.log(1 - uniform()) / rate;
  return { uniform, normal, gamma, beta, exponential };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
