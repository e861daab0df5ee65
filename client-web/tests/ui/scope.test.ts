// The 'core plus selected' scope as the pages show it (issue 19): the
// overview's line, in each language with its plural, and the validation
// queues, which follow what the scope covers.
import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import { setLanguage } from "../../src/i18n";
import { ConsultationState } from "../../src/model";
import { scopeLine } from "../../src/ui/scope-form";
import { queueOf } from "../../src/ui/validation-bar";
import { demoFramework } from "../support/demo-framework";

let seq = 0;
function record(event: MessageInitShape<typeof LogRecordSchema>["event"]): LogRecord {
  return create(LogRecordSchema, { seq: BigInt(++seq), author: "chair", event });
}

function consultation(): ConsultationState {
  seq = 0;
  const st = new ConsultationState("client");
  st.fold(record({ case: "consultationCreated", value: { consultationId: "c", title: "C", framework: demoFramework, scope: Scope.ALL } }));
  return st;
}

function scoped(st: ConsultationState, scope: Scope, selectedIndicatorIds: string[] = []): void {
  st.fold(record({ case: "scopeChanged", value: { scope, selectedIndicatorIds } }));
}

afterEach(() => setLanguage("en"));

describe("the scope on the pages", () => {
  it("says what is covered, the selection counted in each language", () => {
    const st = consultation();
    expect(scopeLine(st)).toBe("All indicators are assessed.");
    scoped(st, Scope.CORE);
    expect(scopeLine(st)).toBe("Only core indicators are assessed.");
    scoped(st, Scope.CORE_PLUS_SELECTED, ["R.1.2"]);
    expect(scopeLine(st)).toBe("The core indicators and 1 other chosen by the chair are assessed.");
    scoped(st, Scope.CORE_PLUS_SELECTED, ["R.1.2", "A.1.2", "X.1.1", "C.1.1"]);
    expect(scopeLine(st)).toBe("The core indicators and 4 others chosen by the chair are assessed.");
    setLanguage("ru");
    expect(scopeLine(st)).toBe("Оцениваются основные индикаторы и ещё 4 индикатора, выбранных председателем.");
    scoped(st, Scope.CORE_PLUS_SELECTED, ["R.1.2"]);
    expect(scopeLine(st)).toBe("Оцениваются основные индикаторы и ещё 1 индикатор, выбранный председателем.");
    setLanguage("kk");
    expect(scopeLine(st)).toBe("Негізгі индикаторлар және төраға таңдаған тағы 1 индикатор бағаланады.");
  });

  it("queues for validation what the scope covers: 'every indicator in scope' is the core and the selected", () => {
    const st = consultation();
    scoped(st, Scope.CORE_PLUS_SELECTED, ["X.1.1", "R.1.2"]);
    expect(queueOf(st, "all", "", false)).toEqual(["R.1.1", "R.1.2", "R.2.1", "O.1.1", "A.1.1", "M.1.1", "X.1.1"]);
    expect(queueOf(st, "core", "", false)).toEqual(["R.1.1", "R.2.1", "O.1.1", "A.1.1", "M.1.1"]);
    expect(queueOf(st, "category", "X", false)).toEqual(["X.1.1"]);
    expect(queueOf(st, "category", "C", false)).toEqual([]);
  });
});
