import { describe, expect, it } from "vitest";
import { DISTINCT_COLORS, participantColor } from "../../src/ui/colors";

describe("participant colours", () => {
  it("gives the first ten people ten different colours, and each the same one every time", () => {
    const ids = ["chair", "r1", "r2", "m1", "m2", "m3", "m4", "o1", "demo-chair", "demo-member"];
    expect(ids.length).toBe(DISTINCT_COLORS);
    const colours = ids.map((id) => participantColor(id));
    expect(new Set(colours).size).toBe(ids.length);
    expect(ids.map((id) => participantColor(id))).toEqual(colours);
    // The eleventh shares with one person only, and keeps it.
    const eleventh = participantColor("eleventh");
    expect(colours.filter((c) => c === eleventh)).toHaveLength(1);
    expect(participantColor("eleventh")).toBe(eleventh);
  });
});
