/**
 * Service contacts (support tickets, calls) and their attribution to orders, for stores that want the
 * service burden in the margin. A contact names an order (by its name, "#1001") or a customer (GID):
 * - by order name: that order;
 * - by customer: the customer's latest non-cancelled order placed at or before the contact, or, for a
 *   contact before their first order, that first order.
 * Each contact then costs the service cost per contact in force at that order's processedAt.
 * Contacts are replaced by each import (the file is the full list for the dates it covers).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { chunk, insertRows } from "~/lib/chunks";
import { bumpCostVersion, type Tx } from "./settings.server";

export interface ServiceContactInput {
  customerId: string | null;
  orderName: string | null;
  contactedAt: Date;
}

/** Appends contacts inside the caller's transaction, resolving order names to order ids where known. */
export async function writeServiceContacts(tx: Tx, shopId: string, contacts: ServiceContactInput[], source: "csv" | "manual"): Promise<void> {
  const names = [...new Set(contacts.flatMap((contact) => (contact.orderName ? [contact.orderName] : [])))];
  const orders = new Map<string, { id: string; customerId: string | null }>();
  for (const part of chunk(names, 900)) {
    for (const row of await tx.order.findMany({ where: { shopId, name: { in: part } }, select: { id: true, name: true, customerId: true } })) {
      orders.set(row.name, row);
    }
  }
  const now = new Date();
  await insertRows(tx, "ServiceContact", contacts.map((contact) => {
    const order = contact.orderName ? orders.get(contact.orderName) : undefined;
    return {
      shopId, id: randomUUID(), customerId: contact.customerId ?? order?.customerId ?? null, orderName: contact.orderName,
      orderId: order?.id ?? null, contactedAt: contact.contactedAt, source, createdAt: now,
    };
  }));
}

/** Replaces every contact of the shop with `contacts` and bumps the cost version. */
export async function replaceServiceContacts(db: Db, shopId: string, contacts: ServiceContactInput[], source: "csv" | "manual" = "csv"): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.serviceContact.deleteMany({ where: { shopId } });
    await writeServiceContacts(tx, shopId, contacts, source);
    return bumpCostVersion(tx, shopId);
  }, { timeout: 120_000 });
}

/** Contacts attributed to each order (order id -> number of contacts), for every contact of the shop. */
export async function serviceContactsByOrder(db: Pick<Db, "$queryRaw">, shopId: string): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ orderId: string | null }[]>(Prisma.sql`
    SELECT COALESCE(c."orderId",
      (SELECT o."id" FROM "Order" o WHERE o."shopId" = c."shopId" AND c."orderName" IS NOT NULL AND o."name" = c."orderName"
        ORDER BY o."id" LIMIT 1),
      (SELECT o."id" FROM "Order" o WHERE o."shopId" = c."shopId" AND o."customerId" = c."customerId" AND o."cancelledAt" IS NULL
        AND o."processedAt" <= c."contactedAt" ORDER BY o."processedAt" DESC, o."id" DESC LIMIT 1),
      (SELECT o."id" FROM "Order" o WHERE o."shopId" = c."shopId" AND o."customerId" = c."customerId" AND o."cancelledAt" IS NULL
        ORDER BY o."processedAt" ASC, o."id" ASC LIMIT 1)
    ) AS "orderId"
    FROM "ServiceContact" c WHERE c."shopId" = ${shopId}`);
  const counts = new Map<string, number>();
  for (const row of rows) if (row.orderId) counts.set(row.orderId, (counts.get(row.orderId) ?? 0) + 1);
  return counts;
}

export interface ServiceContactSummary {
  contacts: number;
  unattributed: number;
  first: Date | null;
  last: Date | null;
}

export async function serviceContactSummary(db: Db, shopId: string): Promise<ServiceContactSummary> {
  const [aggregate, attributed] = await Promise.all([
    db.serviceContact.aggregate({ where: { shopId }, _count: { _all: true }, _min: { contactedAt: true }, _max: { contactedAt: true } }),
    serviceContactsByOrder(db, shopId),
  ]);
  const contacts = aggregate._count._all;
  const matched = [...attributed.values()].reduce((sum, n) => sum + n, 0);
  return { contacts, unattributed: contacts - matched, first: aggregate._min.contactedAt, last: aggregate._max.contactedAt };
}

export async function allServiceContacts(db: Db, shopId: string) {
  return db.serviceContact.findMany({ where: { shopId }, orderBy: [{ contactedAt: "asc" }, { id: "asc" }] });
}
