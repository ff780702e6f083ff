/** The cost components other than per-variant COGS, their engine types and labels (client-safe). */
import type {
  DefaultCogs, FulfilmentCost, PaymentFees, ReturnsPolicy, ServiceCost, ShippingCost,
} from "~/domain/economics/cost-config";

export interface ComponentVersions {
  defaultCogs: DefaultCogs;
  fulfilment: FulfilmentCost;
  shipping: ShippingCost;
  paymentFees: PaymentFees;
  returns: ReturnsPolicy;
  service: ServiceCost;
}

export type ComponentKey = keyof ComponentVersions;

export const COMPONENT_KEYS: readonly ComponentKey[] = ["defaultCogs", "fulfilment", "shipping", "paymentFees", "returns", "service"];

export const COMPONENT_LABELS: Record<ComponentKey, string> = {
  defaultCogs: "Default COGS % (estimate)",
  fulfilment: "Fulfilment",
  shipping: "Shipping cost",
  paymentFees: "Payment fees",
  returns: "Returns",
  service: "Service cost",
};
