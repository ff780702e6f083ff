import db from "~/db.server";

/** Empties every table of the worker's database (tests in one file share it). */
export async function resetDb(): Promise<void> {
  const { Prisma } = await import("~/generated/prisma/client");
  // Every model, so a table added later is emptied too.
  await db.$transaction(
    Object.values(Prisma.ModelName).map((model) => db.$executeRawUnsafe(`DELETE FROM "${model}"`)),
  );
}

/** Row counts of every model the Prisma client knows, for one shop (or all shops). */
export async function rowCounts(shop?: string): Promise<Record<string, number>> {
  const { Prisma } = await import("~/generated/prisma/client");
  const counts: Record<string, number> = {};
  for (const model of Object.values(Prisma.ModelName)) {
    const key = model.charAt(0).toLowerCase() + model.slice(1);
    const delegate = (db as unknown as Record<string, { count: (args?: object) => Promise<number> }>)[key];
    const where =
      shop === undefined ? undefined : model === "Session" ? { shop } : model === "Shop" ? { id: shop } : { shopId: shop };
    counts[model] = await delegate.count(where ? { where } : undefined);
  }
  return counts;
}
