/**
 * COGS coverage: how much of an order's merchandise revenue is costed with a known unit cost, how
 * much with the default percentage (an estimate), and how much with neither. Revenue is each
 * merchandise line's netSales (after discounts, excluding tax); gift cards are not goods and are left
 * out; cancelled and test orders count nothing. Costs are those in force at the order's processedAt,
 * exactly as orderCogs chooses them.
 */
import type { LedgerOrder } from "../ledger/types";
import type { CostConfig, VariantCost } from "./cost-config";
import { costInForce } from "./cost-config";

export interface CogsCoverage {
  known: number;
  estimated: number;
  missing: number;
}

const indexes = new WeakMap<VariantCost[], Map<string, VariantCost[]>>();

function index(costs: VariantCost[]): Map<string, VariantCost[]> {
  let found = indexes.get(costs);
  if (!found) {
    found = new Map();
    for (const cost of costs) found.set(cost.variantId, [...(found.get(cost.variantId) ?? []), cost]);
    indexes.set(costs, found);
  }
  return found;
}

export type LineCostKind = "known" | "estimated" | "missing";

/** How the engine costs one unit of a variant at `at`. */
export function lineCostKind(variantId: string | null, costs: CostConfig, at: Date): LineCostKind {
  if (variantId && costInForce(index(costs.variantCosts).get(variantId) ?? [], at)) return "known";
  return costInForce(costs.defaultCogs, at) ? "estimated" : "missing";
}

export function cogsCoverage(order: LedgerOrder, costs: CostConfig): CogsCoverage {
  const coverage: CogsCoverage = { known: 0, estimated: 0, missing: 0 };
  if (order.test || order.cancelledAt) return coverage;
  for (const line of order.lines) {
    if (line.giftCard || line.quantity <= 0) continue;
    coverage[lineCostKind(line.variantId, costs, order.processedAt)] += line.netSales;
  }
  return coverage;
}

export function addCoverage(total: CogsCoverage, part: CogsCoverage): CogsCoverage {
  total.known += part.known;
  total.estimated += part.estimated;
  total.missing += part.missing;
  return total;
}
