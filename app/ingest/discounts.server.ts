/**
 * Discounts, as read through the Admin GraphQL API (discounts/* webhooks only name the discount).
 * A read replaces the stored row only if its updatedAt is not older; a deleted discount stays deleted
 * (ids are not reused), so reads and deletes arriving in any order end in the same row.
 */
import { z } from "zod";
import type { Prisma } from "~/generated/prisma/client";
import { currencyDigits, parseMoney } from "~/domain/money/money";
import { PayloadError } from "~/domain/ledger/shopify-order";

type Tx = Prisma.TransactionClient;

const DISCOUNT_FIELDS = `
  __typename
  title
  status
  startsAt
  endsAt
  createdAt
  updatedAt`;
const CUSTOMER_GETS = `
  customerGets {
    value {
      __typename
      ... on DiscountPercentage { percentage }
      ... on DiscountAmount { amount { amount currencyCode } appliesOnEachItem }
      ... on DiscountOnQuantity { effect { __typename ... on DiscountPercentage { percentage } ... on DiscountAmount { amount { amount currencyCode } } } }
    }
  }`;
const CODES = `
  codesCount { count }
  codes(first: 250) { nodes { code } }`;

export const CODE_DISCOUNT_QUERY = `#graphql
  query CodeDiscountForLedger($id: ID!) {
    codeDiscountNode(id: $id) {
      id
      codeDiscount {
        ... on DiscountCodeBasic { ${DISCOUNT_FIELDS} ${CODES} ${CUSTOMER_GETS} }
        ... on DiscountCodeBxgy { ${DISCOUNT_FIELDS} ${CODES} ${CUSTOMER_GETS} }
        ... on DiscountCodeFreeShipping { ${DISCOUNT_FIELDS} ${CODES} }
        ... on DiscountCodeApp { ${DISCOUNT_FIELDS} ${CODES} }
      }
    }
  }`;

export const AUTOMATIC_DISCOUNT_QUERY = `#graphql
  query AutomaticDiscountForLedger($id: ID!) {
    automaticDiscountNode(id: $id) {
      id
      automaticDiscount {
        ... on DiscountAutomaticBasic { ${DISCOUNT_FIELDS} ${CUSTOMER_GETS} }
        ... on DiscountAutomaticBxgy { ${DISCOUNT_FIELDS} ${CUSTOMER_GETS} }
        ... on DiscountAutomaticFreeShipping { ${DISCOUNT_FIELDS} }
        ... on DiscountAutomaticApp { ${DISCOUNT_FIELDS} }
      }
    }
  }`;

const moneyV2 = z.object({ amount: z.string(), currencyCode: z.string() });
const value = z
  .object({
    __typename: z.string(),
    percentage: z.number().optional(),
    amount: moneyV2.optional(),
    effect: z.object({ __typename: z.string(), percentage: z.number().optional(), amount: moneyV2.optional() }).optional(),
  })
  .passthrough();
const discountSchema = z
  .object({
    __typename: z.string(),
    title: z.string(),
    status: z.string(),
    startsAt: z.string().nullish(),
    endsAt: z.string().nullish(),
    createdAt: z.string().nullish(),
    updatedAt: z.string().nullish(),
    codesCount: z.object({ count: z.number() }).nullish(),
    codes: z.object({ nodes: z.array(z.object({ code: z.string() })) }).nullish(),
    customerGets: z.object({ value: value.nullish() }).nullish(),
  })
  .passthrough();

export type DiscountRead = z.infer<typeof discountSchema>;

/** The discount object of a codeDiscountNode / automaticDiscountNode response, or null if it is gone. */
export function discountFromResponse(id: string, data: unknown): DiscountRead | null {
  const node = (data as Record<string, { codeDiscount?: unknown; automaticDiscount?: unknown } | null> | null)?.[
    isCodeDiscount(id) ? "codeDiscountNode" : "automaticDiscountNode"
  ];
  if (!node) return null;
  const raw = node.codeDiscount ?? node.automaticDiscount;
  if (!raw) return null;
  const parsed = discountSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PayloadError("Discount read failed validation", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return parsed.data;
}

export function isCodeDiscount(id: string): boolean {
  return id.startsWith("gid://shopify/DiscountCodeNode/");
}

export function discountQuery(id: string): string {
  return isCodeDiscount(id) ? CODE_DISCOUNT_QUERY : AUTOMATIC_DISCOUNT_QUERY;
}

interface DiscountValue {
  valueType: string | null;
  valuePercentage: string | null;
  valueAmount: bigint | null;
}

function discountValue(read: DiscountRead, shopCurrency: string): DiscountValue {
  if (read.__typename.endsWith("FreeShipping")) return { valueType: "free_shipping", valuePercentage: null, valueAmount: null };
  if (read.__typename.endsWith("App")) return { valueType: "app", valuePercentage: null, valueAmount: null };
  const v = read.customerGets?.value;
  const effect = v?.__typename === "DiscountOnQuantity" ? v.effect : v;
  const type = read.__typename.endsWith("Bxgy") ? "bxgy" : null;
  if (effect?.percentage !== undefined) {
    return { valueType: type ?? "percentage", valuePercentage: String(effect.percentage), valueAmount: null };
  }
  if (effect?.amount) {
    const digits = currencyDigits(shopCurrency);
    const amount = effect.amount.currencyCode === shopCurrency ? BigInt(parseMoney(effect.amount.amount, digits)) : null;
    return { valueType: type ?? "fixed_amount", valuePercentage: null, valueAmount: amount };
  }
  return { valueType: type, valuePercentage: null, valueAmount: null };
}

const date = (text: string | null | undefined) => (text ? new Date(text) : null);

/** Stores a discount read; returns whether the row changed (an older read or a deleted discount does not). */
export async function storeDiscount(tx: Tx, shopId: string, id: string, read: DiscountRead, shopCurrency: string): Promise<boolean> {
  const existing = await tx.discount.findUnique({ where: { shopId_id: { shopId, id } }, select: { deletedAt: true, sourceUpdatedAt: true } });
  const updatedAt = date(read.updatedAt);
  if (existing?.deletedAt) return false;
  if (existing?.sourceUpdatedAt && updatedAt && updatedAt < existing.sourceUpdatedAt) return false;
  const codes = (read.codes?.nodes ?? []).map((node) => node.code);
  const data = {
    title: read.title,
    method: isCodeDiscount(id) ? "code" : "automatic",
    discountType: read.__typename,
    codes: JSON.stringify(codes),
    codesCount: read.codesCount?.count ?? codes.length,
    ...discountValue(read, shopCurrency),
    status: read.status,
    startsAt: date(read.startsAt),
    endsAt: date(read.endsAt),
    sourceCreatedAt: date(read.createdAt),
    sourceUpdatedAt: updatedAt,
    fetchedAt: new Date(),
  };
  await tx.discount.upsert({ where: { shopId_id: { shopId, id } }, create: { shopId, id, ...data }, update: data });
  return true;
}

/** discounts/delete (or a read that finds the discount gone): the row is kept, marked deleted. */
export async function markDiscountDeleted(tx: Tx, shopId: string, id: string, deletedAt: Date, title = ""): Promise<void> {
  const existing = await tx.discount.findUnique({ where: { shopId_id: { shopId, id } }, select: { deletedAt: true } });
  if (existing?.deletedAt) return;
  if (existing) {
    await tx.discount.update({ where: { shopId_id: { shopId, id } }, data: { deletedAt } });
    return;
  }
  await tx.discount.create({
    data: {
      shopId,
      id,
      title,
      method: isCodeDiscount(id) ? "code" : "automatic",
      discountType: "unknown",
      status: "DELETED",
      deletedAt,
      fetchedAt: new Date(),
    },
  });
}
