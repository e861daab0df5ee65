import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { FrameworkSchema, Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema, StakeholderGroup } from "../../src/gen/kenes/v1/log_pb";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import { JoinStateSchema } from "../../src/gen/kenes/v1/state_pb";
import { ConsultationState, IndicatorStatus, canEditDrafts, indicatorDocId, textOpToWire } from "../../src/model";

let seq = 0;
function rec(init: Parameters<typeof create<typeof LogRecordSchema>>[1]): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), ...init });
}

const framework = create(FrameworkSchema, {
  edition: "ROAM-X test",
  categories: [
    {
      id: "R",
      title: "Rights",
      themes: [
        {
          id: "R.A",
          title: "Policy",
          questions: [
            {
              id: "R.1",
              title: "Is there a legal framework?",
              indicators: [
                { id: "R.1.1", title: "Law exists", core: true },
                { id: "R.1.2", title: "Law applied", core: false },
                { id: "R.1.3", title: "Courts apply it", core: false },
              ],
            },
          ],
        },
      ],
    },
  ],
});

describe("ConsultationState: the log folded", () => {
  it("reads title, framework, roster and drafts from the records", () => {
    seq = 0;
    const s = new ConsultationState("me");
    s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "kz", title: "Қазақстан", framework, scope: Scope.CORE } } }));
    s.fold(rec({ event: { case: "participantInvited", value: { participantId: "p1", displayName: "Dana", role: Role.MEMBER } } }));
    s.fold(rec({ author: "p1", event: { case: "profileUpdated", value: { displayName: "Дана", stakeholderGroup: StakeholderGroup.MEDIA, gender: "" } } }));
    s.fold(
      rec({
        author: "p2",
        clientId: "c2",
        clientSeq: 1n,
        event: { case: "textEdit", value: { docId: indicatorDocId("R.1.1"), version: 1n, op: textOpToWire(["Заң бар 👍"]) } },
      }),
    );
    expect(s.title).toBe("Қазақстан");
    expect(s.indicators().map((i) => i.id)).toEqual(["R.1.1"]); // core scope
    expect(s.participants.get("p1")).toMatchObject({ displayName: "Дана", role: Role.MEMBER, profiled: true, stakeholderGroup: StakeholderGroup.MEDIA });
    expect(s.doc("indicator/R.1.1").text).toBe("Заң бар 👍");
    expect(s.indicatorSummary(s.indicators()[0]!)).toMatchObject({ draftStarted: true, draftVersion: 1, status: IndicatorStatus.NOT_STARTED, changedSinceValidation: false });
  });

  it("ignores records it has folded already (a resume may repeat them)", () => {
    seq = 0;
    const s = new ConsultationState("me");
    const edit = rec({ clientId: "c", clientSeq: 1n, event: { case: "textEdit", value: { docId: "d", version: 1n, op: textOpToWire(["x"]) } } });
    expect(s.fold(edit).kind).toBe("text");
    expect(s.fold(edit).kind).toBe("ignored");
    expect(s.doc("d").text).toBe("x");
  });

  it("keeps a name already known and a revocation through a later invite, as the server does", () => {
    seq = 0;
    const s = new ConsultationState("me");
    s.fold(rec({ author: "p1", event: { case: "profileUpdated", value: { displayName: "Дана", stakeholderGroup: StakeholderGroup.MEDIA, gender: "" } } }));
    s.fold(rec({ event: { case: "participantRevoked", value: { participantId: "p1", reason: "left" } } }));
    s.fold(rec({ event: { case: "participantInvited", value: { participantId: "p1", displayName: "Dana", role: Role.MEMBER } } }));
    expect(s.participants.get("p1")).toMatchObject({ displayName: "Дана", role: Role.MEMBER, revoked: true });
  });

  it("goes back to the scope it was created with when a change names no scope", () => {
    seq = 0;
    const s = new ConsultationState("me");
    s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "kz", title: "T", framework, scope: Scope.CORE } } }));
    s.fold(rec({ event: { case: "scopeChanged", value: { scope: Scope.ALL } } }));
    expect(s.scope).toBe(Scope.ALL);
    s.fold(rec({ event: { case: "scopeChanged", value: { scope: Scope.UNSPECIFIED } } }));
    expect(s.scope).toBe(Scope.CORE);
  });

  it("covers the core indicators plus the selected ones (issue 19), from the creation, a change or a join state", () => {
    seq = 0;
    const ids = (s: ConsultationState) => s.indicators().map((i) => i.id);
    const s = new ConsultationState("me");
    s.fold(rec({ event: { case: "consultationCreated", value: { consultationId: "kz", title: "T", framework, scope: Scope.CORE_PLUS_SELECTED, selectedIndicatorIds: ["R.1.3"] } } }));
    expect(ids(s)).toEqual(["R.1.1", "R.1.3"]);
    s.fold(rec({ event: { case: "scopeChanged", value: { scope: Scope.CORE_PLUS_SELECTED, selectedIndicatorIds: ["R.1.2"] } } }));
    expect(ids(s)).toEqual(["R.1.1", "R.1.2"]);
    expect(s.findIndicator("R.1.3")).toBeUndefined();
    // A selection belongs to its record: core alone drops it, and a
    // withdrawn change brings back the creation's.
    s.fold(rec({ event: { case: "scopeChanged", value: { scope: Scope.CORE } } }));
    expect(ids(s)).toEqual(["R.1.1"]);
    expect(s.scopeSelected.size).toBe(0);
    s.fold(rec({ event: { case: "scopeChanged", value: { scope: Scope.UNSPECIFIED } } }));
    expect(ids(s)).toEqual(["R.1.1", "R.1.3"]);

    const joined = new ConsultationState("me");
    joined.loadJoinState(
      create(JoinStateSchema, {
        state: {
          seq: 4n,
          created: { consultationId: "kz", title: "T", framework, scope: Scope.ALL },
          scopeOverride: Scope.CORE_PLUS_SELECTED,
          scopeOverrideSelected: ["R.1.3"],
        },
        own: {},
      }),
    );
    expect(ids(joined)).toEqual(["R.1.1", "R.1.3"]);
    expect(joined.inScope(framework.categories[0]!.themes[0]!.questions[0]!.indicators[1]!)).toBe(false);
  });

  it("lets only the chair and researchers edit drafts", () => {
    expect([Role.CHAIR, Role.RESEARCHER, Role.MEMBER, Role.OBSERVER].map(canEditDrafts)).toEqual([true, true, false, false]);
  });
});
