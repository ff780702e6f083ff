/**
 * The driver adapter `prisma migrate deploy` uses on PostgreSQL (prisma.config.ts). Prisma 6.19's JS
 * schema engine reads PostgreSQL's catalogs, whose columns are of the internal `name` type (OID 19),
 * which @prisma/adapter-pg cannot map ("Column type 'name' could not be deserialized"; see
 * ../shared/GUIDE.md section 2). A `name` is text on the wire, so this pool reports OID 19 as text
 * (OID 25) for `pool.query` and for the clients `pool.connect()` hands out. The app's own client does
 * not need this (app/db.server.ts uses a plain pool).
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const NAME_OID = 19;
const TEXT_OID = 25;

type Fields = { fields?: { dataTypeID: number }[] };

function nameAsText<T>(result: T): T {
  for (const part of (Array.isArray(result) ? result : [result]) as Fields[]) {
    for (const field of part?.fields ?? []) if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  }
  return result;
}

const patched = Symbol("nameAsText");

function patchClient(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [patched]?: true };
  if (marked[patched]) return client;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const out = query(...args);
    return out instanceof Promise ? out.then(nameAsText) : out;
  };
  marked[patched] = true;
  return client;
}

export class NameAsTextPool extends pg.Pool {
  // Only the promise forms are used by the adapter; callback forms pass through untouched.
  override query(...args: unknown[]): never {
    const out = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    return (out instanceof Promise ? out.then(nameAsText) : out) as never;
  }

  override connect(...args: unknown[]): never {
    if (typeof args[0] === "function") return (super.connect as (...a: unknown[]) => unknown).apply(this, args) as never;
    return super.connect().then(patchClient) as never;
  }
}

export function migrationAdapter(url: string): PrismaPg {
  return new PrismaPg(new NameAsTextPool({ connectionString: url, max: 2 }));
}
