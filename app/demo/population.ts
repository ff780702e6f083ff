/**
 * The demo store's seasons and customers. Seasons: two hourly intensity grids over the history (a
 * seasonal one for repeat orders, and one with a trend and campaign weeks for new customers) plus
 * per-hour promotion flags. Customers: typed arrays (O(customers) memory) holding each customer's
 * first-order time, traits, region and how many repeat orders it will place, and when.
 */
import { DAY, HOUR, ShopClock, thanksgivingDay, TimeGrid } from "./calendar";
import { type Rng, WeightedPicker } from "./random";
import { REGIONS } from "./regions";
import {
  ACQUISITION_TREND, BFCM_FACTOR, CAMPAIGN_WEEKS, DEMO_RATES, FLAG_BFCM, FLAG_GIFTING, FLAG_SUMMER, HOUR_FACTOR,
  MONTH_FACTOR, SOURCES, TRAIT_ACCOUNT, TRAIT_DEAL, TRAIT_NEWSLETTER, TRAIT_RETURNER, TRAIT_STORE, TRAIT_VIP,
  TRAIT_WHOLESALE, WEEKDAY_FACTOR,
} from "./rules";

export interface Seasons {
  clock: ShopClock;
  /** Seasonal clock for repeat orders and test orders. */
  repeat: TimeGrid;
  /** Seasonal clock with a trend and campaign weeks, for first orders and guests. */
  acquisition: TimeGrid;
  /** FLAG_* bits per hour cell of the grids. */
  flags: Uint8Array;
}

export function buildSeasons(timeZone: string, start: number, end: number, rng: Rng): Seasons {
  const clock = new ShopClock(timeZone, start - 2 * DAY, end + 2 * DAY);
  const cells = Math.max(1, Math.ceil((end - start) / HOUR));
  const flags = new Uint8Array(cells);
  const seasonal = new Float64Array(cells);
  for (let i = 0; i < cells; i++) {
    const local = clock.local(start + i * HOUR);
    let factor = MONTH_FACTOR[local.month] * WEEKDAY_FACTOR[local.weekday] * HOUR_FACTOR[local.hour];
    let flag = 0;
    if (local.month === 10) {
      const offset = local.day - thanksgivingDay(local.year);
      if (offset >= 0 && offset <= 4) factor *= BFCM_FACTOR[offset];
      else if (offset >= -7 && offset < 0) factor *= 1.2;
      if (offset >= 1 && offset <= 4) flag |= FLAG_BFCM;
      if (local.day >= 15) flag |= FLAG_GIFTING;
    } else if (local.month === 11) {
      if (local.day <= 22) flag |= FLAG_GIFTING;
      if (local.day === 25) factor *= 0.45;
      else if (local.day === 26) factor *= 1.3;
    } else if ((local.month === 5 && local.day >= 15) || local.month === 6 || (local.month === 7 && local.day <= 15)) {
      flag |= FLAG_SUMMER;
      factor *= 1.1;
    }
    flags[i] = flag;
    seasonal[i] = factor;
  }
  const acquisition = new Float64Array(cells);
  const [from, to] = ACQUISITION_TREND;
  for (let i = 0; i < cells; i++) acquisition[i] = seasonal[i] * (from + ((to - from) * i) / cells);
  for (const boost of CAMPAIGN_WEEKS) {
    const length = Math.min(cells, 7 * 24);
    const first = rng.int(0, cells - length);
    for (let i = first; i < first + length; i++) acquisition[i] *= boost;
  }
  return {
    clock,
    repeat: new TimeGrid(start, end, (i) => seasonal[i]),
    acquisition: new TimeGrid(start, end, (i) => acquisition[i]),
    flags,
  };
}

export interface Customers {
  count: number;
  id: Float64Array;
  createdMs: Float64Array;
  /** First order instants, ascending (customer ids ascend with them). */
  firstMs: Float64Array;
  /** Position of the first order on the repeat clock (0-1), decay constant of the repeat rate. */
  s0: Float64Array;
  tau: Float64Array;
  /** Progress through the customer's repeat-order distribution (CDF space). */
  position: Float64Array;
  /** Repeat orders still to place. */
  remaining: Int32Array;
  /** Orders placed so far. */
  placed: Int32Array;
  traits: Uint8Array;
  region: Uint8Array;
  source: Uint8Array;
}

const CUSTOMER_BASE = 7_310_000_000_000;

/**
 * Draws `count` customers and shares `repeats` repeat orders among them, exactly. Each customer's
 * expected repeats are its rate times the part of its decaying activity curve left in the window, so
 * customers acquired late have fewer; systematic sampling then gives each the floor or the ceiling of
 * its expectation with the right probabilities, and a total of exactly `repeats`.
 */
export function buildCustomers(count: number, repeats: number, seasons: Seasons, rng: Rng): Customers {
  const firstMs = new Float64Array(count);
  for (let i = 0; i < count; i++) firstMs[i] = Math.floor(seasons.acquisition.inverse(rng.next()) / 1000) * 1000;
  firstMs.sort();
  const customers: Customers = {
    count,
    id: new Float64Array(count),
    createdMs: new Float64Array(count),
    firstMs,
    s0: new Float64Array(count),
    tau: new Float64Array(count),
    position: new Float64Array(count),
    remaining: new Int32Array(count),
    placed: new Int32Array(count),
    traits: new Uint8Array(count),
    region: new Uint8Array(count),
    source: new Uint8Array(count),
  };
  const regionPicker = new WeightedPicker(REGIONS.map((region) => region.weight));
  const sourcePicker = new WeightedPicker(SOURCES.map((source) => source.weight));
  const weight = new Float64Array(count);
  let id = CUSTOMER_BASE + rng.int(1, 99_999);
  let totalWeight = 0;
  for (let i = 0; i < count; i++) {
    id += rng.int(1, 2_000);
    customers.id[i] = id;
    customers.createdMs[i] = firstMs[i] - rng.int(30, 1_800) * 1000;
    const region = regionPicker.pick(rng);
    customers.region[i] = region;
    customers.source[i] = sourcePicker.pick(rng);
    let traits = 0;
    let rate: number;
    let tau: number;
    const segment = rng.next();
    if (rng.chance(DEMO_RATES.wholesaleCustomers)) {
      traits |= TRAIT_WHOLESALE | TRAIT_ACCOUNT;
      rate = rng.gamma(2, 1.5);
      tau = rng.logNormal(0.9, 0.3);
    } else if (segment < DEMO_RATES.oneTimeCustomers) {
      rate = 0;
      tau = 0.1;
    } else if (segment < 1 - DEMO_RATES.loyalCustomers) {
      rate = rng.gamma(1.2, 1.25);
      tau = rng.logNormal(0.15, 0.5);
    } else {
      rate = rng.gamma(3, 1.35);
      tau = rng.logNormal(0.7, 0.4);
      if (rng.chance(DEMO_RATES.vipShareOfLoyal)) traits |= TRAIT_VIP;
    }
    if (rng.chance(DEMO_RATES.newsletterTag)) traits |= TRAIT_NEWSLETTER;
    if (REGIONS[region].countryCode === "US" && rng.chance(DEMO_RATES.storeShoppersOfUs)) traits |= TRAIT_STORE;
    if (rng.chance(DEMO_RATES.dealSeekers)) traits |= TRAIT_DEAL;
    if (rng.chance(DEMO_RATES.serialReturners)) traits |= TRAIT_RETURNER;
    if (rng.chance(0.3)) traits |= TRAIT_ACCOUNT;
    customers.traits[i] = traits;
    const s0 = seasons.repeat.cdf(firstMs[i]);
    customers.s0[i] = s0;
    customers.tau[i] = tau;
    weight[i] = rate * tau * -Math.expm1(-(1 - s0) / tau);
    totalWeight += weight[i];
  }

  if (repeats > 0 && count > 0) {
    if (!(totalWeight > 0)) {
      weight.fill(1);
      totalWeight = count;
    }
    let cumulative = rng.next();
    let given = 0;
    for (let i = 0; i < count; i++) {
      const before = Math.floor(cumulative);
      cumulative += (weight[i] / totalWeight) * repeats;
      const extra = Math.floor(cumulative) - before;
      customers.remaining[i] = extra;
      given += extra;
    }
    // Floating-point slack (a unit or so): settle it on customers with a positive weight.
    for (let i = count - 1; given < repeats; i = i === 0 ? count - 1 : i - 1) {
      if (weight[i] > 0) {
        customers.remaining[i]++;
        given++;
      }
    }
    for (let i = count - 1; given > repeats; i = i === 0 ? count - 1 : i - 1) {
      if (customers.remaining[i] > 0) {
        customers.remaining[i]--;
        given--;
      }
    }
  }
  return customers;
}
