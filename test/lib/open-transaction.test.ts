/**
 * OpenTransaction: steps joining one transaction, with a fake `begin` standing in for
 * db.$transaction (it records what the transaction body did and whether it committed).
 */
import { describe, expect, it } from "vitest";
import { OpenTransaction } from "~/lib/open-transaction.server";

interface FakeTx { id: string; log: string[] }

function fakeBegin(outcome: { committed?: boolean; rolledBack?: unknown }) {
  return async (body: (tx: FakeTx) => Promise<void>) => {
    const tx = { id: "tx1", log: [] as string[] };
    try {
      await body(tx);
      outcome.committed = true;
    } catch (error) {
      outcome.rolledBack = error;
      throw error;
    }
    return tx.log;
  };
}

describe("OpenTransaction", () => {
  it("runs steps in order in the one transaction and commits them together", async () => {
    const outcome: { committed?: boolean } = {};
    const open = new OpenTransaction<FakeTx>(fakeBegin(outcome));
    const first = await open.run(async (tx) => { tx.log.push("a"); return `${tx.id}:a`; });
    // Joins later, after the first step already ran: same transaction.
    const second = await open.run(async (tx) => { tx.log.push("b"); return `${tx.id}:${tx.log.join("")}`; });
    expect([first, second]).toEqual(["tx1:a", "tx1:ab"]);
    expect(outcome.committed).toBeUndefined();
    await open.commit();
    expect(outcome.committed).toBe(true);
    await expect(open.run(async () => "late")).rejects.toThrow("committing");
  });

  it("a failing step rolls the transaction back: its run, the commit and later runs reject with its error", async () => {
    const outcome: { committed?: boolean; rolledBack?: unknown } = {};
    const open = new OpenTransaction<FakeTx>(fakeBegin(outcome));
    await open.run(async (tx) => void tx.log.push("a"));
    await expect(open.run(async () => { throw new Error("constraint failed"); })).rejects.toThrow("constraint failed");
    await expect(open.run(async () => "after")).rejects.toThrow("constraint failed");
    await expect(open.commit()).rejects.toThrow("constraint failed");
    expect(outcome.committed).toBeUndefined();
    expect((outcome.rolledBack as Error).message).toBe("constraint failed");
  });

  it("a transaction that cannot begin rejects the steps waiting for it", async () => {
    const open = new OpenTransaction<FakeTx>(() => Promise.reject(new Error("database is locked")));
    await expect(open.run(async () => "never")).rejects.toThrow("database is locked");
    await expect(open.commit()).rejects.toThrow("database is locked");
  });
});
