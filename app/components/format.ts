/** Display helpers shared by pages: money in the shop currency, dates in the shop's time zone. */
import { formatMoney } from "~/domain/money/money";

export interface CurrencyInfo {
  currency: string;
  currencyDigits: number;
}

export function money(minor: number, shop: CurrencyInfo): string {
  return formatMoney(minor, shop.currency, shop.currencyDigits);
}

export function percent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function count(value: number): string {
  return new Intl.NumberFormat("en-US").format(value);
}

export function dateInZone(iso: string, timeZone: string, withTime = false): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    ...(withTime ? { hour: "numeric", minute: "2-digit", timeZoneName: "short" } : {}),
  }).format(new Date(iso));
}
