/**
 * `npm run cli -- <command> [args]`: the app's command-line tools. Each command lives in
 * scripts/cli/<command>.ts and default-exports `run(args: string[]): Promise<number>` (the exit code).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "cli");
const commands = existsSync(dir)
  ? readdirSync(dir).filter((name) => name.endsWith(".ts") && !name.startsWith("_")).map((name) => name.replace(/\.ts$/, ""))
  : [];

const [command, ...args] = process.argv.slice(2);
if (!command || command === "help" || command === "--help" || !commands.includes(command)) {
  if (command && command !== "help" && command !== "--help") console.error(`Unknown command: ${command}\n`);
  console.error(`Usage: npm run cli -- <command> [args]\nCommands: ${commands.sort().join(", ") || "(none yet)"}`);
  process.exit(command && command !== "help" && command !== "--help" ? 2 : 0);
}
process.env.DATABASE_URL ??= "file:./prisma/dev.sqlite";
const module = (await import(pathToFileURL(path.join(dir, `${command}.ts`)).href)) as { default: (args: string[]) => Promise<number> };
process.exitCode = await module.default(args);
