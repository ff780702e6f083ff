/**
 * The merchant's cost stack: every variable cost the contribution margin subtracts.
 *
 * Units: money in integer minor units of the shop currency (the config names it, so a JPY store
 * cannot be costed with a USD config by mistake); percentages in basis points (290 = 2.90%).
 *
 * Effective dating: every component is a list of versions, each applying from its `validFrom` on,
 * until a later version replaces it. An order is costed with the versions in force at its
 * processedAt; its refunds too (the return policy, reverse-logistics rates and COGS of the goods are
 * those of the sale, not of the refund date). Before a component's first version nothing is in force:
 * the component counts 0 and the breakdown lists it under `missingCosts` (COGS falls back to the
 * default percentage first). To cost history with today's figures, date the first version early.
 *
 * `validFrom` is an instant. A plain date ("2026-03-01") means 00:00 UTC that day; a store that wants
 * its own midnight passes a date-time with offset ("2026-03-01T00:00:00+01:00").
 */
import { z } from "zod";
import { BPS_SCALE } from "./exact-math";

/** A version of a cost, in force from validFrom until the next version of the same cost. */
export interface Dated {
  validFrom: Date;
}

/** Purchase cost of one unit of a variant. */
export interface VariantCost extends Dated {
  variantId: string; // gid://shopify/ProductVariant/...
  unitCost: number;
}

/** COGS for variants without a known cost, as a share of the line's list price: flagged ESTIMATE. */
export interface DefaultCogs extends Dated {
  percentOfPriceBps: number;
}

/** Pick, pack and hand-over cost. */
export interface FulfilmentCost extends Dated {
  perOrder: number;
  perItem: number;
}

/** What carriers charge the merchant, whatever the customer paid for shipping. */
export type ShippingCost = Dated &
  (
    | { method: "flat_per_order"; perOrder: number }
    | { method: "per_country"; byCountry: Record<string, number>; fallback: number }
    | { method: "percent_of_shipping_charged"; percentBps: number }
  );

export interface GatewayRate {
  percentBps: number;
  fixedPerOrder: number;
}

/** Processor fees per gateway name (as Shopify reports it: "shopify_payments", "paypal"...). */
export interface PaymentFees extends Dated {
  gateways: Array<GatewayRate & { gateway: string }>;
  /** For gateways not listed. */
  fallback: GatewayRate;
}

export interface ReturnsPolicy extends Dated {
  /** Reverse logistics per refund that returns items (label, handling). */
  perReturn: number;
  perReturnedItem: number;
  /** Days after processedAt during which a return is still expected. */
  windowDays: number;
  /** Share of orders expected to come back: drives the reserve on orders still inside the window. */
  expectedReturnRateBps: number;
}

export interface ServiceCost extends Dated {
  perContact: number;
}

export interface CostConfig {
  currency: string;
  variantCosts: VariantCost[];
  defaultCogs: DefaultCogs[];
  fulfilment: FulfilmentCost[];
  shipping: ShippingCost[];
  paymentFees: PaymentFees[];
  /** When the caller knows an order's real processor fee (Shopify Payments transactions), use it. */
  useActualPaymentFees: boolean;
  returns: ReturnsPolicy[];
  service: ServiceCost[];
}

export type CostComponent = "cogs" | "fulfilment" | "shipping" | "paymentFees" | "returns" | "service";

/** The version in force at `at`: the latest validFrom not after it. */
export function costInForce<T extends Dated>(versions: readonly T[], at: Date): T | undefined {
  let found: T | undefined;
  for (const version of versions) {
    if (version.validFrom.getTime() <= at.getTime() &&
      (!found || version.validFrom.getTime() > found.validFrom.getTime())) {
      found = version;
    }
  }
  return found;
}

export function emptyCostConfig(currency: string): CostConfig {
  return {
    currency, variantCosts: [], defaultCogs: [], fulfilment: [], shipping: [], paymentFees: [],
    useActualPaymentFees: true, returns: [], service: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

const amount = z
  .number({ invalid_type_error: "must be an amount in minor units (a number)", required_error: "is required" })
  .int("must be a whole number of minor units (cents, not decimals)")
  .nonnegative("must not be negative: enter costs as positive amounts")
  .max(Number.MAX_SAFE_INTEGER, "is too large");

const bps = z
  .number({ invalid_type_error: "must be a percentage in basis points (a number)", required_error: "is required" })
  .int("must be a whole number of basis points (2.9% = 290)")
  .nonnegative("must not be negative")
  .max(BPS_SCALE, "must be at most 10000 basis points (100%)");

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isRealCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Strict: JavaScript would read "2026-02-30" as 2 March, which is a typo here, not a date. */
function parseValidFrom(value: Date | string): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  const match = DATE_ONLY.exec(value) ?? DATE_TIME.exec(value);
  if (!match || !isRealCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) return null;
  const date = new Date(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const validFrom = z.union([z.date(), z.string()], {
  errorMap: () => ({ message: "must be a date (YYYY-MM-DD) or an ISO 8601 date-time with offset" }),
}).transform((value, ctx) => {
  const date = parseValidFrom(value);
  if (date) return date;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: `must be a real date (YYYY-MM-DD, read as 00:00 UTC) or an ISO 8601 date-time with offset, got ${JSON.stringify(String(value))}`,
  });
  return z.NEVER;
});

/** Two versions of one cost starting at the same instant would make "the cost in force" ambiguous. */
function uniqueVersions<T extends { validFrom: Date }>(key: (item: T) => string = () => "") {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      // zod still runs this refinement when a version's own fields failed: skip those versions.
      if (!(item?.validFrom instanceof Date)) return;
      const id = `${key(item)}@${item.validFrom.getTime()}`;
      if (seen.has(id)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [index, "validFrom"],
          message: `another version${key(item) ? ` for ${key(item)}` : ""} starts at ${item.validFrom.toISOString()}: each change needs its own validFrom`,
        });
      }
      seen.add(id);
    });
  };
}

const countryCode = z.string().regex(/^[A-Z]{2}$/, "must be a two-letter ISO 3166 country code in capitals");
const gatewayRate = { percentBps: bps, fixedPerOrder: amount };

const variantCostSchema = z.object({
  variantId: z.string().regex(/^gid:\/\/shopify\/ProductVariant\/[0-9]+$/, "must be a ProductVariant GID"),
  unitCost: amount,
  validFrom,
}).strict();

const shippingCostSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("flat_per_order"), perOrder: amount, validFrom }).strict(),
  z.object({
    method: z.literal("per_country"),
    byCountry: z.record(countryCode, amount),
    fallback: amount,
    validFrom,
  }).strict(),
  z.object({ method: z.literal("percent_of_shipping_charged"), percentBps: bps, validFrom }).strict(),
], { errorMap: (issue, ctx) => ({
  message: issue.code === z.ZodIssueCode.invalid_union_discriminator
    ? "method must be flat_per_order, per_country or percent_of_shipping_charged"
    : ctx.defaultError,
}) });

const paymentFeesSchema = z.object({
  gateways: z.array(z.object({ gateway: z.string().trim().min(1, "must name a gateway"), ...gatewayRate }).strict())
    .superRefine((gateways, ctx) => {
      const seen = new Set<string>();
      gateways.forEach((entry, index) => {
        if (typeof entry?.gateway !== "string") return; // its own issue is already reported
        const name = entry.gateway.toLowerCase();
        if (seen.has(name)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, "gateway"], message: `${entry.gateway} is listed twice` });
        }
        seen.add(name);
      });
    }),
  fallback: z.object(gatewayRate).strict(),
  validFrom,
}).strict();

const returnsPolicySchema = z.object({
  perReturn: amount,
  perReturnedItem: amount,
  windowDays: z.number().int("must be a whole number of days").nonnegative("must not be negative")
    .max(3650, "must be at most 3650 days"),
  expectedReturnRateBps: bps,
  validFrom,
}).strict();

const series = <T extends z.ZodTypeAny>(version: T) =>
  z.array(version).default([]).superRefine(uniqueVersions());

export const costConfigSchema: z.ZodType<CostConfig, z.ZodTypeDef, unknown> = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, "must be a three-letter ISO 4217 currency code"),
  variantCosts: z.array(variantCostSchema).default([])
    .superRefine(uniqueVersions<VariantCost>((cost) => cost.variantId)),
  defaultCogs: series(z.object({ percentOfPriceBps: bps, validFrom }).strict()),
  fulfilment: series(z.object({ perOrder: amount, perItem: amount, validFrom }).strict()),
  shipping: series(shippingCostSchema),
  paymentFees: series(paymentFeesSchema),
  useActualPaymentFees: z.boolean().default(true),
  returns: series(returnsPolicySchema),
  service: series(z.object({ perContact: amount, validFrom }).strict()),
}).strict();

export interface CostConfigIssue {
  path: string; // "fulfilment.0.perOrder"
  message: string;
}

export class CostConfigError extends Error {
  constructor(readonly issues: CostConfigIssue[]) {
    super(`Invalid cost configuration: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
    this.name = "CostConfigError";
  }
}

/** Validates a stored or submitted cost configuration; throws CostConfigError listing every problem. */
export function parseCostConfig(input: unknown): CostConfig {
  const result = costConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new CostConfigError(result.error.issues.map((issue) => ({
    path: issue.path.join(".") || "(root)",
    message: issue.message,
  })));
}
