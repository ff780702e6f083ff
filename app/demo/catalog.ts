/**
 * The demo store's product catalogue: about 90 products in a dozen categories (apparel, bags,
 * drinkware, home, accessories, care) with 1-4 variants each, prices from a few dollars to a few
 * hundred, unit costs (what the merchant would enter as InventoryItem.unitCost), and two gift-card
 * products. It depends on the seed and the currency only, never on the order volume, so a demo
 * store's costs stay the same whatever size of history is generated.
 */
import { currencyDigits } from "../domain/money/money";
import { Rng } from "./random";

const PRODUCT_BASE = 8_104_000_000_000;
const VARIANT_BASE = 44_310_000_000_000;
const INVENTORY_ITEM_BASE = 46_220_000_000_000;

/** Approximate units of each currency per US dollar, used only to give a non-USD demo plausible prices. */
const PER_USD: Record<string, number> = {
  USD: 1, CAD: 1.37, AUD: 1.52, NZD: 1.66, EUR: 0.92, GBP: 0.79, CHF: 0.88, SEK: 10.5, NOK: 10.7,
  DKK: 6.9, PLN: 3.95, CZK: 23, MXN: 18, BRL: 5.4, INR: 84, SGD: 1.34, HKD: 7.8, JPY: 150, KRW: 1350,
  CLP: 940, ISK: 138, VND: 25_000, KWD: 0.31, BHD: 0.377, JOD: 0.71, OMR: 0.385, TND: 3.1,
};

/**
 * Converts amounts written in US cents into "nice" amounts of minor units of another currency:
 * whole yen rounded to 10, charm prices kept as .95, three-digit currencies rounded to 10 fils.
 */
export class CurrencyConverter {
  readonly digits: number;
  private readonly rate: number;

  constructor(readonly currency: string) {
    this.digits = currencyDigits(currency);
    this.rate = PER_USD[currency] ?? 1;
  }

  fromUsdCents(cents: number): number {
    if (cents === 0) return 0;
    if (this.currency === "USD") return cents;
    const major = (cents / 100) * this.rate;
    const unit = 10 ** this.digits;
    if (this.digits === 0) {
      const step = major >= 1000 ? 10 : 1;
      return Math.max(step, Math.round(major / step) * step);
    }
    if (this.digits === 2) {
      if (major < 2) return Math.max(1, Math.round(major * 20) * 5);
      const whole = Math.round(major) * unit;
      return cents % 100 === 95 ? whole - 5 : whole;
    }
    const step = unit / 100;
    return Math.max(step, Math.round((major * unit) / step) * step);
  }
}

export interface DemoVariant {
  id: number;
  admin_graphql_api_id: string;
  inventoryItemId: number;
  sku: string;
  /** null for a product's only ("Default Title") variant, as line items show it. */
  title: string | null;
  /** Price in minor units of the catalogue currency. */
  price: number;
  /** Unit cost in minor units (0 for gift cards). */
  cost: number;
  grams: number;
  /** Relative pick weight among the product's variants. */
  weight: number;
}

export interface DemoProduct {
  id: number;
  admin_graphql_api_id: string;
  title: string;
  handle: string;
  category: string;
  productType: string;
  vendor: string;
  giftCard: boolean;
  taxable: boolean;
  requiresShipping: boolean;
  variants: DemoVariant[];
  /** Relative popularity for ordinary picks. */
  popularity: number;
  /** Extra pull on first orders ("hero" products that acquire customers). */
  hero: boolean;
  /** Share of the history window before which the product is not sold yet (0 = always sold). */
  launchShare: number;
  /** Share of the window after which it is retired (1 = never). */
  retireShare: number;
  /** Probability that a unit of it comes back. */
  returnRate: number;
}

export interface DemoCatalog {
  currency: string;
  digits: number;
  products: DemoProduct[];
  /** Merchandise products (no gift cards). */
  merchandise: DemoProduct[];
  giftCards: DemoProduct[];
}

type OptionKind = "size" | "color" | "scent" | "pack" | "none";

interface CategorySpec {
  key: string;
  code: string;
  productType: string;
  count: number;
  option: OptionKind;
  /** [noun, lowest price, highest price] in US cents */
  nouns: readonly (readonly [string, number, number])[];
  costShare: readonly [number, number];
  grams: readonly [number, number];
  returnRate: number;
  vendor?: string;
}

const CATEGORIES: readonly CategorySpec[] = [
  { key: "tee", code: "TEE", productType: "T-Shirts", count: 12, option: "size", costShare: [0.28, 0.4], grams: [160, 240], returnRate: 0.1,
    nouns: [["Crew Tee", 2400, 3400], ["Pocket Tee", 2800, 3800], ["Long Sleeve Tee", 3400, 4400], ["Henley", 3800, 4800], ["Graphic Tee", 2800, 3600]] },
  { key: "fleece", code: "FLC", productType: "Sweatshirts", count: 8, option: "size", costShare: [0.3, 0.4], grams: [450, 700], returnRate: 0.11,
    nouns: [["Hoodie", 6800, 9800], ["Crewneck Sweatshirt", 5800, 7800], ["Zip Hoodie", 7800, 10800], ["Quarter Zip", 7200, 9800]] },
  { key: "outer", code: "OUT", productType: "Outerwear", count: 6, option: "size", costShare: [0.32, 0.45], grams: [600, 1400], returnRate: 0.14,
    nouns: [["Rain Shell", 14800, 19800], ["Puffer Jacket", 19800, 29800], ["Chore Coat", 16800, 22800], ["Fleece Jacket", 11800, 15800], ["Parka", 26800, 34800]] },
  { key: "bottoms", code: "BTM", productType: "Pants", count: 6, option: "size", costShare: [0.3, 0.42], grams: [300, 600], returnRate: 0.15,
    nouns: [["Jogger", 5800, 7800], ["Chino", 6800, 8800], ["Trail Short", 4800, 5800], ["Sweatpant", 5800, 7400]] },
  { key: "socks", code: "SCK", productType: "Socks", count: 6, option: "size", costShare: [0.22, 0.32], grams: [60, 150], returnRate: 0.03,
    nouns: [["Crew Sock", 1200, 1800], ["Hiking Sock", 1800, 2400], ["Ankle Sock 3-Pack", 2000, 2600], ["Wool Sock", 1800, 2400]] },
  { key: "hats", code: "HAT", productType: "Hats", count: 7, option: "color", costShare: [0.22, 0.34], grams: [80, 160], returnRate: 0.05,
    nouns: [["Beanie", 2400, 3200], ["Dad Cap", 2800, 3400], ["Trucker Hat", 2800, 3400], ["Bucket Hat", 3200, 3800]] },
  { key: "bags", code: "BAG", productType: "Bags", count: 7, option: "color", costShare: [0.3, 0.42], grams: [300, 1500], returnRate: 0.07,
    nouns: [["Canvas Tote", 3500, 4800], ["Daypack", 8800, 12800], ["Weekender Duffel", 14800, 18800], ["Sling Bag", 4800, 6800], ["Laptop Sleeve", 3800, 5400]] },
  { key: "drink", code: "DRK", productType: "Drinkware", count: 8, option: "color", costShare: [0.22, 0.34], grams: [250, 700], returnRate: 0.04,
    nouns: [["Enamel Mug", 1800, 2400], ["Insulated Tumbler", 3000, 4200], ["Water Bottle", 2800, 3800], ["Pour-Over Set", 3800, 4800]] },
  { key: "home", code: "HOM", productType: "Home", count: 8, option: "scent", costShare: [0.25, 0.4], grams: [300, 2200], returnRate: 0.05,
    nouns: [["Soy Candle", 2400, 3800], ["Wool Throw", 18800, 26800], ["Linen Pillow Cover", 4800, 6800], ["Ceramic Planter", 3400, 5800]] },
  { key: "acc", code: "ACC", productType: "Accessories", count: 10, option: "none", costShare: [0.12, 0.28], grams: [10, 120], returnRate: 0.02,
    nouns: [["Sticker Pack", 400, 800], ["Enamel Pin", 900, 1400], ["Keychain", 800, 1400], ["Patch", 600, 1000], ["Bandana", 1400, 1800]] },
  { key: "care", code: "CAR", productType: "Body Care", count: 6, option: "scent", costShare: [0.15, 0.28], grams: [40, 250], returnRate: 0.02, vendor: "Northwind Apothecary",
    nouns: [["Lip Balm", 600, 900], ["Hand Salve", 1400, 1900], ["Sunscreen Stick", 1600, 2200], ["Bar Soap", 900, 1400]] },
  { key: "bundle", code: "BND", productType: "Bundles", count: 2, option: "none", costShare: [0.3, 0.38], grams: [800, 1500], returnRate: 0.08,
    nouns: [["Weekend Starter Kit", 12800, 15800], ["Camp Coffee Kit", 8800, 10800]] },
];

const PREFIXES = [
  "Harbor", "Summit", "Everyday", "Field", "Coastal", "Alpine", "Heritage", "Trail", "Nordic", "Canyon",
  "Meadow", "Ridge", "Cedar", "Dune", "Glacier", "Prairie", "Juniper", "Tidewater", "Basin", "Sierra",
];

const OPTION_VALUES: Record<Exclude<OptionKind, "none">, readonly (readonly [string, string, number])[]> = {
  // [title, sku code, pick weight]
  size: [["XS", "XS", 0.06], ["S", "S", 0.2], ["M", "M", 0.34], ["L", "L", 0.27], ["XL", "XL", 0.13], ["XXL", "XXL", 0.05]],
  color: [["Black", "BLK", 0.3], ["Natural", "NAT", 0.2], ["Navy", "NVY", 0.16], ["Olive", "OLV", 0.12], ["Rust", "RST", 0.1], ["Slate", "SLT", 0.12]],
  scent: [["Cedar", "CDR", 0.3], ["Citrus", "CIT", 0.25], ["Lavender", "LAV", 0.25], ["Unscented", "UNS", 0.2]],
  pack: [["Single", "1PK", 0.6], ["3-Pack", "3PK", 0.4]],
};

const HOUSE_VENDOR = "Margin & Co.";

function handleOf(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function charmPrice(rng: Rng, lo: number, hi: number): number {
  const dollars = Math.round((lo + rng.next() * (hi - lo)) / 100);
  return rng.chance(0.3) && dollars > 5 ? dollars * 100 - 5 : dollars * 100;
}

/**
 * Builds the catalogue for a seed, with prices and costs in `currency`. Deterministic: the same
 * seed and currency always give the same products, ids, prices and costs.
 */
export function buildCatalog(seed = 1, currency = "USD"): DemoCatalog {
  const rng = new Rng(seed, 101);
  const money = new CurrencyConverter(currency);
  const products: DemoProduct[] = [];
  const usedTitles = new Set<string>();
  let productId = PRODUCT_BASE + rng.int(1000, 9999);
  let variantId = VARIANT_BASE + rng.int(1000, 9999);
  let inventoryItemId = INVENTORY_ITEM_BASE + rng.int(1000, 9999);
  let skuNumber = 100;

  const addProduct = (spec: Omit<DemoProduct, "id" | "admin_graphql_api_id" | "handle" | "variants">,
    variants: Omit<DemoVariant, "id" | "admin_graphql_api_id" | "inventoryItemId">[]) => {
    productId += rng.int(1, 4000);
    const id = productId;
    products.push({
      ...spec,
      id,
      admin_graphql_api_id: `gid://shopify/Product/${id}`,
      handle: handleOf(spec.title),
      variants: variants.map((variant) => {
        variantId += rng.int(1, 4000);
        inventoryItemId += rng.int(1, 4000);
        return {
          ...variant,
          id: variantId,
          admin_graphql_api_id: `gid://shopify/ProductVariant/${variantId}`,
          inventoryItemId,
        };
      }),
    });
  };

  for (const category of CATEGORIES) {
    for (let n = 0; n < category.count; n++) {
      const [noun, lo, hi] = category.nouns[n % category.nouns.length];
      let title = "";
      for (let attempt = 0; attempt < 50 && (!title || usedTitles.has(title)); attempt++) {
        title = `${rng.pick(PREFIXES)} ${noun}`;
      }
      if (usedTitles.has(title)) title = `${title} ${n + 2}`;
      usedTitles.add(title);
      const basePrice = charmPrice(rng, lo, hi);
      const costShare = category.costShare[0] + rng.next() * (category.costShare[1] - category.costShare[0]);
      const grams = Math.round(category.grams[0] + rng.next() * (category.grams[1] - category.grams[0]));
      skuNumber += 1;
      const skuStem = `${category.code}-${skuNumber}`;
      let options: (readonly [string, string, number])[] = [];
      if (category.option !== "none") {
        const all = OPTION_VALUES[category.option];
        const count = Math.min(all.length, category.option === "size" ? rng.pick([2, 3, 4, 4]) : rng.pick([1, 2, 3, 4]));
        if (category.option === "size") {
          // A contiguous size run around M.
          const first = Math.max(0, Math.min(all.length - count, rng.int(0, 2)));
          options = all.slice(first, first + count);
        } else {
          const pool = [...all];
          for (let i = 0; i < count; i++) options.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]);
        }
      }
      const variants = (options.length ? options : [["", "", 1] as const]).map(([optionTitle, code, weight]) => {
        const usd = category.option === "size" && optionTitle === "XXL" ? basePrice + 400 : basePrice;
        const price = money.fromUsdCents(usd);
        return {
          sku: code ? `${skuStem}-${code}` : skuStem,
          title: optionTitle || null,
          price,
          cost: Math.max(1, Math.round(price * costShare)),
          grams,
          weight,
        };
      });
      const launch = rng.next();
      addProduct({
        title,
        category: category.key,
        productType: category.productType,
        vendor: category.vendor ?? HOUSE_VENDOR,
        giftCard: false,
        taxable: true,
        requiresShipping: true,
        popularity: 0,
        hero: false,
        launchShare: launch < 0.12 ? 0.15 + rng.next() * 0.7 : 0,
        retireShare: launch > 0.94 ? 0.45 + rng.next() * 0.4 : 1,
        returnRate: category.returnRate,
      }, variants);
    }
  }

  // Popularity: a Zipf-like curve over a random ranking; the five most popular always-sold
  // products double as "hero" products that pull first orders.
  const ranking = products.map((_, i) => i);
  for (let i = ranking.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [ranking[i], ranking[j]] = [ranking[j], ranking[i]];
  }
  ranking.forEach((productIndex, rank) => {
    products[productIndex].popularity = 1 / Math.pow(rank + 1, 0.85);
  });
  products
    .filter((p) => p.launchShare === 0 && p.retireShare === 1)
    .sort((a, b) => b.popularity - a.popularity)
    .slice(0, 5)
    .forEach((p) => (p.hero = true));

  const giftCardSpecs = [
    { title: "Digital Gift Card", requiresShipping: false, denominations: [2500, 5000, 10000, 20000], weights: [0.3, 0.35, 0.25, 0.1] },
    { title: "Printed Gift Card", requiresShipping: true, denominations: [5000, 10000], weights: [0.6, 0.4] },
  ];
  for (const spec of giftCardSpecs) {
    skuNumber += 1;
    addProduct({
      title: spec.title,
      category: "gift_card",
      productType: "Gift Cards",
      vendor: HOUSE_VENDOR,
      giftCard: true,
      taxable: false,
      requiresShipping: spec.requiresShipping,
      popularity: spec.requiresShipping ? 0.3 : 1,
      hero: false,
      launchShare: 0,
      retireShare: 1,
      returnRate: 0,
    }, spec.denominations.map((usd, i) => {
      const price = money.fromUsdCents(usd);
      return {
        sku: `GC-${skuNumber}-${usd / 100}`,
        title: `${currencyLabel(price, money.digits, currency)}`,
        price,
        cost: 0,
        grams: spec.requiresShipping ? 20 : 0,
        weight: spec.weights[i],
      };
    }));
  }

  return {
    currency,
    digits: money.digits,
    products,
    merchandise: products.filter((p) => !p.giftCard),
    giftCards: products.filter((p) => p.giftCard),
  };
}

function currencyLabel(minor: number, digits: number, currency: string): string {
  const major = Math.floor(minor / 10 ** digits);
  return currency === "USD" ? `$${major}` : `${major} ${currency}`;
}
