/**
 * Cost of goods: what the units of an order cost the merchant, at the costs in force when it was
 * placed. A variant with a unit cost in force uses it; any other merchandise line (no variant, or no
 * cost yet) is estimated with the default percentage of its list price excluding tax
 * (netSales + discount: a discount does not make the goods cheaper to buy) and flagged as an estimate.
 */
import type { LedgerLine, LedgerOrder, LedgerRefund } from "../ledger/types";
import type { CostConfig, VariantCost } from "./cost-config";
import { costInForce } from "./cost-config";
import { BPS_SCALE, ExactSum } from "./exact-math";

/** One unit's cost, as an exact fraction: numerator / denominator minor units. */
type UnitCost =
  | { kind: "known"; numerator: bigint; denominator: bigint }
  | { kind: "estimated"; numerator: bigint; denominator: bigint }
  | { kind: "missing" };

// Cost configs are long-lived and orders many: index variant costs once per config object
// (configs are treated as immutable values; a changed config is a new object).
const variantIndexes = new WeakMap<VariantCost[], Map<string, VariantCost[]>>();

function variantIndex(costs: VariantCost[]): Map<string, VariantCost[]> {
  let index = variantIndexes.get(costs);
  if (!index) {
    index = new Map();
    for (const cost of costs) {
      const versions = index.get(cost.variantId) ?? [];
      versions.push(cost);
      index.set(cost.variantId, versions);
    }
    variantIndexes.set(costs, index);
  }
  return index;
}

function unitCostOf(line: LedgerLine, costs: CostConfig, at: Date): UnitCost {
  const known = line.variantId ? costInForce(variantIndex(costs.variantCosts).get(line.variantId) ?? [], at) : undefined;
  if (known) return { kind: "known", numerator: BigInt(known.unitCost), denominator: 1n };
  const estimate = costInForce(costs.defaultCogs, at);
  if (!estimate || line.quantity <= 0) return { kind: "missing" };
  const listPrice = BigInt(line.netSales + line.discount);
  return {
    kind: "estimated",
    numerator: BigInt(estimate.percentOfPriceBps) * listPrice,
    denominator: BigInt(BPS_SCALE) * BigInt(line.quantity),
  };
}

export interface OrderCogs {
  /** Cost of every merchandise unit sold (a positive amount; the breakdown negates it). */
  total: number;
  /** The part of total that comes from the default percentage. */
  estimated: number;
  missing: boolean;
}

/**
 * COGS of the order's merchandise, each part rounded once: known costs are whole already, the
 * estimated part is summed exactly over lines and rounded at the end.
 */
export function orderCogs(order: LedgerOrder, costs: CostConfig): OrderCogs {
  let known = 0;
  const estimated = new ExactSum();
  let missing = false;
  for (const line of order.lines) {
    if (line.giftCard || line.quantity <= 0) continue;
    const unit = unitCostOf(line, costs, order.processedAt);
    if (unit.kind === "missing") missing = true;
    else if (unit.kind === "known") known += Number(unit.numerator) * line.quantity;
    else estimated.add(unit.numerator * BigInt(line.quantity), unit.denominator);
  }
  const estimatedTotal = estimated.rounded();
  return { total: known + estimatedTotal, estimated: estimatedTotal, missing };
}

export interface RefundGoods {
  /** COGS of refunded units that went back to stock ("return", "legacy_restock", "cancel"). */
  cogsRecovered: number;
  /** COGS of refunded units that did not ("no_restock"): already inside the order's COGS, kept as a memo. */
  cogsLost: number;
  /** Units physically coming back: everything but "cancel" (cancelled units never left). */
  returnedItems: number;
  restockedItems: number;
  cancelledItems: number;
  missing: boolean;
}

export function refundGoods(order: LedgerOrder, refund: LedgerRefund, costs: CostConfig): RefundGoods {
  const linesById = new Map(order.lines.map((line) => [line.id, line]));
  const recovered = new ExactSum();
  const lost = new ExactSum();
  let returnedItems = 0;
  let restockedItems = 0;
  let cancelledItems = 0;
  let missing = false;
  for (const refundLine of refund.lines) {
    const line = linesById.get(refundLine.lineItemId);
    if (line?.giftCard || refundLine.quantity <= 0) continue;
    const restocked = refundLine.restockType !== "no_restock";
    if (refundLine.restockType === "cancel") cancelledItems += refundLine.quantity;
    else returnedItems += refundLine.quantity;
    if (restocked) restockedItems += refundLine.quantity;
    const unit = line ? unitCostOf(line, costs, order.processedAt) : ({ kind: "missing" } as const);
    if (unit.kind === "missing") {
      missing = true;
      continue;
    }
    (restocked ? recovered : lost).add(unit.numerator * BigInt(refundLine.quantity), unit.denominator);
  }
  return { cogsRecovered: recovered.rounded(), cogsLost: lost.rounded(), returnedItems, restockedItems,
    cancelledItems, missing };
}
