/**
 * The PostgreSQL schema is derived from the SQLite one (prisma/schema.prisma, the one engineers edit), so
 * the two cannot drift: only the datasource provider and the generated client's folder differ. A schema's
 * provider is fixed in Prisma, hence two files. `npm run db:schema` writes it (scripts/db-schema.sh);
 * test/pg/schema-in-step.test.ts fails when the committed file is not what this derives.
 *
 *   tsx scripts/pg/schema.ts            writes prisma/postgresql/schema.prisma
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SQLITE_SCHEMA = "prisma/schema.prisma";
export const POSTGRES_SCHEMA = "prisma/postgresql/schema.prisma";

const HEADER = `// GENERATED from prisma/schema.prisma by scripts/pg/schema.ts (npm run db:schema): edit that file, not this.
// PostgreSQL variant: same models, its own migrations (prisma/postgresql/migrations) and client
// (app/generated/prisma-pg).
`;

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  const matches = text.match(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g"));
  if (matches?.length !== 1) throw new Error(`${SQLITE_SCHEMA}: expected exactly one ${what}, found ${matches?.length ?? 0}`);
  return text.replace(pattern, replacement);
}

/** The PostgreSQL schema text for a SQLite schema text. Throws if the SQLite schema has an unexpected shape. */
export function postgresSchemaFrom(sqlite: string): string {
  let text = replaceOnce(sqlite, /^(\s*provider\s*=\s*)"sqlite"/m, '$1"postgresql"', 'datasource provider "sqlite"');
  // The schema moves one folder down, so the relative output path gains a "../".
  text = replaceOnce(text, /^(\s*output\s*=\s*)"\.\.\/app\/generated\/prisma"/m, '$1"../../app/generated/prisma-pg"',
    'generator output "../app/generated/prisma"');
  // A line "// postgresql instead: X" replaces the line after it with X (an index SQLite can hold and
  // PostgreSQL cannot: a covering index over unbounded text).
  text = text.replace(/^([ \t]*)\/\/ postgresql instead: (.*)\n.*$/gm, "$1$2");
  return HEADER + "\n" + text;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function readSqliteSchema(): string {
  return readFileSync(path.join(root, SQLITE_SCHEMA), "utf8");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(path.join(root, POSTGRES_SCHEMA), postgresSchemaFrom(readSqliteSchema()));
  console.log(`schema: ${POSTGRES_SCHEMA} derived from ${SQLITE_SCHEMA}`);
}
