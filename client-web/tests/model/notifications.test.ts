import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { ConsultationState, DigestPeriod } from "../../src/model";

let seq = 0;
function rec(init: Parameters<typeof create<typeof LogRecordSchema>>[1]): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), ...init });
}

describe("ConsultationState: one's own e-mail digest settings", () => {
  it("starts off, then follows one's latest settings and digest, ignoring anyone else's", () => {
    const s = new ConsultationState("web-1");
    s.myId = "aigerim";
    expect(s.notifications.period).toBe(DigestPeriod.OFF);
    expect(s.notifications.email).toBe("");

    const mine = rec({ author: "aigerim", event: { case: "notificationSettingsSet", value: { email: "a@example.kz", period: DigestPeriod.DAILY } } });
    expect(s.fold(mine).kind).toBe("notifications");
    // Not normally sent to us; if it were, it must not become our settings.
    s.fold(rec({ author: "bolat", event: { case: "notificationSettingsSet", value: { email: "b@example.kz", period: DigestPeriod.HOURLY } } }));
    expect(s.notifications.email).toBe("a@example.kz");
    expect(s.notifications.period).toBe(DigestPeriod.DAILY);

    s.fold(rec({ author: "", timeUnixMs: 1_796_000_000_000n, event: { case: "digestSent", value: { participantId: "aigerim", upToSeq: 2n, items: 3 } } }));
    expect(s.notifications.lastDigestItems).toBe(3);
    expect(s.notifications.lastDigestUnixMs).toBe(1_796_000_000_000);

    s.fold(rec({ author: "aigerim", event: { case: "notificationSettingsSet", value: { email: "", period: DigestPeriod.OFF } } }));
    expect(s.notifications.period).toBe(DigestPeriod.OFF);
    expect(s.notifications.email).toBe("");
  });
});
