/**
 * Per-order variable costs other than goods and returns: payment fees, fulfilment, shipping.
 * Each returns a positive amount, rounded once; undefined means "no version in force".
 */
import type { LedgerOrder } from "../ledger/types";
import type { FulfilmentCost, GatewayRate, PaymentFees, ShippingCost } from "./cost-config";
import { applyBps } from "./exact-math";

/** Gift cards redeemed as payment carry no processor fee, so they never choose the rate. */
const FEE_FREE_GATEWAYS = new Set(["gift_card"]);

/**
 * The rate of the order's first gateway that has one configured, else the fallback. The ledger keeps
 * gateway names but not how much each collected, so a split payment is charged at one rate.
 */
export function gatewayRate(fees: PaymentFees, gateways: string[]): GatewayRate {
  for (const name of gateways) {
    if (FEE_FREE_GATEWAYS.has(name.toLowerCase())) continue;
    const configured = fees.gateways.find((entry) => entry.gateway.toLowerCase() === name.toLowerCase());
    if (configured) return configured;
  }
  return fees.fallback;
}

/**
 * Configured fee: percent of the amount the customer was charged (totalPrice: tax, shipping and tips
 * included, since processors charge on all of it) + the fixed part. Nothing is charged, no fee:
 * a fully discounted order has no transaction.
 */
export function configuredPaymentFee(order: LedgerOrder, fees: PaymentFees): number {
  if (order.totalPrice <= 0) return 0;
  const rate = gatewayRate(fees, order.gateways);
  return applyBps(order.totalPrice, rate.percentBps) + rate.fixedPerOrder;
}

export function fulfilmentCost(order: LedgerOrder, cost: FulfilmentCost): number {
  return cost.perOrder + cost.perItem * order.itemCount;
}

export function shippingCost(order: LedgerOrder, cost: ShippingCost): number {
  switch (cost.method) {
    case "flat_per_order":
      return cost.perOrder;
    case "per_country":
      return order.countryCode !== null && Object.hasOwn(cost.byCountry, order.countryCode)
        ? cost.byCountry[order.countryCode]
        : cost.fallback;
    case "percent_of_shipping_charged":
      return applyBps(order.shippingCharged, cost.percentBps);
  }
}
