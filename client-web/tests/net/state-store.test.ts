// One conformance suite, run against each StateStore implementation.
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { IndexedDbStateStore, MemoryStateStore, type StateStore } from "../../src/net";

const backends: { name: string; newShared(): unknown; open(shared: unknown): StateStore }[] = [
  { name: "memory", newShared: () => new Map(), open: (m) => new MemoryStateStore(m as Map<string, never>) },
  { name: "IndexedDB", newShared: () => new IDBFactory(), open: (idb) => new IndexedDbStateStore(idb as IDBFactory, IDBKeyRange) },
];

const f = (...bytes: number[]) => new Uint8Array(bytes);

for (const b of backends) {
  describe(`StateStore (${b.name})`, () => {
    it("keeps frames in order across reopening, and reset starts the list again", async () => {
      const shared = b.newShared();
      const s = b.open(shared);
      expect(await s.load("c1")).toEqual({ frames: [], savedAtUnixMs: 0 });
      await s.reset("c1", [f(1), f(2)], 100);
      await s.append("c1", [f(3)], 200);
      await s.append("c1", [f(4), f(5)], 300);
      await s.append("c2", [f(9)], 400); // another tab's list
      const again = b.open(shared);
      expect(await again.load("c1")).toEqual({ frames: [f(1), f(2), f(3), f(4), f(5)], savedAtUnixMs: 300 });
      await again.append("c1", [f(6)], 500); // appends after what it did not write itself
      await again.reset("c1", [f(7)], 600);
      await again.append("c1", [f(8)], 700);
      expect(await b.open(shared).load("c1")).toEqual({ frames: [f(7), f(8)], savedAtUnixMs: 700 });
      expect((await b.open(shared).load("c2")).frames).toEqual([f(9)]);
      await again.clear("c1");
      expect(await b.open(shared).load("c1")).toEqual({ frames: [], savedAtUnixMs: 0 });
    });

    it("appends to a list it never loaded in this page", async () => {
      const shared = b.newShared();
      await b.open(shared).reset("c", [f(1)], 1);
      const other = b.open(shared);
      await other.append("c", [f(2)], 2);
      expect((await b.open(shared).load("c")).frames).toEqual([f(1), f(2)]);
    });
  });
}
