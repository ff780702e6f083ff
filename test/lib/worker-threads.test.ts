import { describe, expect, it } from "vitest";
import { workerExecArgv, workerScript } from "~/lib/worker-threads.server";

describe("workerExecArgv", () => {
  it("keeps the process's Node options but not those of an --eval main script", () => {
    expect(workerExecArgv(["--input-type=module", "-e", "await start()", "--max-old-space-size=4096"])).toEqual(["--max-old-space-size=4096"]);
    expect(workerExecArgv(["--import", "tsx", "--eval", "x()", "--enable-source-maps"])).toEqual(["--import", "tsx", "--enable-source-maps"]);
    expect(workerExecArgv(["--print=1", "--cpu-prof"])).toEqual(["--cpu-prof"]);
    expect(workerExecArgv([])).toEqual([]);
  });

  it("leaves out --max-semi-space-size=N, which a worker refuses (its heap is set by resourceLimits)", () => {
    expect(workerExecArgv(["--max-semi-space-size=64", "--import", "tsx", "--max-old-space-size=4096"])).toEqual(["--import", "tsx", "--max-old-space-size=4096"]);
  });
});

describe("workerScript", () => {
  it("starts the TypeScript module from source, and is null for a module that is not there", async () => {
    const script = workerScript(new URL("../../app/analytics/refresh.worker.ts", import.meta.url), "refresh");
    expect(script?.kind).toBe("source");
    expect(workerScript(new URL("./no-such.worker.ts", import.meta.url), "no-such")).toBeNull();
  });
});
