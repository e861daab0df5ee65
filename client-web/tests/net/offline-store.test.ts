// One conformance suite, run against each OfflineStore implementation.
import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import type { DocSnapshot } from "../../src/core";
import { IndexedDbOfflineStore, MemoryDatabase, MemoryOfflineStore, type OfflineStore } from "../../src/net";

interface Backend {
  name: string;
  /** A store as a fresh page would open it; `shared` is the browser's data. */
  open(shared: unknown): OfflineStore;
  newShared(): unknown;
}

const backends: Backend[] = [
  { name: "memory", newShared: () => new MemoryDatabase(), open: (db) => new MemoryOfflineStore(db as MemoryDatabase) },
  {
    name: "IndexedDB",
    newShared: () => new IDBFactory(),
    // No Web Locks in Node: identities are held per JS realm instead.
    open: (idb) => new IndexedDbOfflineStore({ idb: idb as IDBFactory, locks: undefined, leases: undefined }),
  },
];

const snapshot: DocSnapshot = {
  docId: "indicator/R.1.1",
  version: 3,
  inFlight: { op: [2, "Қазақ 👍", { d: 1 }], clientSeq: 7, edits: 2 },
  pending: ["Привет"],
  pendingEdits: 1,
};

for (const b of backends) {
  describe(`OfflineStore conformance: ${b.name}`, () => {
    it("creates a client identity starting at client_seq 1", async () => {
      const store = b.open(b.newShared());
      const c = await store.claimClient("demo/p1");
      expect(c.nextClientSeq).toBe(1);
      expect(c.clientId).toMatch(/.{8,}/);
      store.release?.(c.clientId);
    });

    it("gives a reloaded page the same identity, its next seq and its unsent work", async () => {
      const shared = b.newShared();
      const before = b.open(shared);
      const c = await before.claimClient("demo/p1");
      c.nextClientSeq = 8;
      await before.saveClient(c);
      await before.saveDoc(c.clientId, snapshot);
      before.release?.(c.clientId);

      const after = b.open(shared);
      const again = await after.claimClient("demo/p1");
      expect(again).toEqual({ clientId: c.clientId, owner: "demo/p1", nextClientSeq: 8 });
      expect(await after.loadDocs(again.clientId)).toEqual([snapshot]);
      after.release?.(again.clientId);
    });

    it("never hands one identity to two live pages", async () => {
      const shared = b.newShared();
      const one = await b.open(shared).claimClient("demo/p1");
      const two = await b.open(shared).claimClient("demo/p1");
      expect(two.clientId).not.toBe(one.clientId);
    });

    it("keeps identities of different participants apart", async () => {
      const shared = b.newShared();
      const s = b.open(shared);
      const a = await s.claimClient("demo/chair");
      s.release?.(a.clientId);
      const m = await b.open(shared).claimClient("demo/member");
      expect(m.clientId).not.toBe(a.clientId);
    });

    it("replaces and deletes a document's unsent work", async () => {
      const s = b.open(b.newShared());
      const c = await s.claimClient("demo/p1");
      await s.saveDoc(c.clientId, snapshot);
      await s.saveDoc(c.clientId, { ...snapshot, version: 4 });
      await s.saveDoc(c.clientId, { ...snapshot, docId: "indicator/O.1.1" });
      expect((await s.loadDocs(c.clientId)).map((d) => [d.docId, d.version]).sort()).toEqual([
        ["indicator/O.1.1", 3],
        ["indicator/R.1.1", 4],
      ]);
      await s.deleteDoc(c.clientId, "indicator/R.1.1");
      expect((await s.loadDocs(c.clientId)).map((d) => d.docId)).toEqual(["indicator/O.1.1"]);
      s.release?.(c.clientId);
    });
  });
}

describe("IndexedDbOfflineStore without Web Locks (plain http)", () => {
  function leaseStorage() {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    };
  }
  // Each simulated tab has its own page state (held) but shares the browser's
  // IndexedDB and localStorage.
  const tab = (idb: IDBFactory, leases: ReturnType<typeof leaseStorage>) =>
    new IndexedDbOfflineStore({ idb, locks: undefined, leases, held: new Set() });

  it("keeps a live tab's identity from a second tab through a renewed lease", async () => {
    const idb = new IDBFactory();
    const leases = leaseStorage();
    const a = tab(idb, leases);
    const one = await a.claimClient("demo/p1");
    const two = await tab(idb, leases).claimClient("demo/p1");
    expect(two.clientId).not.toBe(one.clientId);
    a.release(one.clientId);
  });

  it("hands a closed tab's identity to the next tab", async () => {
    const idb = new IDBFactory();
    const leases = leaseStorage();
    const a = tab(idb, leases);
    const one = await a.claimClient("demo/p1");
    a.release(one.clientId);
    const again = tab(idb, leases);
    expect((await again.claimClient("demo/p1")).clientId).toBe(one.clientId);
    again.release(one.clientId);
  });

  it("takes over the identity of a tab that died without letting go, once its lease is stale", async () => {
    const idb = new IDBFactory();
    const leases = leaseStorage();
    const dead = tab(idb, leases);
    const one = await dead.claimClient("demo/p1");
    // The tab crashed: its lease stopped being renewed ten seconds ago.
    leases.setItem(`kenes.lease.${one.clientId}`, JSON.stringify({ owner: "gone", at: Date.now() - 10_000 }));
    dead.release(one.clientId); // only stops its timer here: the lease is not its own any more
    const next = tab(idb, leases);
    expect((await next.claimClient("demo/p1")).clientId).toBe(one.clientId);
    next.release(one.clientId);
  });
});

