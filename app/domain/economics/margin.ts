/**
 * Contribution margin of one order, component by component, in integer minor units.
 *
 * Signs: every line is signed so that each subtotal is the plain sum of the lines above it.
 * Revenue is positive, deductions (discounts, refunds, costs, reserve) negative, COGS recovered
 * from restocked returns positive:
 *   netSales           = grossSales + discounts
 *   netRevenue         = netSales + shippingCharged + refundedMerchandise + refundedShipping + refundAdjustments
 *   grossMargin        = netRevenue + cogs + cogsRecovered
 *   contributionMargin = grossMargin + paymentFees + fulfilment + shippingCost + reverseLogistics
 *                        + returnsReserve + serviceCost
 * `cogsEstimated` and `cogsLostNotRestocked` are memos: parts of `cogs` already counted there.
 *
 * Rounding: every component is computed exactly and rounded once to a whole minor unit, half away
 * from zero; a component that belongs to a refund is rounded per refund (each refund is its own
 * value event). Totals and subtotals are exact sums of the rounded parts, so the breakdown and the
 * value events always add up to the minor unit.
 *
 * Dating: costs in force at the order's processedAt apply to the order and to its refunds. Only
 * refunds created by `asOf` count; the returns reserve is judged at `asOf` (see returns.ts).
 *
 * Cancelled orders (cancelledAt set): the ledger gives them zero revenue, so revenue, goods,
 * fulfilment, shipping and returns are all zero (a cancelled order is taken as never shipped).
 * Only costs known to be real remain: the actual processor fee when the caller has it and actual fees
 * are switched on (processors keep their fee on a refund) and service contacts. A configured fee is not assumed: many cancelled orders
 * were never charged. Test orders count nothing at all.
 *
 * Never revenue nor margin: taxes, duties, tips and gift cards sold (the ledger already keeps them
 * out of netSales and shippingCharged).
 */
import type { LedgerOrder, LedgerRefund } from "../ledger/types";
import type { CostComponent, CostConfig, ReturnsPolicy } from "./cost-config";
import { costInForce } from "./cost-config";
import { orderCogs, refundGoods } from "./cogs";
import { assertMinorUnits, shareInBps } from "./exact-math";
import { configuredPaymentFee, fulfilmentCost, shippingCost } from "./order-costs";
import { returnsReserve, reverseLogisticsCost } from "./returns";

export interface MarginContext {
  /** The evaluation date: refunds after it are ignored, the returns reserve is judged at it. */
  asOf: Date;
  /** Support contacts attributed to this order. */
  serviceContacts?: number;
  /** The processor's real fee for this order (Shopify Payments transaction fees), in minor units. */
  actualPaymentFee?: number;
}

export type OrderMarginStatus = "counted" | "cancelled" | "test";
export type PaymentFeeSource = "actual" | "configured" | "none";

/** What one value event carries. */
export interface MarginTotals {
  revenue: number;
  grossMargin: number;
  contributionMargin: number;
}

/** The part of the margin that moves when a refund is made, dated at the refund. */
export interface RefundMargin extends MarginTotals {
  refundId: string;
  createdAt: Date;
  refundedMerchandise: number;
  refundedShipping: number;
  refundAdjustments: number;
  cogsRecovered: number;
  reverseLogistics: number;
  /** Memo: COGS of not-restocked units, already inside the order's cogs. */
  cogsLostNotRestocked: number;
  returnedItems: number;
  restockedItems: number;
}

export interface OrderMarginBreakdown {
  orderId: string;
  customerId: string | null;
  currency: string;
  processedAt: Date;
  asOf: Date;
  status: OrderMarginStatus;

  grossSales: number;
  /** The discount load: list price given away. */
  discounts: number;
  netSales: number;
  shippingCharged: number;
  refundedMerchandise: number;
  refundedShipping: number;
  refundAdjustments: number;
  netRevenue: number;

  cogs: number;
  /** Memo: the part of cogs estimated with the default percentage (an ESTIMATE). */
  cogsEstimated: number;
  cogsRecovered: number;
  grossMargin: number;

  paymentFees: number;
  paymentFeeSource: PaymentFeeSource;
  fulfilment: number;
  shippingCost: number;
  reverseLogistics: number;
  /** Memo: COGS of refunded units that did not go back to stock, already inside cogs. */
  cogsLostNotRestocked: number;
  returnsReserve: number;
  /** When the reserve lapses if no return comes: recompute the order then. Null without reserve. */
  returnsReserveReleasesAt: Date | null;
  serviceCost: number;
  contributionMargin: number;

  /** contributionMargin / netRevenue in basis points; null when net revenue is not positive. */
  contributionMarginBps: number | null;
  grossMarginBps: number | null;

  /** The order event's share: everything not tied to a refund. */
  atOrder: MarginTotals;
  refunds: RefundMargin[];
  /** Components with no configured version in force at processedAt although the order needs them. */
  missingCosts: CostComponent[];
}

function checkInputs(order: LedgerOrder, costs: CostConfig, context: MarginContext): void {
  if (costs.currency !== order.currency) {
    throw new RangeError(`Cost config is in ${costs.currency}, order ${order.name} in ${order.currency}`);
  }
  if (Number.isNaN(context.asOf.getTime())) throw new RangeError("asOf is not a valid date");
  if (context.serviceContacts !== undefined) assertMinorUnits(context.serviceContacts, "serviceContacts");
  if (context.actualPaymentFee !== undefined) assertMinorUnits(context.actualPaymentFee, "actualPaymentFee");
  if (order.grossSales - order.discounts !== order.netSales) {
    throw new RangeError(`Ledger order ${order.name} is inconsistent: grossSales - discounts != netSales`);
  }
}

const negate = (amount: number) => (amount === 0 ? 0 : -amount);

function refundMargin(order: LedgerOrder, refund: LedgerRefund, costs: CostConfig,
  policy: ReturnsPolicy | undefined, missing: Set<CostComponent>): RefundMargin {
  const goods = refundGoods(order, refund, costs);
  if (goods.missing) missing.add("cogs");
  if (goods.returnedItems > 0 && !policy) missing.add("returns");
  const refundedMerchandise = negate(refund.merchandise);
  const refundedShipping = negate(refund.shipping);
  const refundAdjustments = negate(refund.adjustments);
  const reverseLogistics = negate(policy ? reverseLogisticsCost(policy, goods.returnedItems) : 0);
  const revenue = refundedMerchandise + refundedShipping + refundAdjustments;
  const grossMargin = revenue + goods.cogsRecovered;
  return {
    refundId: refund.id, createdAt: refund.createdAt,
    refundedMerchandise, refundedShipping, refundAdjustments,
    cogsRecovered: goods.cogsRecovered, reverseLogistics, cogsLostNotRestocked: negate(goods.cogsLost),
    returnedItems: goods.returnedItems, restockedItems: goods.restockedItems,
    revenue, grossMargin, contributionMargin: grossMargin + reverseLogistics,
  };
}

/** A refund of a cancelled or test order: it only undoes a sale the ledger never counted. */
function uncountedRefund(refund: LedgerRefund): RefundMargin {
  return {
    refundId: refund.id, createdAt: refund.createdAt,
    refundedMerchandise: 0, refundedShipping: 0, refundAdjustments: 0, cogsRecovered: 0, reverseLogistics: 0,
    cogsLostNotRestocked: 0, returnedItems: 0, restockedItems: 0, revenue: 0, grossMargin: 0, contributionMargin: 0,
  };
}

function paymentFee(order: LedgerOrder, costs: CostConfig, context: MarginContext, status: OrderMarginStatus,
  missing: Set<CostComponent>): { amount: number; source: PaymentFeeSource } {
  if (status === "test") return { amount: 0, source: "none" };
  if (costs.useActualPaymentFees && context.actualPaymentFee !== undefined) {
    return { amount: context.actualPaymentFee, source: "actual" };
  }
  if (status === "cancelled" || order.totalPrice <= 0) return { amount: 0, source: "none" };
  const fees = costInForce(costs.paymentFees, order.processedAt);
  if (!fees) {
    missing.add("paymentFees");
    return { amount: 0, source: "none" };
  }
  return { amount: configuredPaymentFee(order, fees), source: "configured" };
}

function serviceCost(order: LedgerOrder, costs: CostConfig, context: MarginContext, status: OrderMarginStatus,
  missing: Set<CostComponent>): number {
  const contacts = context.serviceContacts ?? 0;
  if (status === "test" || contacts === 0) return 0;
  const cost = costInForce(costs.service, order.processedAt);
  if (!cost) missing.add("service");
  return cost ? contacts * cost.perContact : 0;
}

/** Fulfilment and shipping: only for a counted order with physical units to send. */
function shippedOrderCosts(order: LedgerOrder, costs: CostConfig, counted: boolean,
  missing: Set<CostComponent>): { fulfilment: number; shipping: number } {
  if (!counted || order.itemCount <= 0) return { fulfilment: 0, shipping: 0 };
  const fulfilment = costInForce(costs.fulfilment, order.processedAt);
  const shipping = costInForce(costs.shipping, order.processedAt);
  if (!fulfilment) missing.add("fulfilment");
  if (!shipping) missing.add("shipping");
  return {
    fulfilment: fulfilment ? fulfilmentCost(order, fulfilment) : 0,
    shipping: shipping ? shippingCost(order, shipping) : 0,
  };
}

const sumOf = (parts: RefundMargin[], key: keyof RefundMargin) =>
  parts.reduce((total, part) => total + (part[key] as number), 0);

export function computeOrderMargin(order: LedgerOrder, costs: CostConfig, context: MarginContext): OrderMarginBreakdown {
  checkInputs(order, costs, context);
  const { asOf } = context;
  const status: OrderMarginStatus = order.test ? "test" : order.cancelledAt ? "cancelled" : "counted";
  const counted = status === "counted";
  const missing = new Set<CostComponent>();
  const policy = costInForce(costs.returns, order.processedAt);

  const knownRefunds = status === "test" ? [] : order.refunds.filter((refund) => refund.createdAt.getTime() <= asOf.getTime());
  const refunds = knownRefunds.map((refund) =>
    counted ? refundMargin(order, refund, costs, policy, missing) : uncountedRefund(refund));

  const grossSales = counted ? order.grossSales : 0;
  const discounts = counted ? negate(order.discounts) : 0;
  const netSales = grossSales + discounts;
  const shippingCharged = counted ? order.shippingCharged : 0;

  const goods = counted ? orderCogs(order, costs) : { total: 0, estimated: 0, missing: false };
  if (goods.missing) missing.add("cogs");
  const cogs = negate(goods.total);
  const fee = paymentFee(order, costs, context, status, missing);
  const shipped = shippedOrderCosts(order, costs, counted, missing);
  const reserve = counted
    ? returnsReserve(order, policy, asOf, knownRefunds.map((refund, index) => ({
      merchandise: refund.merchandise,
      returnedItems: refunds[index].returnedItems,
      cancelledItems: refund.lines.filter((line) => line.restockType === "cancel")
        .reduce((total, line) => total + line.quantity, 0),
    })))
    : { amount: 0, releasesAt: null };
  const service = negate(serviceCost(order, costs, context, status, missing));

  const orderRevenue = netSales + shippingCharged;
  const orderGrossMargin = orderRevenue + cogs;
  const atOrder: MarginTotals = {
    revenue: orderRevenue,
    grossMargin: orderGrossMargin,
    contributionMargin: orderGrossMargin + negate(fee.amount) + negate(shipped.fulfilment) +
      negate(shipped.shipping) + negate(reserve.amount) + service,
  };
  const netRevenue = atOrder.revenue + sumOf(refunds, "revenue");
  const grossMargin = atOrder.grossMargin + sumOf(refunds, "grossMargin");
  const contributionMargin = atOrder.contributionMargin + sumOf(refunds, "contributionMargin");

  return {
    orderId: order.id, customerId: order.customerId, currency: order.currency,
    processedAt: order.processedAt, asOf, status,
    grossSales, discounts, netSales, shippingCharged,
    refundedMerchandise: sumOf(refunds, "refundedMerchandise"),
    refundedShipping: sumOf(refunds, "refundedShipping"),
    refundAdjustments: sumOf(refunds, "refundAdjustments"),
    netRevenue,
    cogs, cogsEstimated: negate(goods.estimated), cogsRecovered: sumOf(refunds, "cogsRecovered"),
    grossMargin,
    paymentFees: negate(fee.amount), paymentFeeSource: fee.source,
    fulfilment: negate(shipped.fulfilment), shippingCost: negate(shipped.shipping),
    reverseLogistics: sumOf(refunds, "reverseLogistics"),
    cogsLostNotRestocked: sumOf(refunds, "cogsLostNotRestocked"),
    returnsReserve: negate(reserve.amount), returnsReserveReleasesAt: reserve.releasesAt,
    serviceCost: service,
    contributionMargin,
    contributionMarginBps: shareInBps(contributionMargin, netRevenue),
    grossMarginBps: shareInBps(grossMargin, netRevenue),
    atOrder, refunds,
    missingCosts: [...missing].sort(),
  };
}
