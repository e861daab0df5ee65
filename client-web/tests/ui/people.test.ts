// The pure parts of the chair's people page: the roster file's e-mail column
// (numbered as the server numbers rows), the links CSV she downloads, the QR
// code of a link, and each person's status.
import { describe, expect, it } from "vitest";
import { StakeholderGroup } from "../../src/gen/kenes/v1/log_pb";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import { setLanguage } from "../../src/i18n";
import type { Participant, Registration } from "../../src/model";
import { csvField, emailsByRow, parseCsv, toCsv } from "../../src/ui/csv";
import { personStatus } from "../../src/ui/people-view";
import { qrModules } from "../../src/ui/qr";

describe("the roster file", () => {
  it("reads quoted fields, CRLF and blank lines as the server does", () => {
    expect(parseCsv('name,role\r\n"Gulnar, PhD",member\r\n\r\n"Say ""hi""",observer\n')).toEqual([
      ["name", "role"],
      ["Gulnar, PhD", "member"],
      ['Say "hi"', "observer"],
    ]);
  });

  it("finds each data row's e-mail by the row number the server gives its id", () => {
    const emails = emailsByRow("Name,Role,E-mail\nA,member,a@example.org\n\nB,member,\nC,observer, c@example.org \n");
    expect([...emails]).toEqual([
      [1, "a@example.org"],
      [3, "c@example.org"],
    ]);
    expect(emailsByRow("name,role\nA,member\n").size).toBe(0);
  });

  it("writes a links file a spreadsheet will not run", () => {
    expect(csvField("=HYPERLINK(1)")).toBe(`"'=HYPERLINK(1)"`);
    expect(csvField("Gulnar, PhD")).toBe('"Gulnar, PhD"');
    expect(toCsv([["a", 'b"c']])).toBe('a,"b""c"\r\n');
    expect(parseCsv(toCsv([["x, y", "z"]]))).toEqual([["x, y", "z"]]);
  });
});

describe("a link's QR code", () => {
  it("is a square with the three finder patterns in its corners", () => {
    const m = qrModules("https://kenes.example.org/join#token=v1.eyJjIjoiZGVtbyJ9.abc");
    const n = m.length;
    expect(n).toBeGreaterThanOrEqual(21);
    expect((n - 17) % 4).toBe(0);
    for (const row of m) expect(row.length).toBe(n);
    // A finder's ring: dark along the 7x7 border, light just inside it.
    for (const [r0, c0] of [
      [0, 0],
      [0, n - 7],
      [n - 7, 0],
    ] as const) {
      for (let i = 0; i < 7; i++) {
        expect(m[r0]![c0 + i]).toBe(true);
        expect(m[r0 + 6]![c0 + i]).toBe(true);
        expect(m[r0 + i]![c0]).toBe(true);
      }
      expect(m[r0 + 1]![c0 + 1]).toBe(false);
      expect(m[r0 + 3]![c0 + 3]).toBe(true);
    }
    expect(qrModules("another link")).not.toEqual(m);
  });
});

describe("a person's status", () => {
  const base: Participant = {
    id: "p",
    displayName: "Dana",
    role: Role.MEMBER,
    stakeholderGroup: StakeholderGroup.MEDIA,
    gender: "",
    profiled: true,
    revoked: false,
    joined: false,
    invitedBy: "chair",
    registrationId: "",
  };
  const regs = new Map<string, Registration>([["r-1", { id: "r-1", role: Role.MEMBER, expiresUnixMs: 0, cap: 5, label: "Workshop", closed: false, registered: 1 }]]);

  it("says who has not come yet, who has, who registered where, who was removed", () => {
    setLanguage("en");
    expect(personStatus(base, regs)).toBe("Invited, not come yet");
    expect(personStatus({ ...base, joined: true }, regs)).toBe("Joined");
    expect(personStatus({ ...base, joined: true, registrationId: "r-1" }, regs)).toBe("Registered (Workshop)");
    expect(personStatus({ ...base, revoked: true }, regs)).toBe("Removed");
  });
});
