/**
 * The cost component forms: what each form field means, how a submitted form becomes an engine
 * version (with an inline error per field), how a stored version reads in words, and which values
 * prefill the form. Shared by the Costs hub and the component pages; no database access here.
 */
import type { ComponentKey, ComponentVersions } from "./component-keys";
import { bpsToPercentText, parseAmount, parseDay, parsePercent, parseWholeNumber, type Parsed } from "./input";
import { formatMoney, toDecimalString } from "~/domain/money/money";

export interface FormShop {
  currency: string;
  currencyDigits: number;
  ianaTimezone: string;
}

export type FieldErrors = Record<string, string>;

export type FormResult<K extends ComponentKey> = { ok: true; version: ComponentVersions[K] } | { ok: false; errors: FieldErrors };

export const GATEWAY_ROWS = 4;

/** URL segment of each component page. */
export const COMPONENT_SLUGS: Record<string, ComponentKey> = {
  fulfilment: "fulfilment", shipping: "shipping", payments: "paymentFees", returns: "returns", service: "service", "default-cogs": "defaultCogs",
};
export const SLUG_OF: Record<ComponentKey, string> = Object.fromEntries(Object.entries(COMPONENT_SLUGS).map(([slug, key]) => [key, slug])) as Record<ComponentKey, string>;

class Collector {
  errors: FieldErrors = {};
  take<T>(field: string, parsed: Parsed<T>): T {
    if (!parsed.ok) this.errors[field] = parsed.error;
    return (parsed.ok ? parsed.value : undefined) as T;
  }
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** "US 6.00" / "US=6.00" / "US,6.00" per line into country -> minor units. */
function parseCountries(value: string, digits: number): Parsed<Record<string, number>> {
  const out: Record<string, number> = {};
  const lines = value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  for (const [index, line] of lines.entries()) {
    const match = /^([A-Za-z]{2})\s*[=,:\s]\s*(\S+)$/.exec(line);
    if (!match) return { ok: false, error: `Line ${index + 1}: write a country code and an amount, like "US 6.00", got "${line}"` };
    const code = match[1].toUpperCase();
    const amount = parseAmount(match[2], digits);
    if (!amount.ok) return { ok: false, error: `Line ${index + 1} (${code}): ${amount.error}` };
    if (code in out) return { ok: false, error: `Line ${index + 1}: ${code} is listed twice` };
    out[code] = amount.value;
  }
  return { ok: true, value: out };
}

/** Reads a submitted component form into an engine version, or the errors to show next to each field. */
export function parseComponentForm<K extends ComponentKey>(component: K, form: FormData, shop: FormShop): FormResult<K> {
  const c = new Collector();
  const digits = shop.currencyDigits;
  const amount = (field: string) => c.take(field, parseAmount(text(form, field), digits));
  const percent = (field: string) => c.take(field, parsePercent(text(form, field)));
  const validFrom = c.take("validFrom", parseDay(text(form, "validFrom"), shop.ianaTimezone));
  let version: unknown;
  switch (component) {
    case "defaultCogs":
      version = { percentOfPriceBps: percent("percent"), validFrom };
      break;
    case "fulfilment":
      version = { perOrder: amount("perOrder"), perItem: amount("perItem"), validFrom };
      break;
    case "shipping": {
      const method = text(form, "method");
      if (method === "flat_per_order") version = { method, perOrder: amount("perOrder"), validFrom };
      else if (method === "per_country") {
        version = { method, byCountry: c.take("byCountry", parseCountries(text(form, "byCountry"), digits)), fallback: amount("fallback"), validFrom };
      } else if (method === "percent_of_shipping_charged") version = { method, percentBps: percent("percent"), validFrom };
      else c.errors.method = "Choose how shipping is costed";
      break;
    }
    case "paymentFees": {
      const gateways = [];
      const seen = new Set<string>();
      for (let i = 0; i < GATEWAY_ROWS; i++) {
        const name = text(form, `gw${i}_name`);
        if (!name) continue;
        if (seen.has(name.toLowerCase())) c.errors[`gw${i}_name`] = `${name} is listed twice`;
        seen.add(name.toLowerCase());
        gateways.push({ gateway: name, percentBps: percent(`gw${i}_percent`), fixedPerOrder: amount(`gw${i}_fixed`) });
      }
      version = { gateways, fallback: { percentBps: percent("fallback_percent"), fixedPerOrder: amount("fallback_fixed") }, validFrom };
      break;
    }
    case "returns":
      version = {
        perReturn: amount("perReturn"), perReturnedItem: amount("perReturnedItem"),
        windowDays: c.take("windowDays", parseWholeNumber(text(form, "windowDays"), { max: 3650, what: "number of days" })),
        expectedReturnRateBps: percent("returnRate"), validFrom,
      };
      break;
    case "service":
      version = { perContact: amount("perContact"), validFrom };
      break;
  }
  return Object.keys(c.errors).length ? { ok: false, errors: c.errors } : { ok: true, version: version as ComponentVersions[K] };
}

/** Engine issue paths (relative to the version) to form field names. */
export function fieldOfIssue(component: ComponentKey, path: string): string {
  const gateway = /^gateways\.(\d+)\.(gateway|percentBps|fixedPerOrder)$/.exec(path);
  if (gateway) return `gw${gateway[1]}_${{ gateway: "name", percentBps: "percent", fixedPerOrder: "fixed" }[gateway[2]]}`;
  if (path.startsWith("fallback.")) return component === "paymentFees" ? `fallback_${path.endsWith("percentBps") ? "percent" : "fixed"}` : "fallback";
  if (path.startsWith("byCountry")) return "byCountry";
  return { percentOfPriceBps: "percent", percentBps: "percent", expectedReturnRateBps: "returnRate" }[path] ?? path;
}

const money = (minor: number, shop: FormShop) => formatMoney(minor, shop.currency, shop.currencyDigits);
const pct = (bps: number) => `${bpsToPercentText(bps)}%`;
const GATEWAY_NAMES: Record<string, string> = { shopify_payments: "Shopify Payments", paypal: "PayPal" };

/** A stored version in words, as the hub and history tables show it. */
export function describeVersion<K extends ComponentKey>(component: K, version: ComponentVersions[K], shop: FormShop): string {
  const v = version as ComponentVersions[ComponentKey];
  switch (component) {
    case "defaultCogs":
      return `${pct((v as ComponentVersions["defaultCogs"]).percentOfPriceBps)} of list price (estimate)`;
    case "fulfilment": {
      const f = v as ComponentVersions["fulfilment"];
      return `${money(f.perOrder, shop)} per order + ${money(f.perItem, shop)} per item`;
    }
    case "shipping": {
      const s = v as ComponentVersions["shipping"];
      if (s.method === "flat_per_order") return `${money(s.perOrder, shop)} flat per order`;
      if (s.method === "percent_of_shipping_charged") return `${pct(s.percentBps)} of shipping charged`;
      const countries = Object.entries(s.byCountry).map(([code, amount]) => `${code} ${money(amount, shop)}`).join(", ");
      return `Per country: ${countries || "none"}; elsewhere ${money(s.fallback, shop)}`;
    }
    case "paymentFees": {
      const p = v as ComponentVersions["paymentFees"];
      const rate = (r: { percentBps: number; fixedPerOrder: number }) => `${pct(r.percentBps)} + ${money(r.fixedPerOrder, shop)}`;
      return [...p.gateways.map((g) => `${GATEWAY_NAMES[g.gateway] ?? g.gateway} ${rate(g)}`), `other gateways ${rate(p.fallback)}`].join("; ");
    }
    case "returns": {
      const r = v as ComponentVersions["returns"];
      return `${money(r.perReturn, shop)} per return + ${money(r.perReturnedItem, shop)} per item; reserve ${pct(r.expectedReturnRateBps)} for ${r.windowDays} days`;
    }
    case "service":
      return `${money((v as ComponentVersions["service"]).perContact, shop)} per support contact`;
  }
  return "";
}

/** Form values that show a stored version (or sensible blanks) for editing. */
export function formValues<K extends ComponentKey>(component: K, version: ComponentVersions[K] | undefined, shop: FormShop): Record<string, string> {
  const amount = (minor: number | undefined) => (minor === undefined ? "" : toDecimalString(minor, shop.currencyDigits));
  const v = version as Partial<ComponentVersions[ComponentKey]> | undefined;
  switch (component) {
    case "defaultCogs":
      return { percent: v ? bpsToPercentText((v as ComponentVersions["defaultCogs"]).percentOfPriceBps) : "" };
    case "fulfilment": {
      const f = v as ComponentVersions["fulfilment"] | undefined;
      return { perOrder: amount(f?.perOrder), perItem: amount(f?.perItem) };
    }
    case "shipping": {
      const s = v as ComponentVersions["shipping"] | undefined;
      return {
        method: s?.method ?? "flat_per_order",
        perOrder: s?.method === "flat_per_order" ? amount(s.perOrder) : "",
        byCountry: s?.method === "per_country" ? Object.entries(s.byCountry).map(([code, minor]) => `${code} ${amount(minor)}`).join("\n") : "",
        fallback: s?.method === "per_country" ? amount(s.fallback) : "",
        percent: s?.method === "percent_of_shipping_charged" ? bpsToPercentText(s.percentBps) : "",
      };
    }
    case "paymentFees": {
      const p = v as ComponentVersions["paymentFees"] | undefined;
      const rows = p?.gateways ?? [{ gateway: "shopify_payments", percentBps: 290, fixedPerOrder: 30 }, { gateway: "paypal", percentBps: 349, fixedPerOrder: 49 }];
      const out: Record<string, string> = {
        fallback_percent: p ? bpsToPercentText(p.fallback.percentBps) : "",
        fallback_fixed: p ? amount(p.fallback.fixedPerOrder) : "",
      };
      for (let i = 0; i < GATEWAY_ROWS; i++) {
        out[`gw${i}_name`] = rows[i]?.gateway ?? "";
        out[`gw${i}_percent`] = rows[i] && p ? bpsToPercentText(rows[i].percentBps) : "";
        out[`gw${i}_fixed`] = rows[i] && p ? amount(rows[i].fixedPerOrder) : "";
      }
      return out;
    }
    case "returns": {
      const r = v as ComponentVersions["returns"] | undefined;
      return { perReturn: amount(r?.perReturn), perReturnedItem: amount(r?.perReturnedItem), windowDays: r ? String(r.windowDays) : "30",
        returnRate: r ? bpsToPercentText(r.expectedReturnRateBps) : "" };
    }
    case "service":
      return { perContact: amount((v as ComponentVersions["service"] | undefined)?.perContact) };
  }
  return {};
}
