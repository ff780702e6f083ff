/**
 * Returns: the real cost of refunds that bring goods back, and a reserve for returns still to come.
 *
 * Reverse logistics: each refund that returns items (refund lines other than "cancel") costs
 * perReturn + perReturnedItem x items, at the policy in force at the order's processedAt.
 * "no_restock" lines count as returned: the ledger cannot tell goods returned and discarded from a
 * refund where the customer kept them, and the conservative reading is the one that costs.
 *
 * Reserve (the seed's rule): while an order is inside its return window at the evaluation date and no
 * real return has happened yet, it carries
 *   expectedReturnRate x (merchandise revenue still refundable + reverse logistics of a full return),
 * rounded once. The reserve disappears when the window closes (asOf >= processedAt + windowDays) or
 * as soon as a refund returns items: from then on the real refund and its costs replace the guess.
 * Refunds without returned items (goodwill adjustments, shipping refunds) leave the reserve in place.
 */
import type { LedgerOrder } from "../ledger/types";
import type { ReturnsPolicy } from "./cost-config";
import { BPS_SCALE, roundHalfAwayFromZero } from "./exact-math";

const DAY_MS = 86_400_000;

/** Reverse-logistics cost of one refund (a positive amount). */
export function reverseLogisticsCost(policy: ReturnsPolicy, returnedItems: number): number {
  if (returnedItems <= 0) return 0;
  return policy.perReturn + policy.perReturnedItem * returnedItems;
}

export function returnWindowEnd(order: Pick<LedgerOrder, "processedAt">, policy: ReturnsPolicy): Date {
  return new Date(order.processedAt.getTime() + policy.windowDays * DAY_MS);
}

export interface ReturnsReserve {
  /** A positive amount: the expected cost of returns still to come. */
  amount: number;
  /** When the reserve lapses by itself; null when no reserve is held. */
  releasesAt: Date | null;
}

const NO_RESERVE: ReturnsReserve = { amount: 0, releasesAt: null };

/** What the reserve needs to know of each refund made by the evaluation date. */
export interface RefundReturnFacts {
  merchandise: number;
  /** Units that came back (cancelled units excluded). */
  returnedItems: number;
  /** Units cancelled before they shipped. */
  cancelledItems: number;
}

export function returnsReserve(order: LedgerOrder, policy: ReturnsPolicy | undefined, asOf: Date,
  refunds: RefundReturnFacts[]): ReturnsReserve {
  if (!policy || policy.expectedReturnRateBps === 0) return NO_RESERVE;
  const windowEnd = returnWindowEnd(order, policy);
  if (asOf.getTime() >= windowEnd.getTime()) return NO_RESERVE;
  if (refunds.some((refund) => refund.returnedItems > 0)) return NO_RESERVE;

  const refundedMerchandise = refunds.reduce((total, refund) => total + refund.merchandise, 0);
  const refundable = Math.max(0, order.netSales - refundedMerchandise);
  const cancelledItems = refunds.reduce((total, refund) => total + refund.cancelledItems, 0);
  const unitsOut = Math.max(0, order.itemCount - cancelledItems);
  if (unitsOut === 0) return NO_RESERVE;

  const exposure = refundable + reverseLogisticsCost(policy, unitsOut);
  const amount = roundHalfAwayFromZero(BigInt(exposure) * BigInt(policy.expectedReturnRateBps), BigInt(BPS_SCALE));
  return amount > 0 ? { amount, releasesAt: windowEnd } : NO_RESERVE;
}
