import { describe, expect, it } from "vitest";
import { readInvitePayload, tokenFromFragment } from "../../src/model";

function b64url(s: string): string {
  return Buffer.from(s, "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

describe("invite tokens", () => {
  it("reads the payload of a v1 token, with a Kazakh name", () => {
    const payload = { c: "kz-2025", p: "p-7", r: "member", exp: 1900000000, n: "Әсел Нұрланқызы" };
    const token = `v1.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
    expect(readInvitePayload(token)).toEqual({
      consultationId: "kz-2025",
      participantId: "p-7",
      role: "member",
      expiresAt: 1900000000,
      name: "Әсел Нұрланқызы",
      registrationId: "",
    });
  });
  it("reads a registration link's token, whose participant is the one who registers", () => {
    const payload = { c: "kz-2025", p: "", r: "member", exp: 1900000000, n: "Workshop, 12 March", reg: "r-abc12345" };
    const token = `v1.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
    expect(readInvitePayload(token)).toMatchObject({ consultationId: "kz-2025", participantId: "", name: "Workshop, 12 March", registrationId: "r-abc12345" });
    const nobody = { c: "kz-2025", p: "", r: "member", exp: 1900000000 };
    expect(readInvitePayload(`v1.${b64url(JSON.stringify(nobody))}.c2lnbmF0dXJl`)).toBeNull();
  });
  it("refuses tokens it cannot read", () => {
    expect(readInvitePayload("v2.abc.def")).toBeNull();
    expect(readInvitePayload("v1.!!!.x")).toBeNull();
    expect(readInvitePayload(`v1.${b64url('{"c":"x"}')}.s`)).toBeNull(); // no participant
    expect(readInvitePayload("garbage")).toBeNull();
  });
  it("takes the token from the link's fragment", () => {
    expect(tokenFromFragment("#token=v1.a.b")).toBe("v1.a.b");
    expect(tokenFromFragment("#other=1")).toBeNull();
    expect(tokenFromFragment("")).toBeNull();
  });
});
