/**
 * Starting a worker thread on one of the app's TypeScript modules, wherever the app runs:
 * - from source (tsx: the demo, the CLI, tests, benchmarks): the `.ts` module itself, loaded through
 *   tsx's loader, which the worker registers first (a worker does not inherit the --import hooks);
 * - from the production build: the same module bundled by scripts/build-workers.mjs into
 *   `build/workers/<name>.mjs` (the server bundle holds no `.ts` files to point a worker at).
 * `workerScript` is null where neither is there: the caller then works in its own thread.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

export interface WorkerScript {
  /** "source": the TypeScript module through tsx; "bundle": the built script. */
  readonly kind: "source" | "bundle";
  start(options?: WorkerOptions): Worker;
}

/** tsx's loader API (its ESM entry: the CommonJS one cannot register hooks), or null without tsx. */
function tsxLoaderApi(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve("tsx/esm/api").replace(/index\.cjs$/, "index.mjs");
    return existsSync(entry) ? pathToFileURL(entry).href : null;
  } catch {
    return null;
  }
}

const exists = (url: URL) => url.protocol === "file:" && existsSync(fileURLToPath(url));

/**
 * The process's Node options for a worker (which inherits them by default), without those that only
 * make sense for the main script: a process started with `node --input-type=module -e <code>` (as the
 * benchmarks start the server) would otherwise fail every worker with ERR_INPUT_TYPE_NOT_ALLOWED; nor
 * --max-semi-space-size, which a worker refuses (ERR_WORKER_INVALID_EXEC_ARGV: its heap is set by
 * `resourceLimits`).
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-e" || arg === "--eval" || arg === "-p" || arg === "--print") i++; // and its code
    else if (!/^(--input-type|--eval|--print|--max-semi-space-size)(=|$)/.test(arg)) kept.push(arg);
  }
  return kept;
}

/**
 * The worker for `source` (the module's own URL, `new URL("./x.worker.ts", import.meta.url)`) or its
 * bundle `name` (build/workers/<name>.mjs beside the server build, which may sit one level down in a
 * chunk directory), or null.
 */
export function workerScript(source: URL, name: string): WorkerScript | null {
  const api = exists(source) ? tsxLoaderApi() : null;
  if (api) {
    const bootstrap = `import(${JSON.stringify(api)})
      .then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`;
    return { kind: "source", start: (options = {}) => new Worker(bootstrap, { execArgv: workerExecArgv(), ...options, eval: true }) };
  }
  for (const candidate of [`../workers/${name}.mjs`, `../../workers/${name}.mjs`]) {
    const bundle = new URL(candidate, import.meta.url);
    if (exists(bundle)) return { kind: "bundle", start: (options = {}) => new Worker(bundle, { execArgv: workerExecArgv(), ...options }) };
  }
  return null;
}
