/**
 * Where the demo store's buyers are, what tax each destination charges (rates in parts per million,
 * so tax is computed on integers) and what shipping costs there. Amounts are US cents, converted to
 * the store currency by the generator.
 */

export interface TaxSpec {
  title: string;
  /** Rate in parts per million (62500 = 6.25 %). */
  ppm: number;
}

export type ShippingZone = "US" | "CA" | "INTL" | "AU";

export interface Region {
  country: string;
  countryCode: string;
  province: string | null;
  provinceCode: string | null;
  /** Share of buyers (percent points; the table sums to 100). */
  weight: number;
  taxes: readonly TaxSpec[];
  shippingTaxable: boolean;
  zone: ShippingZone;
}

const us = (province: string, code: string, weight: number, state: number, local: number, shippingTaxable: boolean): Region => ({
  country: "United States",
  countryCode: "US",
  province,
  provinceCode: code,
  weight,
  // One combined line (state + average local rate), as Shopify shows when the store reports a single
  // jurisdiction total; Canada and the New York store keep separate lines.
  taxes: state + local === 0 ? [] : [{ title: `${code} Sales Tax`, ppm: state + local }],
  shippingTaxable,
  zone: "US",
});

const ca = (province: string, code: string, weight: number, taxes: TaxSpec[]): Region => ({
  country: "Canada", countryCode: "CA", province, provinceCode: code, weight, taxes, shippingTaxable: true, zone: "CA",
});

const eu = (country: string, code: string, weight: number, title: string, ppm: number, zone: ShippingZone = "INTL"): Region => ({
  country, countryCode: code, province: null, provinceCode: null, weight, taxes: [{ title, ppm }], shippingTaxable: true, zone,
});

export const REGIONS: readonly Region[] = [
  us("New York", "NY", 9, 40_000, 48_750, true),
  us("California", "CA", 11, 72_500, 10_000, false),
  us("Texas", "TX", 8, 62_500, 20_000, true),
  us("Florida", "FL", 7, 60_000, 10_000, false),
  us("Washington", "WA", 4, 65_000, 35_000, true),
  us("Illinois", "IL", 4, 62_500, 25_000, false),
  us("Pennsylvania", "PA", 4, 60_000, 0, true),
  us("Massachusetts", "MA", 3, 62_500, 0, false),
  us("New Jersey", "NJ", 3, 66_250, 0, true),
  us("Georgia", "GA", 3, 40_000, 30_000, true),
  us("Oregon", "OR", 2, 0, 0, false),
  us("Colorado", "CO", 2, 29_000, 45_000, false),
  us("Ohio", "OH", 3, 57_500, 15_000, true),
  us("North Carolina", "NC", 3, 47_500, 22_500, true),
  us("Michigan", "MI", 2, 60_000, 0, true),
  ca("Ontario", "ON", 5, [{ title: "HST", ppm: 130_000 }]),
  ca("British Columbia", "BC", 2.5, [{ title: "GST", ppm: 50_000 }, { title: "PST", ppm: 70_000 }]),
  ca("Quebec", "QC", 1.5, [{ title: "GST", ppm: 50_000 }, { title: "QST", ppm: 99_750 }]),
  ca("Alberta", "AB", 1, [{ title: "GST", ppm: 50_000 }]),
  eu("United Kingdom", "GB", 8, "GB VAT", 200_000),
  { ...eu("Australia", "AU", 2.5, "AU GST", 100_000, "AU"), province: "New South Wales", provinceCode: "NSW" },
  { ...eu("Australia", "AU", 1.5, "AU GST", 100_000, "AU"), province: "Victoria", provinceCode: "VIC" },
  { ...eu("Australia", "AU", 1, "AU GST", 100_000, "AU"), province: "Queensland", provinceCode: "QLD" },
  eu("Germany", "DE", 4, "DE MwSt", 190_000),
  eu("France", "FR", 2.5, "FR TVA", 200_000),
  eu("Netherlands", "NL", 2.5, "NL btw", 210_000),
];

/** The retail store (POS sales are taxed where the store is, New York City). */
export const STORE_REGION_INDEX = 0;
export const STORE_TAXES: readonly TaxSpec[] = [
  { title: "NY State Tax", ppm: 40_000 },
  { title: "New York City Tax", ppm: 48_750 },
];

export interface ShippingRate {
  title: string;
  /** US cents */
  price: number;
}

export interface ZoneShipping {
  standard: ShippingRate;
  express: ShippingRate;
  /** Standard shipping is free from this merchandise subtotal (after discounts), US cents. */
  freeOver: number;
  expressShare: number;
}

export const SHIPPING: Record<ShippingZone, ZoneShipping> = {
  US: { standard: { title: "Standard Shipping", price: 695 }, express: { title: "Express Shipping", price: 1495 }, freeOver: 7500, expressShare: 0.12 },
  CA: { standard: { title: "Standard International", price: 1295 }, express: { title: "Express International", price: 2495 }, freeOver: 15000, expressShare: 0.08 },
  INTL: { standard: { title: "International Shipping", price: 1995 }, express: { title: "DHL Express", price: 3495 }, freeOver: 20000, expressShare: 0.1 },
  AU: { standard: { title: "International Shipping", price: 2495 }, express: { title: "DHL Express", price: 3995 }, freeOver: 25000, expressShare: 0.1 },
};

export const FREIGHT: ShippingRate & { freeOver: number } = { title: "Freight", price: 4500, freeOver: 100_000 };
