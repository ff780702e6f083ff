/**
 * What the customer card shows, from the API contract: the same figures, wording and flag tones in
 * the admin block extension and on the app's Customers page. Pure (no React, Preact or Remix), so
 * the extension bundles it and both are unit-tested from the root.
 */
import { formatMoney } from "../domain/money/money";
import type { CustomerFlagKind } from "../domain/analytics/flags";
import type { CustomerCard } from "./contract";

export type CardTone = "success" | "critical" | "warning" | "info";

export interface CardMetric {
  key: "cmLtv" | "revenueLtv" | "orders" | "marginPerOrder";
  label: string;
  value: string;
  tone?: "critical";
}

export interface CardFlag {
  kind: CustomerFlagKind;
  label: string;
  reason: string;
  tone: CardTone;
}

export interface CardView {
  customerId: string;
  customerNumber: string;
  title: string;
  /** "Contribution margin is 23.4% of revenue" (or why there are no figures). */
  summary: string;
  metrics: CardMetric[];
  flags: CardFlag[];
  /** Shown instead of the flag list when no flag applies. */
  noFlags: string | null;
  appPath: string;
}

export const FLAG_TONES: Readonly<Record<CustomerFlagKind, CardTone>> = {
  high_value: "success",
  negative_margin: "critical",
  discount_dependent: "warning",
  high_return: "warning",
  service_heavy: "warning",
  valuable_but_costly: "critical",
  at_risk: "warning",
  new: "info",
};

/** 2345 bps -> "23.5%" (one decimal, half away from zero). */
const ONE_DECIMAL = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function bpsText(bps: number): string {
  const tenths = Math.round(Math.abs(bps) / 10) * Math.sign(bps);
  return `${ONE_DECIMAL.format(tenths / 10)}%`;
}

export function customerCardView(card: CustomerCard): CardView {
  const money = (minor: number) => formatMoney(minor, card.currency, card.currencyDigits);
  const f = card.figures;
  const metrics: CardMetric[] = f
    ? [
        { key: "cmLtv", label: "CM-LTV", value: money(f.contributionMarginLtv), ...(f.contributionMarginLtv < 0 ? { tone: "critical" as const } : {}) },
        { key: "revenueLtv", label: "Revenue LTV", value: money(f.revenueLtv) },
        { key: "orders", label: "Orders", value: new Intl.NumberFormat("en-US").format(f.orders) },
        {
          key: "marginPerOrder", label: "Margin per order", value: f.marginPerOrder === null ? "–" : money(f.marginPerOrder),
          ...(f.marginPerOrder !== null && f.marginPerOrder < 0 ? { tone: "critical" as const } : {}),
        },
      ]
    : [];
  const summary = !f
    ? "No counted order with a computed margin yet: the figures appear once this customer's orders have their margins."
    : f.contributionMarginBps === null
      ? "No revenue yet, so no margin share."
      : `Contribution margin is ${bpsText(f.contributionMarginBps)} of revenue (lifetime, after every variable cost).`;
  return {
    customerId: card.customerId,
    customerNumber: card.customerNumber,
    title: `Customer ${card.customerNumber}`,
    summary,
    metrics,
    flags: card.flags.map((flag) => ({ kind: flag.kind, label: flag.label, reason: flag.reason, tone: FLAG_TONES[flag.kind] ?? "info" })),
    noFlags: f && card.flags.length === 0 ? "No flag applies to this customer." : null,
    appPath: card.appPath,
  };
}
