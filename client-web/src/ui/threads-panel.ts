// Comments and suggestions beside a draft (issue 6): select a passage, then
// "Comment" or (for those who may comment but not edit) "Suggest a change";
// the threads of this document, open first, each with its quote, comments
// (edited / deleted / hidden by the chair), +1 reactions, replies, resolve
// and reopen, accept / reject of a suggestion (warning first when its passage
// changed since), re-attach of a detached thread to the selection. Anchored
// passages are highlighted in the editor (thread-highlights.ts) at the place
// the model says, mapped through this client's unacknowledged edits.
//
// The server decides every permission; the controls shown follow the role
// only so people are not offered what would be refused. A refusal is shown
// beside the thread (or form) that asked, as the translated sentence.
// Threads shown on screen are marked read (MarkThreadsRead).

import { EditorView } from "@codemirror/view";
import { invert, transformAnchor, utf16ToCodePoint, codePointToUtf16, sliceCodePoints } from "../core";
import { Reaction } from "../gen/kenes/v1/discussion_pb";
import { formatDateTime, isoMoment, language, t } from "../i18n";
import {
  type CommentState,
  type ThreadState,
  canEditDrafts,
  findMentions,
  localRange,
  mayComment,
  mayDecideSuggestions,
  mayHide,
  mayResolve,
  parseMentions,
} from "../model";
import { h, replaceChildren } from "./dom";
import { personName, roleName } from "./labels";
import { personById } from "./person";
import { type ThreadMark, installThreadHighlights, setThreadMarks } from "./thread-highlights";
import type { ViewContext } from "./view";

const QUOTE_CHARS = 80;

function short(s: string): string {
  const chars = Array.from(s);
  return chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join("")}…` : s;
}

/**
 * Someone is writing (or choosing) inside el: a redraw would lose it. A
 * focused button or thread is not writing, so those redraw (and get their
 * focus back).
 */
function focusInside(el: Element): boolean {
  const a = document.activeElement;
  return !!a && el.contains(a) && ["INPUT", "TEXTAREA", "SELECT", "SUMMARY"].includes(a.tagName);
}

export class ThreadsPanel {
  readonly el = h("section", { class: "threads-panel panel", "aria-labelledby": "threads-title" });
  private readonly formHost = h("div", { class: "thread-new" });
  private readonly list = h("div", { class: "thread-list" });
  private readonly items = new Map<string, HTMLElement>();
  private linkedThreadShown = false;
  private readonly formNote = h("p", { class: "field-error", role: "alert", id: "thread-new-refusal" });
  private readonly selectionNote = h("p", { class: "muted", id: "thread-selection" });
  private form: HTMLFormElement | null = null;
  private formKey = "";
  /** How many highlights the editor shows (as last dispatched). */
  private shownMarks = 0;
  /** What each thread's element was drawn from, to redraw only what changed. */
  private readonly drawn = new Map<string, string>();
  private active = "";
  /** read marker already asked for, per thread, so a redraw does not resend it. */
  private readonly readAsked = new Map<string, number>();
  private readTimer: ReturnType<typeof setTimeout> | null = null;
  /** Threads whose accept waits for the "changed since" confirmation. */
  private readonly confirming = new Set<string>();
  private selectionTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ctx: ViewContext,
    private readonly docId: string,
    private readonly indicatorId: string,
    private readonly editorView: () => EditorView | null,
  ) {
    this.el.append(h("h2", { id: "threads-title", class: "panel-title" }), this.formHost, this.list);
    // The selection note follows the editor's selection (cheap: one read).
    this.selectionTimer = setInterval(() => this.updateSelectionNote(), 400);
  }

  destroy(): void {
    if (this.readTimer) clearTimeout(this.readTimer);
    if (this.selectionTimer) clearInterval(this.selectionTimer);
  }

  private get st() {
    return this.ctx.session.state;
  }

  private get role(): number {
    return this.ctx.me.role;
  }

  private name(id: string): string {
    return personName(this.st, id);
  }

  private threads(): ThreadState[] {
    const all = [...this.st.discussion.threads.values()].filter((th) => th.docId === this.docId || (!th.docId && th.indicatorId === this.indicatorId && this.indicatorId !== ""));
    // Open first, then resolved; oldest first within each.
    return [...all.filter((th) => !th.resolved), ...all.filter((th) => th.resolved)];
  }

  refresh(): void {
    (this.el.querySelector("#threads-title") as HTMLElement).textContent = t("threads.title");
    this.renderForm();
    this.renderList();
    this.updateHighlights();
    this.markShownRead();
    this.revealLinkedThread();
  }

  /**
   * A link from the e-mail digest names a thread in the fragment
   * (/c/<id>/i/<indicator>#thread-7): once that thread is drawn, bring it into
   * view and give it the focus, once per page load.
   */
  private revealLinkedThread(): void {
    if (this.linkedThreadShown || !location.hash.startsWith("#thread-")) return;
    const el = this.items.get(decodeURIComponent(location.hash.slice(1)));
    // The panel is drawn once before the view is in the document: wait for that.
    if (!el || !el.isConnected) return;
    this.linkedThreadShown = true;
    el.scrollIntoView({ block: "center" });
    el.focus();
  }

  /** The document's text changed (a remote record, an ack, a local edit). */
  textChanged(): void {
    this.updateHighlights();
    // Detached / changed flags and quotes may have moved.
    this.renderList();
  }

  // ------------------------------------------------------------ new thread

  private renderForm(): void {
    const may = mayComment(this.role, this.st.discussion.observerCommenting);
    const chair = this.role === 1;
    // Rebuilt only when what it offers changes: a half-written comment must
    // survive the person going to the draft to select its passage.
    const key = `${may}/${chair}/${this.st.discussion.observerCommenting}/${language()}`;
    if (key === this.formKey) return;
    if (this.form && focusInside(this.form)) return;
    this.formKey = key;
    const observerToggle = chair
      ? h(
          "div",
          { class: "check observer-toggle" },
          h("input", {
            type: "checkbox",
            id: "observer-commenting",
            checked: this.st.discussion.observerCommenting,
            onchange: (e: Event) => {
              const box = e.target as HTMLInputElement;
              this.ctx.request({ case: "setObserverCommenting", value: { enabled: box.checked } }, (refusal) => this.refused(this.formNote, refusal));
            },
          }),
          h("label", { for: "observer-commenting" }, t("threads.observers")),
        )
      : null;
    if (!may) {
      this.form = null;
      replaceChildren(this.formHost, observerToggle, h("p", { class: "muted" }, t("threads.readOnly")));
      return;
    }
    const body = h("textarea", { id: "thread-body", rows: 3, "aria-describedby": "thread-mention-help thread-selection" });
    const mentions = h("p", { class: "muted", id: "thread-mentions", "aria-live": "polite" });
    body.addEventListener("input", () => {
      mentions.textContent = this.mentionSummary(body.value);
    });
    const suggester = !canEditDrafts(this.role);
    const replacement = h("textarea", { id: "thread-replacement", rows: 2 });
    const form = h(
      "form",
      {
        class: "field",
        onsubmit: (e: Event) => {
          e.preventDefault();
          this.create(body.value, null);
        },
      },
      this.selectionNote,
      h("label", { for: "thread-body" }, t("threads.newLabel")),
      body,
      this.mentionHelper(body),
      h("p", { class: "help", id: "thread-mention-help" }, t("threads.mentionHelp")),
      mentions,
      suggester
        ? h(
            "details",
            { class: "suggest-box" },
            h("summary", {}, t("threads.suggest")),
            h("label", { for: "thread-replacement" }, t("threads.replacementLabel")),
            replacement,
            h("div", {}, h("button", { type: "button", id: "thread-suggest", onclick: () => this.create(body.value, replacement.value) }, t("threads.suggest"))),
          )
        : null,
      this.formNote,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "thread-comment" }, t("threads.comment"))),
    );
    this.form = form;
    replaceChildren(this.formHost, observerToggle, form);
    this.updateSelectionNote();
  }

  /**
   * Under a comment box: while the word before the caret starts with "@",
   * buttons for the participants whose names match; choosing one completes
   * the name. Plain buttons, so Tab reaches them and screen readers read them.
   */
  /** Who a text mentions, and what after an @ matches nobody or several people. */
  private mentionSummary(text: string): string {
    const found = findMentions(text, this.st.participants.values());
    const parts: string[] = [];
    if (found.ids.length) parts.push(t("threads.mentions", { names: found.ids.map((id) => this.name(id)).join(", ") }));
    if (found.unmatched.length) parts.push(t("threads.mentionsNobody", { typed: found.unmatched.join(", ") }));
    for (const a of found.ambiguous) parts.push(t("threads.mentionsSeveral", { typed: a.typed, names: a.names.join(", ") }));
    return parts.join(" ");
  }

  private mentionHelper(area: HTMLTextAreaElement): HTMLElement {
    const box = h("div", { class: "mention-choices", role: "group", "aria-label": t("threads.mentionHelp") });
    box.hidden = true;
    const update = () => {
      const before = area.value.slice(0, area.selectionStart ?? area.value.length);
      const m = /@([\p{L}\p{N}_. -]{0,30})$/u.exec(before);
      const typed = m ? m[1]!.toLocaleLowerCase() : null;
      const people = typed === null ? [] : [...this.st.participants.values()].filter((p) => !p.revoked && p.id !== this.ctx.me.id && (p.displayName || p.id).toLocaleLowerCase().startsWith(typed)).slice(0, 5);
      box.replaceChildren(
        ...people.map((p) =>
          h(
            "button",
            {
              type: "button",
              class: "link mention-choice",
              onclick: () => {
                const start = before.length - m![0].length;
                const name = p.displayName || p.id;
                area.value = `${area.value.slice(0, start)}@${name} ${area.value.slice(before.length)}`;
                const caret = start + name.length + 2;
                area.focus();
                area.setSelectionRange(caret, caret);
                area.dispatchEvent(new Event("input"));
              },
            },
            `@${p.displayName || p.id}`,
            h("span", { class: "person-role" }, ` · ${roleName(p.role)}`),
          ),
        ),
      );
      box.hidden = people.length === 0;
    };
    area.addEventListener("input", update);
    area.addEventListener("keyup", update);
    return box;
  }

  /** The editor's selection as a range of the server text (code points), or null/"unsaved". */
  private selectionRange(): { from: number; to: number } | null | "unsaved" {
    const view = this.editorView();
    if (!view) return null;
    const sel = view.state.selection.main;
    if (sel.empty) return null;
    const text = view.state.doc.toString();
    const local = { anchor: utf16ToCodePoint(text, sel.from), head: utf16ToCodePoint(text, sel.to) };
    const doc = this.st.doc(this.docId);
    // The selection is in the text shown, which has this client's unsaved
    // edits; the server wants the range at a version it has: undo them.
    const unsaved = [doc.inFlight?.op, doc.pending].filter((o): o is NonNullable<typeof o> => !!o);
    let r = local;
    if (unsaved.length) {
      let shown = doc.confirmedText;
      const back = [];
      for (const op of unsaved) {
        back.unshift(invert(op, shown));
        shown = this.applyText(shown, op);
      }
      for (const op of back) r = transformAnchor(r, op);
      if (r.anchor === r.head) return "unsaved";
    }
    return { from: Math.min(r.anchor, r.head), to: Math.max(r.anchor, r.head) };
  }

  private applyText(text: string, op: Parameters<typeof invert>[0]): string {
    // Only used for the rare case of unsaved edits under a selection.
    let out = "";
    let i = 0;
    const chars = Array.from(text);
    for (const c of op) {
      if (typeof c === "number") {
        out += chars.slice(i, i + c).join("");
        i += c;
      } else if (typeof c === "string") out += c;
      else i += c.d;
    }
    return out + chars.slice(i).join("");
  }

  private updateSelectionNote(): void {
    const view = this.editorView();
    if (!view) return;
    const sel = view.state.selection.main;
    const text = sel.empty ? "" : view.state.sliceDoc(sel.from, sel.to);
    const want = text ? t("threads.selected", { text: short(text) }) : t("threads.noSelection");
    if (this.selectionNote.textContent !== want) this.selectionNote.textContent = want;
  }

  private create(bodyText: string, replacement: string | null): void {
    this.formNote.textContent = "";
    const body = bodyText.trim();
    const range = this.selectionRange();
    if (replacement === null && !body) {
      this.formNote.textContent = t("threads.needBody");
      return;
    }
    if (range === "unsaved") {
      this.formNote.textContent = t("threads.waitSaved");
      return;
    }
    if (replacement !== null && !range) {
      this.formNote.textContent = t("threads.needSelection");
      return;
    }
    if (!range && !this.indicatorId) {
      this.formNote.textContent = t("threads.needSelection");
      return;
    }
    const doc = this.st.doc(this.docId);
    const target = range
      ? { indicatorId: this.indicatorId, docId: this.docId, range: { anchor: BigInt(range.from), head: BigInt(range.to) }, version: BigInt(doc.version) }
      : { indicatorId: this.indicatorId, docId: "", version: 0n };
    this.ctx.request(
      {
        case: "createThread",
        value: {
          target,
          body,
          mentions: parseMentions(body, this.st.participants.values()),
          suggestion: replacement === null ? undefined : { text: replacement },
        },
      },
      (refusal) => {
        if (refusal) {
          this.refused(this.formNote, refusal);
          return;
        }
        if (this.form) {
          this.form.reset();
          (this.form.querySelector("#thread-mentions") as HTMLElement).textContent = "";
          const d = this.form.querySelector("details");
          if (d) d.open = false;
        }
      },
    );
  }

  // ------------------------------------------------------------ the list

  private renderList(force = false): void {
    if (force) this.drawn.clear();
    const threads = this.threads();
    if (!threads.length) {
      replaceChildren(this.list, h("p", { class: "muted" }, t("threads.none")));
      this.items.clear();
      return;
    }
    if (this.list.querySelector(":scope > p.muted")) this.list.replaceChildren();
    const seen = new Set<string>();
    for (const th of threads) {
      seen.add(th.id);
      const old = this.items.get(th.id);
      const sig = this.signature(th);
      if (old && this.drawn.get(th.id) === sig) continue;
      if (old && focusInside(old)) continue; // someone is typing in it
      this.drawn.set(th.id, sig);
      const hadFocus = !!old?.contains(document.activeElement);
      const focusedKey = hadFocus ? (document.activeElement as HTMLElement).dataset.key : undefined;
      const el = this.renderThread(th);
      if (old) old.replaceWith(el);
      else this.list.append(el);
      this.items.set(th.id, el);
      if (hadFocus) {
        // The control that had the focus may be gone (an accepted suggestion
        // has no Accept button): keep the focus on its thread, not the page.
        const again = focusedKey ? (el.querySelector(`[data-key="${focusedKey}"]`) as HTMLElement | null) : null;
        (again ?? el).focus();
      }
    }
    for (const [id, el] of this.items) {
      if (!seen.has(id)) {
        el.remove();
        this.items.delete(id);
        this.drawn.delete(id);
      }
    }
    const want = threads.map((th) => this.items.get(th.id)!).filter(Boolean);
    const have = [...this.list.children];
    if (want.some((e, i) => have[i] !== e)) this.list.replaceChildren(...want);
  }

  /** Everything a thread's element shows, as one string. */
  private signature(th: ThreadState): string {
    const a = th.anchor;
    return JSON.stringify([
      th.lastSeq,
      th.comments.map((c) => [c.plusOnes.size, c.plusOnes.has(this.ctx.me.id)]),
      a ? [a.attached, a.changed, a.attached ? this.currentQuote(th) : ""] : null,
      this.st.discussion.unread(th.id),
      this.st.discussion.observerCommenting,
      this.confirming.has(th.id),
      language(),
      this.st.participants.size,
    ]);
  }

  private renderThread(th: ThreadState): HTMLElement {
    const me = this.ctx.me.id;
    const note = h("p", { class: "field-error", role: "alert" });
    const answered = (refusal: string | null) => this.refused(note, refusal);
    const may = mayComment(this.role, this.st.discussion.observerCommenting);
    const anchor = th.anchor;
    const detached = !!anchor && !anchor.attached;
    const sug = th.suggestion;
    const unread = this.st.discussion.unread(th.id);
    const quote = anchor ? (anchor.attached ? this.currentQuote(th) : anchor.quote?.text ?? th.quote) : "";
    const titleId = `${th.id}-title`;
    const el = h(
      "article",
      {
        class: `thread${th.resolved ? " resolved" : ""}${detached ? " detached" : ""}${th.id === this.active ? " active" : ""}`,
        "data-thread": th.id,
        // The digest's links end in #<thread id> (server/digest_mail.cc).
        id: th.id,
        "aria-labelledby": titleId,
        tabindex: "-1",
      },
      h(
        "h3",
        { class: "thread-title", id: titleId },
        anchor ? t("threads.thread", { quote: short(quote) }) : t("threads.onIndicator"),
        unread ? h("span", { class: "badge unread", "data-unread": unread }, " ", t("threads.unread", { n: unread })) : null,
      ),
      h(
        "p",
        { class: "thread-meta" },
        th.resolved ? h("span", { class: "badge resolved-badge" }, t("threads.resolved")) : h("span", { class: "badge open-badge" }, t("threads.open")),
        " ",
        anchor && anchor.attached && sug?.status !== "accepted"
          ? h("button", { type: "button", class: "link thread-show", "data-key": "show", onclick: () => this.showInEditor(th) }, t("threads.show"))
          : null,
      ),
    );
    if (detached && sug?.status !== "accepted") {
      const box = h(
        "div",
        { class: "detached-box", role: "note" },
        h("p", {}, h("strong", {}, t("threads.detached"))),
        h("blockquote", { class: "detached-quote" }, h("span", { class: "muted" }, anchor!.quote?.before ?? ""), h("mark", {}, anchor!.quote?.text ?? th.quote), h("span", { class: "muted" }, anchor!.quote?.after ?? "")),
      );
      if (may) {
        const found = anchor!.locateQuote(this.st.doc(this.docId).confirmedText);
        if (found) {
          box.append(
            h("p", { class: "help" }, t("threads.found"), " ", h("button", { type: "button", class: "link", "data-key": "select-found", onclick: () => this.selectServerRange(found) }, t("threads.selectFound"))),
          );
        }
        box.append(
          h(
            "button",
            {
              type: "button",
              class: "thread-reattach",
              "data-key": "reattach",
              onclick: () => {
                const r = this.selectionRange();
                if (r === "unsaved") return void (note.textContent = t("threads.waitSaved"));
                if (!r) return void (note.textContent = t("threads.reattachHint"));
                this.ctx.request(
                  { case: "reattachThread", value: { threadId: th.id, range: { anchor: BigInt(r.from), head: BigInt(r.to) }, version: BigInt(this.st.doc(this.docId).version) } },
                  answered,
                );
              },
            },
            t("threads.reattach"),
          ),
        );
      }
      el.append(box);
    }
    if (sug) el.append(this.renderSuggestion(th, note));
    const list = h("ol", { class: "comments" });
    for (const c of th.comments) list.append(this.renderComment(th, c, me, answered));
    el.append(list);
    if (may) {
      const reply = h("textarea", { id: `${th.id}-reply`, rows: 2, "data-key": "reply" });
      const replyMentions = h("p", { class: "muted", "aria-live": "polite", "data-key": "reply-mentions" });
      reply.addEventListener("input", () => {
        replyMentions.textContent = this.mentionSummary(reply.value);
      });
      el.append(
        h(
          "form",
          {
            class: "field reply-form",
            onsubmit: (e: Event) => {
              e.preventDefault();
              const body = reply.value.trim();
              if (!body) return void (note.textContent = t("threads.needBody"));
              this.ctx.request({ case: "addComment", value: { threadId: th.id, body, mentions: parseMentions(body, this.st.participants.values()) } }, (refusal) => {
                answered(refusal);
                if (!refusal) reply.value = "";
              });
            },
          },
          h("label", { for: `${th.id}-reply` }, t("threads.replyLabel")),
          reply,
          this.mentionHelper(reply),
          replyMentions,
          h("div", { class: "actions" }, h("button", { type: "submit", "data-key": "reply-send", class: "thread-reply" }, t("threads.reply"))),
        ),
      );
    }
    if (mayResolve(this.role, me, th)) {
      el.append(
        h(
          "div",
          { class: "actions" },
          h(
            "button",
            {
              type: "button",
              class: th.resolved ? "thread-reopen" : "thread-resolve",
              "data-key": "resolve",
              onclick: () => this.ctx.request({ case: "resolveThread", value: { threadId: th.id, resolved: !th.resolved } }, answered),
            },
            th.resolved ? t("threads.reopen") : t("threads.resolve"),
          ),
        ),
      );
    }
    el.append(note);
    el.addEventListener("focusin", () => this.setActive(th.id));
    return el;
  }

  private renderSuggestion(th: ThreadState, note: HTMLElement): HTMLElement {
    const sug = th.suggestion!;
    const from = th.anchor?.attached ? this.currentQuote(th) : th.quote;
    const status =
      sug.status === "accepted"
        ? t("threads.accepted", { name: this.name(sug.decidedBy) })
        : sug.status === "rejected"
          ? sug.reason
            ? t("threads.rejectedWhy", { name: this.name(sug.decidedBy), reason: sug.reason })
            : t("threads.rejected", { name: this.name(sug.decidedBy) })
          : t("threads.open");
    const box = h(
      "div",
      { class: `suggestion ${sug.status}`, "data-suggestion": sug.status },
      h("p", {}, h("strong", {}, t("threads.suggestion")), " ", h("span", { class: `badge suggestion-status ${sug.status}` }, status)),
      h(
        "p",
        { class: "suggestion-diff" },
        h("del", {}, h("span", { class: "visually-hidden" }, `${t("threads.deletionLabel")}: `), th.quote),
        " → ",
        h("ins", {}, h("span", { class: "visually-hidden" }, `${t("threads.insertionLabel")}: `), sug.text || "∅"),
      ),
      h("p", { class: "muted" }, t("threads.suggestionBy", { name: this.name(th.author), from: short(from), to: short(sug.text) })),
    );
    const changed = !!th.anchor?.changed;
    if (sug.status === "open" && changed) box.append(h("p", { class: "changed-warning", role: "note" }, h("strong", {}, "⚠ "), t("threads.changedWarning")));
    if (sug.status === "open" && mayDecideSuggestions(this.role) && th.anchor?.attached) {
      const reason = h("input", { type: "text", id: `${th.id}-reject-reason`, "data-key": "reject-reason" });
      const accept = (anyway: boolean) =>
        this.ctx.request({ case: "acceptSuggestion", value: { threadId: th.id, acceptChanged: anyway } }, (refusal) => {
          this.refused(note, refusal);
          if (refusal && th.anchor?.changed) {
            this.confirming.add(th.id);
            this.renderList();
          }
        });
      const confirming = changed && this.confirming.has(th.id);
      box.append(
        h(
          "div",
          { class: "actions" },
          confirming
            ? h("button", { type: "button", class: "primary suggestion-accept-anyway", "data-key": "accept-anyway", onclick: () => accept(true) }, t("threads.acceptAnyway"))
            : h(
                "button",
                {
                  type: "button",
                  class: "primary suggestion-accept",
                  "data-key": "accept",
                  onclick: () => {
                    if (changed) {
                      // Ask first: the passage is not what the suggester saw.
                      this.confirming.add(th.id);
                      this.renderList();
                      (this.items.get(th.id)?.querySelector(".suggestion-accept-anyway") as HTMLElement | null)?.focus();
                      return;
                    }
                    accept(false);
                  },
                },
                t("threads.accept"),
              ),
          confirming ? h("button", { type: "button", "data-key": "accept-cancel", onclick: () => (this.confirming.delete(th.id), this.renderList()) }, t("threads.cancel")) : null,
        ),
        h(
          "form",
          {
            class: "field reject-form",
            onsubmit: (e: Event) => {
              e.preventDefault();
              this.ctx.request({ case: "rejectSuggestion", value: { threadId: th.id, reason: reason.value.trim() } }, (refusal) => this.refused(note, refusal));
            },
          },
          h("label", { for: `${th.id}-reject-reason` }, t("threads.rejectReason")),
          reason,
          h("div", {}, h("button", { type: "submit", class: "suggestion-reject", "data-key": "reject" }, t("threads.reject"))),
        ),
      );
    }
    return box;
  }

  private renderComment(th: ThreadState, c: CommentState, me: string, answered: (r: string | null) => void): HTMLElement {
    const may = mayComment(this.role, this.st.discussion.observerCommenting);
    const li = h("li", { class: "comment", "data-comment": c.id });
    const head = h("p", { class: "comment-head" }, personById(this.st, c.author, c.author, "strong"), " ", h("time", { datetime: isoMoment(c.timeMs), class: "muted comment-time" }, formatDateTime(c.timeMs, language(), { short: true })), c.edits ? h("span", { class: "muted" }, " ", t("threads.edited")) : null);
    li.append(head);
    if (c.deleted) {
      li.append(h("p", { class: "comment-body deleted muted" }, t("threads.deleted")));
      return li;
    }
    if (c.hiddenReason !== null) {
      li.append(h("p", { class: "comment-body hidden-comment muted" }, t("threads.hidden", { reason: c.hiddenReason })));
      return li;
    }
    const body = h("p", { class: "comment-body" }, c.body);
    li.append(body);
    if (c.mentions.length) li.append(h("p", { class: "muted comment-mentions" }, t("threads.mentions", { names: c.mentions.map((id) => this.name(id)).join(", ") })));
    const actions = h("div", { class: "comment-actions" });
    const mine = c.plusOnes.has(me);
    const count = c.plusOnes.size;
    if (may || count) {
      actions.append(
        h(
          "button",
          {
            type: "button",
            class: "plus-one",
            "data-key": `plus-${c.id}`,
            "aria-pressed": mine ? "true" : "false",
            "aria-label": t("threads.plusOneLabel", { n: count }),
            disabled: !may,
            onclick: () => this.ctx.request({ case: "setReaction", value: { threadId: th.id, commentId: c.id, reaction: Reaction.PLUS_ONE, on: !mine } }, answered),
          },
          `${t("threads.plusOne")}${count ? ` ${count}` : ""}`,
        ),
      );
    }
    if (c.author === me) {
      actions.append(
        h("button", { type: "button", class: "link comment-edit", "data-key": `edit-${c.id}`, onclick: () => this.editForm(th, c, li, answered) }, t("threads.edit")),
        h("button", { type: "button", class: "link comment-delete", "data-key": `delete-${c.id}`, onclick: () => this.ctx.request({ case: "deleteComment", value: { threadId: th.id, commentId: c.id } }, answered) }, t("threads.delete")),
      );
    }
    if (mayHide(this.role) && c.author !== me) {
      const reason = h("input", { type: "text", id: `${c.id}-hide-reason`, required: true, "data-key": `hide-reason-${c.id}` });
      actions.append(
        h(
          "details",
          { class: "hide-box" },
          h("summary", {}, t("threads.hide")),
          h(
            "form",
            {
              onsubmit: (e: Event) => {
                e.preventDefault();
                if (!reason.value.trim()) return;
                this.ctx.request({ case: "hideComment", value: { threadId: th.id, commentId: c.id, reason: reason.value.trim() } }, answered);
              },
            },
            h("label", { for: `${c.id}-hide-reason` }, t("threads.hideReason")),
            reason,
            h("button", { type: "submit", "data-key": `hide-${c.id}` }, t("threads.hide")),
          ),
        ),
      );
    }
    li.append(actions);
    return li;
  }

  private editForm(th: ThreadState, c: CommentState, li: HTMLElement, answered: (r: string | null) => void): void {
    const area = h("textarea", { id: `${c.id}-edit`, rows: 3, "data-key": `edit-area-${c.id}` });
    area.value = c.body;
    const form = h(
      "form",
      {
        class: "field",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const body = area.value.trim();
          if (!body) return;
          this.ctx.request({ case: "editComment", value: { threadId: th.id, commentId: c.id, body, mentions: parseMentions(body, this.st.participants.values()) } }, (refusal) => {
            answered(refusal);
            if (!refusal) {
              (document.activeElement as HTMLElement | null)?.blur();
              this.renderList(true);
            }
          });
        },
      },
      h("label", { for: `${c.id}-edit` }, t("threads.edit")),
      area,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", class: "comment-save" }, t("threads.save")),
        h(
          "button",
          {
            type: "button",
            onclick: () => {
              (document.activeElement as HTMLElement | null)?.blur();
              this.renderList(true);
            },
          },
          t("threads.cancel"),
        ),
      ),
    );
    li.querySelector(".comment-body")?.replaceWith(form);
    li.querySelector(".comment-actions")?.remove();
    area.focus();
  }

  // ------------------------------------------------------------ the editor

  /** The thread's current range in the text shown (code points), or null. */
  private shownRange(th: ThreadState): { from: number; to: number } | null {
    const a = th.anchor;
    if (!a || !a.attached) return null;
    const doc = this.st.doc(this.docId);
    const r = localRange({ from: a.from, to: a.to }, [doc.inFlight?.op ?? null, doc.pending]);
    return r.from < r.to ? r : null;
  }

  private currentQuote(th: ThreadState): string {
    const a = th.anchor!;
    return sliceCodePoints(this.st.doc(this.docId).confirmedText, a.from, a.to);
  }

  updateHighlights(): void {
    const view = this.editorView();
    if (!view) return;
    installThreadHighlights(view);
    const text = view.state.doc.toString();
    const marks: ThreadMark[] = [];
    for (const th of this.threads()) {
      const r = this.shownRange(th);
      if (!r) continue;
      const openSuggestion = th.suggestion?.status === "open";
      marks.push({
        threadId: th.id,
        from: codePointToUtf16(text, r.from),
        to: codePointToUtf16(text, r.to),
        active: th.id === this.active,
        resolved: th.resolved,
        suggestion: openSuggestion ? { text: th.suggestion!.text, deletionLabel: t("threads.deletionLabel"), insertionLabel: t("threads.insertionLabel") } : undefined,
      });
    }
    // A draft without highlights needs no transaction on every keystroke's ack.
    if (marks.length === 0 && this.shownMarks === 0) return;
    this.shownMarks = marks.length;
    view.dispatch({ effects: setThreadMarks.of(marks) });
  }

  private setActive(id: string): void {
    if (this.active === id) return;
    const old = this.items.get(this.active);
    old?.classList.remove("active");
    this.active = id;
    this.items.get(id)?.classList.add("active");
    this.updateHighlights();
    this.revealPassage(id);
  }

  /**
   * Brings the thread's passage into the draft's view, without taking the
   * focus from the thread (issue 20: while a thread or a suggestion is
   * reviewed, the draft follows it rather than staying where it was).
   */
  private revealPassage(id: string): void {
    const th = this.st.discussion.threads.get(id);
    const view = this.editorView();
    const r = th ? this.shownRange(th) : null;
    if (!view || !r) return;
    const from = codePointToUtf16(view.state.doc.toString(), r.from);
    view.dispatch({ effects: EditorView.scrollIntoView(from, { y: "nearest", yMargin: 48 }) });
  }

  private showInEditor(th: ThreadState): void {
    const r = this.shownRange(th);
    if (!r) return;
    this.setActive(th.id);
    this.selectLocal(r);
  }

  private selectServerRange(r: { from: number; to: number }): void {
    const doc = this.st.doc(this.docId);
    const local = localRange(r, [doc.inFlight?.op ?? null, doc.pending]);
    if (local.from < local.to) this.selectLocal(local);
  }

  private selectLocal(r: { from: number; to: number }): void {
    const view = this.editorView();
    if (!view) return;
    const text = view.state.doc.toString();
    const from = codePointToUtf16(text, r.from);
    const to = codePointToUtf16(text, r.to);
    view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
    view.focus();
  }

  // ------------------------------------------------------------ read markers

  /** Threads on screen with comments by others after my marker: mark them read. */
  private markShownRead(): void {
    if (this.readTimer || typeof document === "undefined" || document.visibilityState === "hidden") return;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      // Not on screen (the indicator page's discussion tab is not the one
      // chosen): unread stays unread until it is shown.
      if (this.el.closest("[hidden]")) return;
      const upTo = this.st.lastSeq;
      const ids = this.threads()
        .filter((th) => this.st.discussion.unread(th.id) > 0 && (this.readAsked.get(th.id) ?? 0) < upTo)
        .map((th) => th.id);
      if (!ids.length) return;
      for (const id of ids) this.readAsked.set(id, upTo);
      this.ctx.request({ case: "markThreadsRead", value: { threadIds: ids, upToSeq: BigInt(upTo) } }, (refusal) => {
        if (refusal) for (const id of ids) this.readAsked.delete(id);
      });
    }, 600);
  }

  private refused(note: HTMLElement, refusal: string | null): void {
    note.textContent = refusal ? t("threads.refused", { reason: refusal }) : "";
  }
}
