// Binds a CodeMirror 6 editor to one document of the session.
//
//   person types  -> CodeMirror transaction -> UTF-16 changes -> op (code
//                    points, core/utf16.ts) -> session.edit()
//   record folded -> op already transformed past local edits -> UTF-16
//                    changes -> transaction marked remote (not in undo history)
//
// After every remote change the editor's text is compared with the document's;
// if they ever differ (restored offline work appearing, a rolled-back edit)
// the editor is brought to the document's text. Undo (Ctrl+Z) undoes one's own
// edits only, never someone else's.

import { history, historyKeymap, defaultKeymap } from "@codemirror/commands";
import { Compartment, EditorState, Transaction } from "@codemirror/state";
import { EditorView, drawSelection, highlightSpecialChars, keymap, placeholder } from "@codemirror/view";
import { type TextOp, diff, opToUtf16Changes, utf16ChangesToOp, utf16ToCodePoint, codePointToUtf16 } from "../core";
import type { Range } from "../model";
import type { Session } from "../net";
import { type RemoteCursor, remoteCursors, setRemoteCursors } from "./remote-cursors";

export interface EditorBindingOptions {
  readonly parent: HTMLElement;
  readonly session: Session;
  readonly docId: string;
  readonly editable: boolean;
  readonly label: string;
  readonly placeholder?: string;
}

/** Presence is sent at most this often while the caret moves, ms. */
const PRESENCE_INTERVAL_MS = 80;
/** "typing…" lasts this long after the last keystroke, ms. */
const TYPING_MS = 2500;

export class EditorBinding {
  readonly view: EditorView;
  private readonly labelCompartment = new Compartment();
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;
  private typingUntil = 0;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private lastPresenceAt = 0;

  constructor(private readonly opts: EditorBindingOptions) {
    const doc = opts.session.state.doc(opts.docId);
    this.view = new EditorView({
      parent: opts.parent,
      state: EditorState.create({
        doc: doc.text,
        extensions: [
          // Only "\n" splits lines, so "\r" in a draft survives as a character
          // and the editor's text is always the document's text.
          EditorState.lineSeparator.of("\n"),
          EditorView.lineWrapping,
          highlightSpecialChars(),
          drawSelection(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorState.readOnly.of(!opts.editable),
          EditorView.editable.of(true), // read-only still lets people select, copy and navigate
          this.labelCompartment.of(this.labels(opts.label, opts.placeholder)),
          // An editable draft that scrolls inside its box (the indicator page,
          // issue 20) is reached by its text: tabindex says so to checkers
          // that do not count contenteditable as focusable (axe's
          // scrollable-region-focusable); the tab order is unchanged.
          opts.editable ? EditorView.contentAttributes.of({ tabindex: "0" }) : EditorView.contentAttributes.of({ "aria-readonly": "true" }),
          remoteCursors(),
          EditorView.updateListener.of((u) => {
            for (const tr of u.transactions) this.onTransaction(tr);
            if (u.selectionSet || u.docChanged || u.focusChanged) this.schedulePresence();
          }),
        ],
      }),
    });
    if (!opts.editable) {
      // A read-only draft longer than its box scrolls: the scroller itself
      // takes the keyboard focus (WCAG 2.1.1), labelled as the draft.
      this.view.scrollDOM.tabIndex = 0;
      this.view.scrollDOM.setAttribute("role", "region");
      this.view.scrollDOM.setAttribute("aria-label", opts.label);
    }
  }

  /** The editor's text (UTF-16 string). */
  text(): string {
    return this.view.state.doc.toString();
  }

  /** The accessible label and the empty-draft placeholder (on a language change). */
  setLabels(label: string, emptyText?: string): void {
    this.view.dispatch({ effects: this.labelCompartment.reconfigure(this.labels(label, emptyText)) });
    if (!this.opts.editable) this.view.scrollDOM.setAttribute("aria-label", label);
  }

  /** A record of this document was folded: show what it changed. */
  applyRemote(op: TextOp): void {
    // A newer state took the document's text; the view replaces this editor.
    if (!this.opts.session.state.doc(this.opts.docId).loaded) return;
    const before = this.text();
    try {
      const changes = opToUtf16Changes(before, op);
      if (changes.length) this.dispatchRemote(changes);
    } catch {
      // Cannot happen while the editor mirrors the document; resync below.
    }
    this.resync();
  }

  /** Brings the editor to the document's text if they differ. */
  resync(): void {
    const doc = this.opts.session.state.doc(this.opts.docId);
    if (!doc.loaded) return;
    const want = doc.text;
    const have = this.text();
    if (want === have) return;
    const op = diff(have, want);
    this.dispatchRemote(opToUtf16Changes(have, op));
  }

  /** Others' carets, selections in code points. */
  showCursors(cursors: readonly { key: string; name: string; color: string; selections: readonly Range[] }[]): void {
    const text = this.text();
    const list: RemoteCursor[] = [];
    for (const c of cursors) {
      for (const s of c.selections) {
        list.push({
          key: c.key,
          name: c.name,
          color: c.color,
          anchor: codePointToUtf16(text, s.anchor),
          head: codePointToUtf16(text, s.head),
        });
      }
    }
    this.view.dispatch({ effects: setRemoteCursors.of(list) });
  }

  destroy(): void {
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.view.destroy();
  }

  private labels(label: string, emptyText: string | undefined) {
    return [
      EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true" }),
      emptyText ? placeholder(emptyText) : [],
    ];
  }

  private dispatchRemote(changes: { from: number; to: number; insert: string }[]): void {
    this.view.dispatch({
      changes,
      annotations: [Transaction.remote.of(true), Transaction.addToHistory.of(false)],
    });
  }

  private onTransaction(tr: Transaction): void {
    if (!tr.docChanged || tr.annotation(Transaction.remote)) return;
    const before = tr.startState.doc.toString();
    const changes: { from: number; to: number; insert: string }[] = [];
    tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
      changes.push({ from: fromA, to: toA, insert: inserted.toString() });
    });
    const op = utf16ChangesToOp(before, changes);
    this.opts.session.edit(this.opts.docId, op);
    this.typingUntil = Date.now() + TYPING_MS;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.sendPresence(), TYPING_MS + 50);
    // The document now holds exactly the editor's text; if not, the
    // conversion is wrong somewhere, and the document wins.
    if (this.opts.session.state.doc(this.opts.docId).text !== tr.state.doc.toString()) {
      console.error("kenes: editor and document differ after a local edit; resynchronising");
      queueMicrotask(() => this.resync());
    }
  }

  private schedulePresence(): void {
    if (this.presenceTimer) return;
    const wait = Math.max(0, this.lastPresenceAt + PRESENCE_INTERVAL_MS - Date.now());
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      this.sendPresence();
    }, wait);
  }

  private sendPresence(): void {
    this.lastPresenceAt = Date.now();
    const state = this.view.state;
    const text = state.doc.toString();
    const selections: Range[] = this.view.hasFocus
      ? state.selection.ranges.map((r) => ({ anchor: utf16ToCodePoint(text, r.anchor), head: utf16ToCodePoint(text, r.head) }))
      : [];
    this.opts.session.setPresence(this.opts.docId, selections, Date.now() < this.typingUntil);
  }
}
