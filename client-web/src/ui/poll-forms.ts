// The chair's "new poll" form and a voter's ballot form. Both only send a
// request; what happens is what the server logs (and, when refused, its
// reason is shown next to the form).
import { create } from "@bufbuild/protobuf";
import { FractionSchema, PollDefinitionSchema, PollKind, RankingMethod } from "../gen/kenes/v1/assessment_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import { t } from "../i18n";
import type { PollState } from "../model";
import { h } from "./dom";
import { roleName } from "./labels";
import { optionLabels } from "./poll-chart";
import type { Answered, ViewContext } from "./view";

/** The agreement poll's "agree with reservations" (engine/poll.h, AgreementChoice). */
const AGREE_WITH_RESERVATIONS = 1;

let formSeq = 0;

export interface PollTarget {
  readonly indicatorId: string;
  readonly version: number;
}

/** The chair's form. `target`: the indicator on screen, for a validation poll. */
/** `target()`: the indicator on screen at its current draft version, read when the form is sent. */
export function createPollForm(ctx: ViewContext, target: (() => PollTarget) | undefined, answered: Answered): HTMLFormElement {
  const id = `poll-form-${++formSeq}`;
  const f = (n: string) => `${id}-${n}`;
  const kind = h(
    "select",
    { id: f("kind"), name: "kind" },
    [PollKind.AGREEMENT, PollKind.SINGLE_CHOICE, PollKind.MULTIPLE_CHOICE, PollKind.RANKING].map((k) =>
      h("option", { value: String(k) }, t(`poll.kind.${k}` as "poll.kind.1")),
    ),
  );
  const question = h("textarea", { id: f("question"), name: "question", rows: 2, required: true });
  const questionLabel = h("label", { for: f("question") }, t("poll.statement"));
  const options = h("textarea", { id: f("options"), name: "options", rows: 3 });
  const optionsField = h("div", { class: "field" }, h("label", { for: f("options") }, t("poll.options")), options);
  const maxChoices = h("input", { id: f("max"), name: "max", type: "number", min: 0, value: "0", inputmode: "numeric" });
  const maxField = h("div", { class: "field" }, h("label", { for: f("max") }, t("poll.maxChoices")), maxChoices);
  const method = h(
    "select",
    { id: f("method"), name: "method" },
    [RankingMethod.BORDA, RankingMethod.INSTANT_RUNOFF].map((m) => h("option", { value: String(m) }, t(`poll.method.${m}` as "poll.method.1"))),
  );
  const methodField = h("div", { class: "field" }, h("label", { for: f("method") }, t("poll.method")), method);
  const anonymous = h("input", { id: f("anon"), type: "checkbox" });
  const hidden = h("input", { id: f("hidden"), type: "checkbox" });
  // Unless the chair ticks this, a voter sees an open poll's results only
  // once they have voted (the server withholds them: issue 20).
  const live = h("input", { id: f("live"), type: "checkbox" });
  // The two exclude each other; the server refuses both.
  hidden.addEventListener("change", () => {
    if (hidden.checked) live.checked = false;
  });
  live.addEventListener("change", () => {
    if (live.checked) hidden.checked = false;
  });
  const roles = [Role.CHAIR, Role.RESEARCHER, Role.MEMBER, Role.OBSERVER];
  const roleBoxes = roles.map((r) => h("input", { id: f(`role-${r}`), type: "checkbox", value: String(r), checked: r === Role.MEMBER }));
  const quorum = h("input", { id: f("quorum"), type: "number", min: 0, max: 100, value: "0", inputmode: "numeric" });
  const threshold = h("input", { id: f("threshold"), type: "number", min: 1, max: 100, inputmode: "numeric" });
  const closesAt = h("input", { id: f("closes"), type: "datetime-local" });
  const validate = target ? h("input", { id: f("validate"), type: "checkbox", checked: true }) : null;
  const validateField = target && validate
    ? h("div", { class: "check" }, validate, h("label", { for: f("validate"), class: "validate-label" }, t("poll.validate", { id: target().indicatorId, version: target().version })))
    : null;

  const sync = () => {
    const k = Number(kind.value) as PollKind;
    const agreement = k === PollKind.AGREEMENT;
    questionLabel.textContent = agreement ? t("poll.statement") : t("poll.question");
    optionsField.hidden = agreement;
    maxField.hidden = k !== PollKind.MULTIPLE_CHOICE;
    methodField.hidden = k !== PollKind.RANKING;
    if (validateField) validateField.hidden = !agreement;
  };
  kind.addEventListener("change", sync);

  const form = h(
    "form",
    {
      class: "poll-form form",
      id,
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const k = Number(kind.value) as PollKind;
        const pct = (v: string) => Math.max(0, Math.min(100, Math.round(Number(v) || 0)));
        const tg = target?.();
        const closeMs = closesAt.value ? new Date(closesAt.value).getTime() : 0;
        const def = create(PollDefinitionSchema, {
          kind: k,
          question: question.value.trim(),
          options: k === PollKind.AGREEMENT ? [] : options.value.split("\n").map((s) => s.trim()).filter(Boolean),
          maxChoices: k === PollKind.MULTIPLE_CHOICE ? pct(maxChoices.value) : 0,
          rankingMethod: k === PollKind.RANKING ? (Number(method.value) as RankingMethod) : RankingMethod.UNSPECIFIED,
          anonymous: anonymous.checked,
          resultsHiddenUntilClosed: hidden.checked,
          liveResults: live.checked,
          eligibleRoles: roleBoxes.filter((b) => b.checked).map((b) => Number(b.value)),
          quorum: pct(quorum.value) > 0 ? create(FractionSchema, { num: pct(quorum.value), den: 100 }) : undefined,
          threshold: threshold.value ? create(FractionSchema, { num: Math.max(1, pct(threshold.value)), den: 100 }) : undefined,
          closesAtUnixMs: BigInt(Number.isFinite(closeMs) ? closeMs : 0),
          targetIndicatorId: k === PollKind.AGREEMENT && tg && validate?.checked ? tg.indicatorId : "",
          targetVersion: k === PollKind.AGREEMENT && tg && validate?.checked ? BigInt(tg.version) : 0n,
        });
        ctx.request({ case: "createPoll", value: { definition: def } }, answered);
      },
    },
    h("div", { class: "field" }, h("label", { for: f("kind") }, t("poll.kind")), kind),
    validateField,
    h("div", { class: "field" }, questionLabel, question),
    optionsField,
    maxField,
    methodField,
    h("div", { class: "check" }, anonymous, h("label", { for: f("anon") }, t("poll.anonymous"))),
    h("div", { class: "check" }, hidden, h("label", { for: f("hidden") }, t("poll.hidden"))),
    h("div", { class: "check" }, live, h("label", { for: f("live") }, t("poll.liveResults"))),
    h(
      "fieldset",
      { class: "roles" },
      h("legend", {}, t("poll.eligible")),
      roles.map((r, i) => h("div", { class: "check" }, roleBoxes[i]!, h("label", { for: f(`role-${r}`) }, roleName(r)))),
    ),
    h("div", { class: "field" }, h("label", { for: f("quorum") }, t("poll.quorum")), quorum),
    h("div", { class: "field" }, h("label", { for: f("threshold") }, t("poll.threshold")), threshold),
    h("div", { class: "field" }, h("label", { for: f("closes") }, t("poll.closesAt")), closesAt),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("poll.createSubmit"))),
  );
  sync();
  return form;
}

/** A ballot for an open poll; pre-filled with my current vote. */
export function voteForm(ctx: ViewContext, poll: PollState, answered: Answered): HTMLFormElement {
  const id = `vote-${poll.id}-${++formSeq}`;
  const d = poll.definition;
  const labels = optionLabels(poll);
  const mine = poll.myChoices ?? [];
  const error = h("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true });
  let inputs: HTMLInputElement[];
  let body: HTMLElement;
  if (d.kind === PollKind.RANKING) {
    inputs = labels.map((_, i) => {
      const rank = mine.indexOf(i);
      return h("input", { id: `${id}-${i}`, type: "number", min: 1, max: labels.length, inputmode: "numeric", value: rank >= 0 ? String(rank + 1) : "" });
    });
    body = h(
      "div",
      { class: "ranks" },
      h("p", { class: "help", id: `${id}-help` }, t("poll.rankHelp")),
      labels.map((l, i) => h("div", { class: "rank-row" }, h("label", { for: `${id}-${i}` }, t("poll.rank", { option: l })), inputs[i]!)),
    );
  } else {
    const type = d.kind === PollKind.MULTIPLE_CHOICE ? "checkbox" : "radio";
    inputs = labels.map((_, i) => h("input", { id: `${id}-${i}`, type, name: id, value: String(i), checked: mine.includes(i) }));
    body = h("div", { class: "choices" }, labels.map((l, i) => h("div", { class: "check choice" }, inputs[i]!, h("label", { for: `${id}-${i}` }, l))));
  }
  // "Agree with reservations" asks what they are (issue 18): the board's
  // secretary needs the words for the minutes, not a count.
  const withReservations = d.kind === PollKind.AGREEMENT ? inputs[AGREE_WITH_RESERVATIONS] : undefined;
  const reservation = h("textarea", { id: `${id}-reservation`, rows: "2", maxlength: "1000", "aria-describedby": `${id}-reservation-help`, value: poll.myReservation ?? "" });
  const reservationField = h(
    "div",
    { class: "field reservation-field", hidden: !withReservations?.checked },
    h("label", { for: `${id}-reservation` }, t("poll.reservationLabel")),
    h("p", { class: "help", id: `${id}-reservation-help` }, d.anonymous ? t("poll.reservationHelpAnonymous") : t("poll.reservationHelpNamed")),
    reservation,
  );
  if (withReservations) {
    for (const input of inputs) {
      // The field follows the answers; the focus stays where the voter is
      // (arrowing through the answers must not jump into it).
      input.addEventListener("change", () => (reservationField.hidden = !withReservations.checked));
    }
  }
  const form = h(
    "form",
    {
      class: "vote-form",
      id,
      novalidate: true,
      "data-poll": poll.id,
      onsubmit: (e) => {
        e.preventDefault();
        let choices: number[];
        if (d.kind === PollKind.RANKING) {
          choices = inputs
            .map((inp, i) => ({ i, r: Number(inp.value) }))
            .filter((x) => inp(x.r))
            .sort((a, b) => a.r - b.r)
            .map((x) => x.i);
        } else choices = inputs.flatMap((inp, i) => (inp.checked ? [i] : []));
        if (choices.length === 0) {
          error.textContent = t("poll.chooseOne");
          error.hidden = false;
          return;
        }
        const words = withReservations?.checked ? reservation.value.trim() : "";
        if (withReservations?.checked && !words) {
          error.textContent = t("poll.reservationRequired");
          error.hidden = false;
          reservation.focus();
          return;
        }
        error.hidden = true;
        ctx.request({ case: "castVote", value: { pollId: poll.id, choices, reservation: words } }, (refusal) => {
          if (refusal) {
            error.textContent = refusal;
            error.hidden = false;
          }
          answered(refusal);
        });
      },
    },
    h("fieldset", { "aria-describedby": `${id}-error` }, h("legend", { class: "poll-question" }, d.question), body),
    withReservations ? reservationField : null,
    error,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary vote-submit" }, poll.myChoices ? t("poll.changeVote") : t("poll.vote"))),
  );
  return form;
}

function inp(r: number): boolean {
  return Number.isInteger(r) && r >= 1;
}
