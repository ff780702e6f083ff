/**
 * The margin breakdown of one order for its detail page: the statement (marginLines) computed with the
 * current costs, the cost versions in force when the order was placed, each line's unit cost (known
 * or estimated), the refunds, and the stored margin it should equal.
 */
import { COMPONENT_LABELS, type ComponentKey } from "~/costs/components.server";
import { loadCostConfigWithVersion } from "~/costs/config.server";
import { describeVersion } from "~/costs/forms";
import { formatValidFrom } from "~/costs/input";
import { serviceContactsByOrder } from "~/costs/service.server";
import type { Db } from "~/db.server";
import { marginLines, type MarginLine } from "~/domain/economics/breakdown-lines";
import { costInForce } from "~/domain/economics/cost-config";
import { lineCostKind } from "~/domain/economics/coverage";
import { computeOrderMargin, type OrderMarginBreakdown } from "~/domain/economics/margin";
import type { ShopSettings } from "~/shops/shops.server";
import { actualPaymentFee, readLedgerOrders } from "./ledger-reader.server";

export interface OrderDetail {
  order: { id: string; name: string; processedAt: string; customerId: string | null; countryCode: string | null; gateways: string[];
    status: OrderMarginBreakdown["status"]; itemCount: number; totalPrice: number; cancelledAt: string | null };
  lines: MarginLine[];
  contributionMarginBps: number | null;
  paymentFeeSource: OrderMarginBreakdown["paymentFeeSource"];
  missingCosts: string[];
  returnsReserveReleasesAt: string | null;
  serviceContacts: number;
  costsInForce: { key: ComponentKey; label: string; description: string | null; validFrom: string | null }[];
  goods: { title: string; sku: string | null; variantId: string | null; quantity: number; netSales: number; kind: "known" | "estimated" | "missing" | "gift card"; unitCost: number | null; validFrom: string | null }[];
  refunds: { id: string; createdAt: string; revenue: number; grossMargin: number; contributionMargin: number; returnedItems: number; restockedItems: number; cogsRecovered: number; reverseLogistics: number }[];
  stored: { contributionMargin: number; costVersion: number; computedAt: string } | null;
  costVersion: number;
}

export async function orderDetail(db: Db, shop: ShopSettings, orderId: string, now = new Date()): Promise<OrderDetail | null> {
  const [order] = await readLedgerOrders(db, shop.id, [orderId]);
  if (!order) return null;
  const [{ config, version }, contacts, stored] = await Promise.all([
    loadCostConfigWithVersion(db, shop.id),
    serviceContactsByOrder(db, shop.id),
    db.orderMargin.findUnique({ where: { shopId_orderId: { shopId: shop.id, orderId } } }),
  ]);
  const serviceContacts = contacts.get(order.id) ?? 0;
  const breakdown = computeOrderMargin(order, config, { asOf: now, serviceContacts, actualPaymentFee: actualPaymentFee(order) });
  const at = order.processedAt;
  const zone = shop.ianaTimezone;
  const inForce = (key: ComponentKey) => {
    const version = costInForce(config[key] as { validFrom: Date }[], at);
    return { key, label: COMPONENT_LABELS[key], description: version ? describeVersion(key, version as never, shop) : null, validFrom: version ? formatValidFrom(version.validFrom, zone) : null };
  };
  const defaultCogs = costInForce(config.defaultCogs, at);
  return {
    order: { id: order.id, name: order.name, processedAt: at.toISOString(), customerId: order.customerId, countryCode: order.countryCode, gateways: order.gateways,
      status: breakdown.status, itemCount: order.itemCount, totalPrice: order.totalPrice, cancelledAt: order.cancelledAt?.toISOString() ?? null },
    lines: marginLines(breakdown),
    contributionMarginBps: breakdown.contributionMarginBps,
    paymentFeeSource: breakdown.paymentFeeSource,
    missingCosts: breakdown.missingCosts,
    returnsReserveReleasesAt: breakdown.returnsReserveReleasesAt?.toISOString() ?? null,
    serviceContacts,
    costsInForce: (["defaultCogs", "fulfilment", "shipping", "paymentFees", "returns", "service"] as const).map(inForce),
    goods: order.lines.map((line) => {
      if (line.giftCard) return { title: line.title, sku: line.sku, variantId: line.variantId, quantity: line.quantity, netSales: line.netSales, kind: "gift card" as const, unitCost: null, validFrom: null };
      const kind = lineCostKind(line.variantId, config, at);
      const known = kind === "known" ? costInForce(config.variantCosts.filter((c) => c.variantId === line.variantId), at) : undefined;
      return {
        title: line.title, sku: line.sku, variantId: line.variantId, quantity: line.quantity, netSales: line.netSales, kind,
        unitCost: known ? known.unitCost : kind === "estimated" && defaultCogs && line.quantity > 0
          ? Math.round(((line.netSales + line.discount) * defaultCogs.percentOfPriceBps) / 10_000 / line.quantity) : null,
        validFrom: known ? formatValidFrom(known.validFrom, zone) : kind === "estimated" && defaultCogs ? formatValidFrom(defaultCogs.validFrom, zone) : null,
      };
    }),
    refunds: breakdown.refunds.map((refund) => ({
      id: refund.refundId, createdAt: refund.createdAt.toISOString(), revenue: refund.revenue, grossMargin: refund.grossMargin,
      contributionMargin: refund.contributionMargin, returnedItems: refund.returnedItems, restockedItems: refund.restockedItems,
      cogsRecovered: refund.cogsRecovered, reverseLogistics: refund.reverseLogistics,
    })),
    stored: stored ? { contributionMargin: Number(stored.contributionMargin), costVersion: stored.costVersion, computedAt: stored.computedAt.toISOString() } : null,
    costVersion: version,
  };
}
