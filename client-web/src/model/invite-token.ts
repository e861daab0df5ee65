// Invite tokens: "v1.<base64url JSON payload>.<base64url signature>". The
// browser cannot verify the signature (the server's secret never leaves the
// server; Welcome is the authority) but may read the payload to greet the
// person and to know which consultation a stored token belongs to.
//
// Payload fields used: c (consultation id), p (participant id), r (role:
// "chair" | "researcher" | "member" | "observer"), exp (unix seconds),
// n (display name), reg (a registration link's id: then p is empty, and n is
// the registration's label).

export interface InvitePayload {
  readonly consultationId: string;
  readonly participantId: string;
  readonly role: string;
  readonly expiresAt: number | undefined;
  readonly name: string;
  /** A registration link's id ("" for a personal invitation). */
  readonly registrationId: string;
}

function base64UrlDecode(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The payload of a token, or null if the token is not readable. */
export function readInvitePayload(token: string): InvitePayload | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "v1" || !parts[1]) return null;
  try {
    const json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base64UrlDecode(parts[1]))) as Record<string, unknown>;
    const registrationId = typeof json.reg === "string" ? json.reg : "";
    if (typeof json.c !== "string" || typeof json.p !== "string" || !json.c || (!json.p && !registrationId)) return null;
    return {
      consultationId: json.c,
      participantId: json.p,
      role: typeof json.r === "string" ? json.r : "",
      expiresAt: typeof json.exp === "number" ? json.exp : undefined,
      name: typeof json.n === "string" ? json.n : "",
      registrationId,
    };
  } catch {
    return null;
  }
}

/** The token from an invite link's fragment ("#token=..."), or null. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get("token");
  return token && token.length > 0 ? token : null;
}
