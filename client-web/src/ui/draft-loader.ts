// A draft's text may not be in the page: a page that joined by state
// (issue 16) knows each draft by its version until the draft is opened, and
// a return from far behind takes the text of every draft that moved
// meanwhile. The views that show a draft's text ask for it here first, show
// "Loading the draft…" until it is in, and draw the editor once it is.
import { t } from "../i18n";
import { OpenDocumentRefusal } from "../net";
import { h } from "./dom";
import { errorSentence } from "./labels";
import type { ViewContext } from "./view";

export class DraftLoader {
  private asking = "";
  // A refusal is final for this view (a malformed address): shown, not asked again.
  private readonly refused = new Map<string, string>();
  private destroyed = false;

  /** `arrived` is called when an asked-for draft's text is in (or was refused). */
  constructor(
    private readonly ctx: ViewContext,
    private readonly arrived: (docId: string) => void,
  ) {}

  /** Whether docId's text is here; if not, asks for it (once) and returns false. */
  ready(docId: string): boolean {
    if (this.ctx.session.state.doc(docId).loaded) return true;
    if (this.asking !== docId && !this.refused.has(docId)) {
      this.asking = docId;
      this.ctx.session.openDocument(docId).then(
        () => this.done(docId),
        (e: unknown) => {
          this.refused.set(docId, e instanceof OpenDocumentRefusal ? errorSentence(e.code) : String(e));
          this.done(docId);
        },
      );
    }
    return false;
  }

  /** What to show in the draft's place meanwhile. */
  placeholder(docId: string): HTMLElement {
    const refusal = this.refused.get(docId);
    return refusal !== undefined
      ? h("p", { class: "field-error", role: "alert" }, t("indicator.openFailed", { reason: refusal }))
      : h("p", { class: "loading draft-loading", role: "status" }, t("indicator.loading"));
  }

  destroy(): void {
    this.destroyed = true;
  }

  private done(docId: string): void {
    if (this.asking === docId) this.asking = "";
    if (!this.destroyed) this.arrived(docId);
  }
}
