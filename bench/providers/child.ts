/**
 * The protocol between bench/providers.bench.ts and its phase scripts: the parent starts
 * `node --import tsx bench/providers/<phase>.ts '<json arguments>'` with DATABASE_URL naming the phase's
 * database (the app's modules read it when imported, hence one process per provider and phase); the
 * phase prints its figures as one line `PROVIDERS_RESULT <json>` and exits. Other output is progress.
 */
export const RESULT_MARK = "PROVIDERS_RESULT ";

/** Runs a phase with the parent's arguments and prints its figures; exits (pools and workers may linger). */
export async function runPhase<Args>(phase: (args: Args, url: string) => Promise<object>): Promise<void> {
  try {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: run this through bench/providers.bench.ts");
    const figures = await phase(JSON.parse(process.argv[2] ?? "{}") as Args, url);
    console.log(RESULT_MARK + JSON.stringify(figures));
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
