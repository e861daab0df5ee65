// The application shell: routes, the top bar (consultation, connection state,
// language), notices, and the current view. It owns the one Session of the
// page and forwards what the session reports to the view on screen.
import { Role } from "../gen/kenes/v1/protocol_pb";
import { LANGUAGES, type Language, language, onLanguageChange, pickLanguage, setLanguage, t } from "../i18n";
import { type FoldEffect, indicatorDocId, readInvitePayload, reportSlugOf, tokenFromFragment } from "../model";
import {
  IndexedDbOfflineStore,
  IndexedDbStateStore,
  MemoryOfflineStore,
  ErrorCode,
  type OfflineStore,
  type RegistrationDetails,
  Session,
  type StateStore,
  browserSocketFactory,
  sameOriginSocketUrl,
} from "../net";
import { renderConnectionBadge } from "./connection-badge";
import { h, replaceChildren } from "./dom";
import { IndicatorView } from "./indicator-view";
import { JoinView } from "./join-view";
import { errorSentence, reportSectionTitle, roleName } from "./labels";
import { MeetingBar } from "./meeting-bar";
import { ClosedPollNews, pollHome } from "./closed-poll-news";
import { OutcomeBanner } from "./outcome-banner";
import { NotificationsDialog } from "./notifications-dialog";
import { OverviewView } from "./overview-view";
import { PresenterView } from "./presenter-view";
import { DraftPage } from "./draft-page";
import { recommendationView } from "./recommendation-view";
import { renderRegisterView } from "./register-view";
import { PeopleView } from "./people-view";
import { ReportView } from "./report-view";
import { reportSectionView } from "./report-section-view";
import { type Route, indicatorPath, overviewPath, parseRoute, peoplePath, reportPath } from "./router";
import { lastConsultation, loadToken, markProfiled, saveToken, wasProfiled } from "./token-store";
import type { Answered, RequestKind, View, ViewContext } from "./view";

const LANG_KEY = "kenes.language";
const FOLLOW_KEY = "kenes.followChair";
const CLIENT_VERSION = "kenes-web/0.1";

export class App {
  private session: Session | null = null;
  private consultationId = "";
  private view: View | null = null;
  private route: Route = { kind: "home" };
  private ready = false;
  private visitRecorded = false;
  private showingJoin = false;
  private readonly topbar = h("header", { class: "topbar" });
  private readonly connection = h("div", { id: "connection", class: "conn" });
  private readonly announcer = h("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  private readonly notices = h("div", { class: "notices", "aria-live": "assertive" });
  private readonly main = h("main", { id: "main", tabindex: "-1" });
  /** The outcome of a poll that closed while this page watched (issue 20). */
  private readonly outcome = new OutcomeBanner(
    () => this.session!.state,
    () => this.main.focus(),
  );
  private readonly pollNews = new ClosedPollNews();
  private readonly shown = new Map<string, HTMLElement>();
  private refreshQueued = false;
  private discussionQueued = false;
  private fullRefresh = false;
  private meetingBar: MeetingBar | null = null;
  private notifications: NotificationsDialog | null = null;
  private rosterTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly meetingHost = h("div", { class: "meeting-host" });
  /** Requests waiting for their Ack or Error, by request id. */
  private readonly waiting = new Map<number, Answered>();
  private prefetched = false;
  private lastStopMessage = "";

  constructor(private readonly root: HTMLElement) {}

  start(): void {
    this.initLanguage();
    this.root.replaceChildren(
      h("a", { class: "skip-link", href: "#main" }, t("skip.toContent")),
      this.topbar,
      this.meetingHost,
      this.notices,
      this.announcer,
      this.outcome.el,
      this.main,
    );
    document.addEventListener("click", (e) => this.interceptLink(e));
    window.addEventListener("popstate", () => this.routeChanged(parseRoute(location.pathname)));
    onLanguageChange(() => this.languageChanged());
    this.renderTopbar();
    this.boot();
  }

  // ---------------------------------------------------------------- routing

  private boot(): void {
    let route = parseRoute(location.pathname);
    if (route.kind === "join") {
      const token = tokenFromFragment(location.hash);
      const payload = token ? readInvitePayload(token) : null;
      if (!token || !payload) {
        this.messagePage(t("home.title"), t("home.badLink"));
        return;
      }
      if (payload.registrationId) {
        // A workshop's registration link: who they are first; the link stays
        // in the address bar until the server gives them a link of their own.
        this.consultationId = payload.consultationId;
        this.route = { kind: "overview", consultationId: payload.consultationId };
        this.registerPage(token, payload.name, roleFromName(payload.role), "");
        return;
      }
      saveToken(payload.consultationId, token);
      // Drop the token from the address bar and from history.
      history.replaceState(null, "", overviewPath(payload.consultationId));
      route = { kind: "overview", consultationId: payload.consultationId };
    } else if (route.kind === "home") {
      const last = lastConsultation();
      if (last && loadToken(last)) {
        history.replaceState(null, "", overviewPath(last));
        route = { kind: "overview", consultationId: last };
      } else {
        this.messagePage(t("home.title"), t("home.body"));
        return;
      }
    }
    this.route = route;
    const token = loadToken(route.consultationId);
    if (!token) {
      this.messagePage(t("home.title"), t("home.noInvite"));
      return;
    }
    this.consultationId = route.consultationId;
    this.main.replaceChildren(h("p", { class: "loading", role: "status" }, t("overview.loading")));
    void this.openSession(token);
  }

  /** `path` may end in a #fragment (a poll on an indicator page: "#poll-3"), kept in the address. */
  private navigate(path: string): void {
    const next = parseRoute(new URL(path, location.origin).pathname);
    if (next.kind === "home" || next.kind === "join" || next.consultationId !== this.consultationId) {
      location.assign(path);
      return;
    }
    history.pushState(null, "", path);
    this.routeChanged(next);
  }

  private routeChanged(route: Route): void {
    if (route.kind === "home" || route.kind === "join" || route.consultationId !== this.consultationId) {
      location.reload();
      return;
    }
    this.route = route;
    // The top bar marks the page it links to (aria-current).
    if (this.ready) this.renderTopbar();
    if (this.ready && !this.showingJoin) this.showRouteView(true);
  }

  private interceptLink(e: MouseEvent): void {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.("a");
    if (!a || a.target || a.origin !== location.origin || !a.pathname.startsWith("/c/")) return;
    e.preventDefault();
    this.navigate(a.pathname + a.hash);
  }

  // ---------------------------------------------------------------- session

  /** The registration form; `problem` is what the server said of the last try. */
  private registerPage(token: string, label: string, role: Role, problem: string, previous?: RegistrationDetails): void {
    this.view?.destroy();
    this.view = null;
    replaceChildren(
      this.main,
      renderRegisterView({
        label,
        role,
        problem,
        previous,
        submit: (details) => {
          this.main.replaceChildren(h("p", { class: "loading", role: "status" }, t("overview.loading")));
          void this.openSession(token, details, () => this.registerPage(token, label, role, this.lastStopMessage, details));
        },
      }),
    );
    (this.main.querySelector("#register-title") as HTMLElement | null)?.focus();
  }

  /**
   * `registration`: who registers with a registration link's token; if the
   * server refuses them in a way they can mend (a name someone has),
   * `registrationRefused` shows the form again.
   */
  private async openSession(token: string, registration?: RegistrationDetails, registrationRefused?: () => void): Promise<void> {
    const payload = readInvitePayload(token);
    // A registrant's unsent work is theirs once they have an id; before
    // Welcome there is none to keep.
    const owner = payload && !registration ? `${payload.consultationId}/${payload.participantId}` : `${this.consultationId}/${token.slice(-16)}`;
    let store: OfflineStore = typeof indexedDB !== "undefined" ? new IndexedDbOfflineStore() : new MemoryOfflineStore();
    // The folded consultation is kept too: a reload asks only for the records since.
    let stateStore: StateStore | undefined = typeof indexedDB !== "undefined" ? new IndexedDbStateStore() : undefined;
    let session: Session;
    try {
      session = await Session.open({ url: sameOriginSocketUrl(location), token, owner, store, stateStore, socketFactory: browserSocketFactory, clientVersion: CLIENT_VERSION, isOnline: () => navigator.onLine, registration });
    } catch (e) {
      // IndexedDB unavailable (private mode in some browsers): edits then
      // survive reconnects but not a reload.
      console.warn("kenes: offline storage unavailable", e);
      store = new MemoryOfflineStore();
      stateStore = undefined;
      session = await Session.open({ url: sameOriginSocketUrl(location), token, owner, store, socketFactory: browserSocketFactory, clientVersion: CLIENT_VERSION, isOnline: () => navigator.onLine, registration });
    }
    this.session = session;
    let registering = registration !== undefined;
    session.subscribe({
      status: (s) => {
        renderConnectionBadge(this.connection, s, this.announcer);
        // A lost connection answers nothing: tell whoever waits.
        if (s.state !== "online" && this.waiting.size) {
          const all = [...this.waiting.values()];
          this.waiting.clear();
          for (const f of all) f(errorSentence(9 as ErrorCode));
        }
        if (s.state === "stopped" && s.stopReason !== undefined) {
          this.lastStopMessage = s.stopMessage;
          if (registering && registrationRefused && s.stopReason === ErrorCode.INVALID_ARGUMENT) {
            this.session = null;
            registrationRefused();
          } else {
            this.stoppedPage(s.stopReason, s.stopMessage);
          }
        }
      },
      welcome: () => this.renderTopbar(),
      registered: (own) => {
        registering = false;
        saveToken(this.consultationId, own);
        history.replaceState(null, "", overviewPath(this.consultationId));
      },
      caughtUp: () => this.caughtUp(),
      joined: () => this.joined(),
      folded: (e) => this.folded(e),
      presence: () => this.view?.presenceChanged?.(),
      docReset: (docId) => {
        this.view?.docReset?.(docId);
        this.notice("reset", t("notice.reset"));
      },
      docRebased: (docId) => this.view?.docReset?.(docId),
      startedOver: (lost) => {
        if (lost.length) this.notice("unsent-lost", t("notice.unsentLost", { drafts: lost.map((d) => this.draftName(d)).join(", ") }));
        else this.notice("started-over", t("notice.startedOver"));
      },
      problem: (code) => this.problem(code),
      acked: (id) => {
        const f = this.waiting.get(id);
        this.waiting.delete(id);
        f?.(null);
      },
      refused: (id, code, message) => {
        const f = this.waiting.get(id);
        this.waiting.delete(id);
        // The translated sentence, then the server's own words (English,
        // naming e.g. the first invalid poll setting).
        const text = message ? `${errorSentence(code)} (${message})` : errorSentence(code);
        if (f) f(text);
        else this.notice(`refused-${id}`, text);
      },
      rosterBalance: () => this.view?.refresh(),
      docAcked: (docId) => {
        if (this.ready && !this.showingJoin) this.view?.textFolded?.(docId, []);
      },
    });
    window.addEventListener("online", () => session.networkChanged(true));
    window.addEventListener("offline", () => session.networkChanged(false));
    // Best effort: what arrived in the last two seconds (the rest is kept already).
    window.addEventListener("pagehide", () => void session.flushState());
    this.exposeForTests(session);
    renderConnectionBadge(this.connection, session.status());
    // A kept state is shown at once, with no network too; the catch-up follows.
    if (session.restoredSeq > 0) this.showState();
    session.start();
  }

  private caughtUp(): void {
    this.renderTopbar();
    if (!this.visitRecorded) {
      this.visitRecorded = true;
      this.recordVisit();
    }
    if (this.ready) {
      // Shown from the kept state before: now it has the records since.
      if (!this.showingJoin) {
        this.meetingBar?.refresh();
        this.view?.refresh();
      }
    } else {
      this.showState();
    }
    this.pollsChanged();
  }

  /**
   * Polls changed: tell the close of one this page saw open (the latest, if
   * several closed at once), or redraw the outcome on show with the figures
   * now in. Only while live: what a catch-up or a kept state brings is not
   * news (closed-poll-news.ts).
   */
  private pollsChanged(): void {
    const s = this.session;
    if (!s || s.status().state !== "online") return;
    const news = this.pollNews.look(s.state.assessment.polls.values());
    const last = news[news.length - 1];
    if (last) {
      const r = this.route;
      const home = pollHome(s.state, last, r.kind === "indicator" ? r.indicatorId : undefined);
      this.outcome.show(last.id, home ? `${indicatorPath(this.consultationId, home)}#poll-${encodeURIComponent(last.id)}` : "");
    } else {
      this.outcome.refresh();
    }
  }

  /** The first screen, once there is a state: after the first catch-up, or at once from the kept one. */
  private showState(): void {
    this.renderTopbar();
    this.ready = true;
    const s = this.session!;
    const me = this.me();
    const p = s.state.participants.get(me.id);
    if (!p?.profiled && !wasProfiled(this.consultationId, me.id)) {
      this.showingJoin = true;
      this.setView(
        new JoinView(this.context(), () => {
          markProfiled(this.consultationId, me.id);
          this.showingJoin = false;
          this.showRouteView(true);
        }),
        true,
      );
      return;
    }
    this.showRouteView(false);
  }

  /**
   * A JoinState replaced the state (a return from far behind; the first one
   * comes before anything is shown). Redraw at once, before the records
   * that follow reach a view still holding a draft whose text went with it.
   */
  private joined(): void {
    this.pollsChanged();
    if (!this.ready || this.showingJoin) return;
    this.renderTopbar();
    this.meetingBar?.refresh();
    this.view?.refresh();
  }

  /**
   * Once the overview is up: the texts of the drafts assigned to me, one at
   * a time, so that opening them is instant (a page that folded the log
   * has every text already: nothing is asked).
   */
  private prefetchAssigned(): void {
    const s = this.session;
    if (this.prefetched || !s) return;
    this.prefetched = true;
    const me = this.me().id;
    const docs = [...s.state.assessment.indicators].filter(([, a]) => a.assignees.includes(me)).map(([id]) => indicatorDocId(id));
    setTimeout(async () => {
      for (const docId of docs) {
        if (s.status().state === "stopped") return;
        try {
          await s.openDocument(docId);
        } catch {
          // Opening it for real will say why.
        }
      }
    }, 500);
  }

  /**
   * Once per page load, after the first catch-up: fix the baseline of "what
   * changed since your last visit", then log this visit (RecordVisit).
   */
  private recordVisit(): void {
    const s = this.session!;
    const d = s.state.discussion;
    if (d.previousVisit !== undefined) return;
    d.previousVisit = d.lastVisit() ?? null;
    this.context().request({ case: "recordVisit", value: { seenSeq: BigInt(s.state.lastSeq) } }, (refusal) => {
      if (refusal) console.warn("kenes: visit not recorded:", refusal);
    });
  }

  private folded(e: FoldEffect): void {
    if (!this.ready) return;
    if (e.kind === "discussion") {
      // Threads change only the threads panel and the overview's counts.
      if (this.discussionQueued) return;
      this.discussionQueued = true;
      requestAnimationFrame(() => {
        this.discussionQueued = false;
        if (this.showingJoin) return;
        if (this.view?.discussionChanged) this.view.discussionChanged();
        else this.view?.refresh();
      });
      return;
    }
    if (e.kind === "text") {
      if (e.result.kind === "remote") this.view?.textFolded?.(e.docId, e.result.op);
      else if (e.result.kind === "own") this.view?.textFolded?.(e.docId, []);
      return;
    }
    if (e.kind === "ignored") return;
    if (e.kind === "notifications") {
      this.notifications?.refresh();
      return;
    }
    if (e.kind === "roster") this.rosterChanged();
    if (e.kind === "assessment" && e.change.kind === "poll") this.pollsChanged();
    if (e.kind === "assessment" && e.change.kind === "meeting") this.meetingBar?.refresh();
    // Title, framework, roster or scope changed: redraw once per frame. A
    // status, poll or meeting change redraws only what shows them, so a
    // stream of ballots never re-renders (and blurs) the draft's editor.
    if (e.kind !== "assessment" || e.change.kind === "scope") this.fullRefresh = true;
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    requestAnimationFrame(() => {
      this.refreshQueued = false;
      const full = this.fullRefresh;
      this.fullRefresh = false;
      if (full) this.renderTopbar();
      if (!this.showingJoin) {
        this.meetingBar?.refresh();
        if (full || !this.view?.assessmentChanged) this.view?.refresh();
        else this.view.assessmentChanged();
      }
    });
  }

  /** The chair's balance panel follows the roster: ask again, at most once a second. */
  private rosterChanged(): void {
    if (this.me().role !== Role.CHAIR || this.rosterTimer !== null || !this.session) return;
    this.rosterTimer = setTimeout(() => {
      this.rosterTimer = null;
      this.session?.request({ case: "getRosterBalance", value: {} });
    }, 1000);
  }

  private problem(code: ErrorCode): void {
    this.notice(`error-${code}`, errorSentence(code));
  }

  private me(): ViewContext["me"] {
    const w = this.session?.welcome;
    const p = w ? this.session!.state.participants.get(w.participantId) : undefined;
    return { id: w?.participantId ?? "", name: p?.displayName || w?.displayName || "", role: w?.role ?? Role.UNSPECIFIED };
  }

  private context(): ViewContext {
    const self = this;
    return {
      session: this.session!,
      consultationId: this.consultationId,
      get me() {
        return self.me();
      },
      navigate: (path) => this.navigate(path),
      request: (kind: RequestKind, answered?: Answered) => {
        const id = this.session?.request(kind) ?? 0;
        if (id === 0) {
          const text = errorSentence(9 as ErrorCode);
          if (answered) answered(text);
          else this.notice("not-live", text);
          return;
        }
        if (answered) this.waiting.set(id, answered);
      },
      following: () => {
        try {
          return localStorage.getItem(FOLLOW_KEY) === "1";
        } catch {
          return false;
        }
      },
      setFollowing: (on: boolean) => {
        try {
          localStorage.setItem(FOLLOW_KEY, on ? "1" : "0");
        } catch {
          /* kept for this page only */
        }
      },
    };
  }

  // ---------------------------------------------------------------- views

  private showRouteView(focus: boolean): void {
    const r = this.route;
    if (!this.meetingBar) {
      this.meetingBar = new MeetingBar(this.context());
      this.meetingHost.replaceChildren(this.meetingBar.el);
    }
    this.meetingHost.hidden = r.kind === "present";
    // The wall shows the result itself (wall-poll.ts).
    this.outcome.el.hidden = r.kind === "present";
    this.meetingBar.refresh();
    if (r.kind === "present") this.setView(new PresenterView(this.context()), focus);
    else if (r.kind === "indicator") this.setView(new IndicatorView(this.context(), r.indicatorId), focus);
    else if (r.kind === "recommendation") this.setView(recommendationView(this.context(), r.categoryId, r.group), focus);
    else if (r.kind === "report") this.setView(new ReportView(this.context()), focus);
    else if (r.kind === "reportSection") this.setView(reportSectionView(this.context(), r.slug), focus);
    else if (r.kind === "people") this.setView(new PeopleView(this.context()), focus);
    else if (r.kind === "overview") {
      this.setView(new OverviewView(this.context()), focus);
      this.prefetchAssigned();
    }
    const title = this.session?.state.title;
    document.title = title ? `${title} — ${t("app.name")}` : t("app.name");
    // Pages with no draft: not "on this draft" any more for the others.
    if (r.kind === "overview" || r.kind === "report") this.session?.setPresence("", [], false);
  }

  private setView(v: View, focus: boolean): void {
    this.view?.destroy();
    this.view = v;
    this.main.replaceChildren(v.el);
    if (focus) v.focus?.();
  }

  private messagePage(title: string, body: string): void {
    this.view?.destroy();
    this.view = null;
    replaceChildren(this.main, h("section", { class: "page message card" }, h("h1", { tabindex: "-1" }, title), h("p", {}, body)));
  }

  private stoppedPage(code: ErrorCode, serverMessage = ""): void {
    // The server's own words (English) say which of several reasons it was:
    // a link replaced by a newer one, a registration link that is full.
    this.messagePage(t("stopped.title"), serverMessage ? `${errorSentence(code)} (${serverMessage})` : errorSentence(code));
    const again = h("button", { type: "button", class: "primary", onclick: () => location.reload() }, t("stopped.again"));
    this.main.querySelector(".page")?.append(h("div", { class: "actions" }, again));
  }

  /** A draft's name for a sentence: its indicator's id and title, a report section's title, else its id. */
  private draftName(docId: string): string {
    const section = reportSlugOf(docId);
    if (section) return reportSectionTitle(section);
    const id = docId.startsWith("indicator/") ? docId.slice("indicator/".length) : "";
    const ind = id ? this.session?.state.findIndicator(id) : undefined;
    return ind ? `${ind.id} ${ind.title}` : docId;
  }

  private notice(key: string, text: string): void {
    if (this.shown.has(key)) return;
    const close = () => {
      el.remove();
      this.shown.delete(key);
    };
    const el = h(
      "div",
      { class: "notice", role: "alert" },
      h("p", {}, text),
      h("button", { type: "button", class: "link", onclick: close }, t("notice.dismiss")),
    );
    this.shown.set(key, el);
    this.notices.append(el);
    setTimeout(close, 12_000);
  }

  // ---------------------------------------------------------------- top bar

  private renderTopbar(): void {
    const st = this.session?.state;
    const me = this.me();
    const langSelect = h(
      "select",
      {
        id: "lang-select",
        onchange: (e) => {
          const lang = (e.target as HTMLSelectElement).value as Language;
          try {
            localStorage.setItem(LANG_KEY, lang);
          } catch {
            /* not remembered, still switched */
          }
          setLanguage(lang);
        },
      },
      LANGUAGES.map((l) => h("option", { value: l.code, lang: l.code, selected: l.code === language() }, l.name)),
    );
    replaceChildren(
      this.topbar,
      h(
        "div",
        { class: "brand" },
        this.consultationId
          ? h("a", { href: overviewPath(this.consultationId), class: "brand-name" }, t("app.name"))
          : h("span", { class: "brand-name" }, t("app.name")),
        st?.title ? h("span", { class: "consultation-title" }, st.title) : null,
      ),
      h(
        "div",
        { class: "topbar-right" },
        this.connection,
        me.id && this.consultationId
          ? h("a", { href: reportPath(this.consultationId), id: "report-link", "aria-current": this.route.kind === "report" ? "page" : null }, t("report.link"))
          : null,
        me.id && me.role === Role.CHAIR && this.consultationId
          ? h("a", { href: peoplePath(this.consultationId), id: "people-link", "aria-current": this.route.kind === "people" ? "page" : null }, t("people.title"))
          : null,
        me.id ? h("span", { class: "me" }, me.name, h("span", { class: "muted" }, ` · ${roleName(me.role)}`)) : null,
        me.id ? this.notificationsButton() : null,
        h("div", { class: "lang" }, h("label", { for: "lang-select" }, t("lang.label")), langSelect),
      ),
    );
  }

  /** The e-mail digest settings, once the session knows who we are. */
  private notificationsButton(): HTMLElement {
    if (!this.notifications) this.notifications = new NotificationsDialog(() => this.context());
    this.notifications.refresh();
    return this.notifications.button;
  }

  private initLanguage(): void {
    let lang: Language | null = null;
    try {
      const saved = localStorage.getItem(LANG_KEY);
      if (saved === "en" || saved === "ru" || saved === "kk") lang = saved;
    } catch {
      /* default below */
    }
    setLanguage(lang ?? pickLanguage(navigator.languages ?? [navigator.language]));
    document.documentElement.lang = language();
  }

  private languageChanged(): void {
    document.documentElement.lang = language();
    (this.root.querySelector(".skip-link") as HTMLElement | null)?.replaceChildren(t("skip.toContent"));
    const focused = document.activeElement?.id;
    this.renderTopbar();
    if (this.session) renderConnectionBadge(this.connection, this.session.status());
    this.meetingBar?.refresh();
    this.view?.refresh();
    this.outcome.refresh();
    if (focused) document.getElementById(focused)?.focus();
  }

  private exposeForTests(session: Session): void {
    // Read-only hooks for the end-to-end tests and for debugging in the console.
    (window as unknown as { kenes: unknown }).kenes = {
      status: () => session.status(),
      docText: (docId: string) => session.state.doc(docId).text,
      docLoaded: (docId: string) => session.state.doc(docId).loaded,
      subscribedFrom: () => session.subscribedFrom,
      restoredSeq: () => session.restoredSeq,
      bytes: () => ({ received: session.bytesReceived, toFirstCatchUp: session.bytesToFirstCatchUp }),
      editorText: () => (this.view instanceof IndicatorView || this.view instanceof PresenterView || this.view instanceof DraftPage ? this.view.editorText() : null),
      indicatorStatus: (id: string) => session.state.assessment.indicators.get(id)?.status ?? 1,
      poll: (id: string) => {
        const p = session.state.assessment.polls.get(id);
        const u = p?.update;
        return p ? { phase: p.phase, voters: Number(u?.voters ?? 0n), results: !!u?.results, passed: !!u?.results?.passed, closed: !!u?.closed } : null;
      },
      pollIds: () => [...session.state.assessment.polls.keys()],
      lastSeq: () => session.state.lastSeq,
      clientId: () => session.clientId,
      indicatorPath: (id: string) => indicatorPath(this.consultationId, id),
      thread: (id: string) => {
        const th = session.state.discussion.threads.get(id);
        if (!th) return null;
        const a = th.anchor;
        return {
          resolved: th.resolved,
          attached: a ? a.attached : null,
          text: a && a.attached && session.state.doc(th.docId).loaded ? Array.from(session.state.doc(th.docId).confirmedText).slice(a.from, a.to).join("") : null,
          suggestion: th.suggestion?.status ?? null,
          comments: th.comments.length,
          unread: session.state.discussion.unread(id),
        };
      },
      threadIds: () => [...session.state.discussion.threads.keys()],
    };
  }
}

/** The role a link names ("member"), as the enum; UNSPECIFIED for anything else. */
function roleFromName(name: string): Role {
  switch (name) {
    case "chair":
      return Role.CHAIR;
    case "researcher":
      return Role.RESEARCHER;
    case "member":
      return Role.MEMBER;
    case "observer":
      return Role.OBSERVER;
    default:
      return Role.UNSPECIFIED;
  }
}
