import db from "~/db.server";

const key = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

/** A shop's ledger rows without the shop id and ingestion times, sorted, for comparing two shops. */
export async function ledgerDump(shopId: string) {
  const strip = <T extends Record<string, unknown>>(rows: T[]) =>
    rows.map(({ shopId: _s, ingestedAt: _i, firstSeen: _f, ...rest }) => rest).sort((a, b) => key(a).localeCompare(key(b)));
  return {
    orders: strip(await db.order.findMany({ where: { shopId } })),
    lines: strip(await db.orderLine.findMany({ where: { shopId } })),
    refunds: strip(await db.refund.findMany({ where: { shopId } })),
    refundLines: strip(await db.refundLine.findMany({ where: { shopId } })),
    customers: strip(await db.customer.findMany({ where: { shopId } })),
    transactions: strip(await db.orderTransaction.findMany({ where: { shopId } })),
  };
}
