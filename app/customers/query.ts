/**
 * What support staff type into the Customers page's search, and the customer id of the API route:
 * - "#1001" (an order name): that order's customer;
 * - "gid://shopify/Customer/123" or "123" (digits): that customer (digits that are no customer of the
 *   shop are then tried as the order name "#123");
 * - "gid://shopify/Order/123": that order's customer;
 * - anything else (a name, an email): a search on protected customer data, which the app does not
 *   have (it requests no name, email, phone or address), so it is refused with that reason.
 */
export type CustomerQuery =
  | { kind: "customer"; customerId: string; orderNameFallback: string | null }
  | { kind: "order_name"; name: string }
  | { kind: "order_id"; orderId: string }
  | { kind: "protected"; text: string }
  | { kind: "empty" };

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/;
const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d{1,20})$/;

export function parseCustomerQuery(input: string | null | undefined): CustomerQuery {
  const text = (input ?? "").trim();
  if (text === "") return { kind: "empty" };
  const customer = CUSTOMER_GID.exec(text);
  if (customer) return { kind: "customer", customerId: text, orderNameFallback: null };
  if (ORDER_GID.test(text)) return { kind: "order_id", orderId: text };
  if (/^\d{1,20}$/.test(text)) return { kind: "customer", customerId: `gid://shopify/Customer/${text}`, orderNameFallback: `#${text}` };
  if (/^#\S{1,60}$/.test(text)) return { kind: "order_name", name: text };
  return { kind: "protected", text };
}

/**
 * The customer id of the API route's `:customerId` segment (URL-encoded GID or numeric id), or null.
 * Remix decodes the segment but keeps encoded slashes as %2F, so those are decoded here.
 */
export function customerIdParam(param: string | undefined): string | null {
  if (!param) return null;
  let text = param;
  try {
    text = decodeURIComponent(param.replace(/%2F/gi, "/"));
  } catch {
    return null;
  }
  if (CUSTOMER_GID.test(text)) return text;
  if (/^\d{1,20}$/.test(text)) return `gid://shopify/Customer/${text}`;
  return null;
}
