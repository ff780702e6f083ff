/**
 * The demo store's behaviour in numbers: the default rates of the realism rules, the seasonal
 * profile, customer traits and traffic sources. Shared by the population, calendar and order code.
 */

/** The realism rules' default rates. */
export const DEMO_RATES = {
  /** Default customers = round(orders / ordersPerCustomer). */
  ordersPerCustomer: 3,
  guestOrderShare: 0.08,
  testOrderShare: 0.002,
  /** Customer segments: one-time buyers, loyal buyers (the rest are occasional). */
  oneTimeCustomers: 0.38,
  loyalCustomers: 0.14,
  wholesaleCustomers: 0.01,
  vipShareOfLoyal: 0.4,
  newsletterTag: 0.3,
  /** US customers who mostly buy in the New York store (POS). */
  storeShoppersOfUs: 0.08,
  dealSeekers: 0.2,
  serialReturners: 0.05,
  /** WELCOME10 on a first order; deal seekers add 0.25 (about 0.35 overall). */
  welcomeOnFirstOrder: 0.3,
  refundRate: 0.085,
  serialReturnerRefundRate: 0.35,
  secondRefund: 0.15,
  cancelRate: 0.025,
  guestCancelRate: 0.04,
  posCancelRate: 0.004,
  giftCardLine: 0.02,
  giftCardLineInGiftingSeason: 0.06,
} as const;

// Calendar flags (per hour of the history)
export const FLAG_BFCM = 1;
export const FLAG_SUMMER = 2;
export const FLAG_GIFTING = 4;

/** Relative order intensity by shop-local month, weekday (0 = Sunday) and hour. */
export const MONTH_FACTOR = [0.86, 0.8, 0.92, 0.96, 0.98, 0.84, 0.78, 0.82, 0.95, 1.02, 1.38, 1.55];
export const WEEKDAY_FACTOR = [1.06, 1.1, 1.04, 1.0, 0.98, 0.94, 0.9];
export const HOUR_FACTOR = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.55, 0.8, 1.0, 1.1, 1.2,
  1.3, 1.25, 1.2, 1.15, 1.1, 1.15, 1.25, 1.35, 1.4, 1.25, 0.9, 0.5,
];
/** Thanksgiving, Black Friday, Saturday, Sunday, Cyber Monday. */
export const BFCM_FACTOR = [1.6, 3.2, 2.2, 2.0, 2.8];
/** New-customer acquisition: trend from the first to the last hour, and campaign weeks. */
export const ACQUISITION_TREND = [1.1, 0.95] as const;
export const CAMPAIGN_WEEKS = [1.9, 1.6, 1.5, 1.35];

// Customer traits (bit flags)
export const TRAIT_VIP = 1;
export const TRAIT_WHOLESALE = 2;
export const TRAIT_STORE = 4;
export const TRAIT_DEAL = 8;
export const TRAIT_RETURNER = 16;
export const TRAIT_NEWSLETTER = 32;
export const TRAIT_ACCOUNT = 64;

export interface TrafficSource {
  referring: string | null;
  landing: string;
}

/** Where customers came from (first orders); weights sum to 1. */
export const SOURCES: readonly (TrafficSource & { weight: number })[] = [
  { weight: 0.3, referring: "https://www.google.com/", landing: "/?utm_source=google&utm_medium=cpc&utm_campaign=brand" },
  { weight: 0.22, referring: null, landing: "/" },
  { weight: 0.16, referring: "https://l.instagram.com/", landing: "/collections/new?utm_source=instagram&utm_medium=paid_social" },
  { weight: 0.1, referring: "https://www.facebook.com/", landing: "/?utm_source=facebook&utm_medium=paid_social" },
  { weight: 0.06, referring: "https://www.tiktok.com/", landing: "/collections/bestsellers?utm_source=tiktok&utm_medium=paid_social" },
  { weight: 0.08, referring: "https://www.bing.com/", landing: "/" },
  { weight: 0.08, referring: "https://www.reddit.com/", landing: "/collections/all" },
];
export const SOURCE_DIRECT = 1;
export const SOURCE_GOOGLE = 0;
export const SOURCE_EMAIL: TrafficSource = { referring: null, landing: "/?utm_source=klaviyo&utm_medium=email" };
