// Every string the interface shows, by key. English is the reference: every
// other language must define exactly these keys (the type checker enforces it,
// and tests/model/i18n.test.ts checks that no translation is left empty).
// Content that people type (drafts, names) is never translated.
//
// A plural entry has the Intl.PluralRules categories the language needs;
// "{n}" and other "{name}" placeholders are filled in by t().

export type Plural = { readonly one?: string; readonly few?: string; readonly many?: string; readonly other: string };
export type Entry = string | Plural;

export const en = {
  "app.name": "Kenes",
  "app.tagline": "Consultation",
  "lang.label": "Language",
  "skip.toContent": "Skip to main content",

  "conn.connecting": "Connecting…",
  "conn.online": "Online",
  "conn.saved": "All changes saved",
  "conn.saving": "Saving…",
  "conn.reconnecting": "Reconnecting…",
  "conn.offline": "Offline",
  "conn.stopped": "Disconnected",
  "conn.unsent": { one: "{n} edit not yet saved", other: "{n} edits not yet saved" },
  "conn.offlineHint": "You can keep working. Your edits are kept in this browser and saved when the connection is back.",

  "home.title": "Welcome to Kenes",
  "home.body": "Open the invite link you received to join your consultation.",
  "home.noInvite": "This browser has no invite for this consultation. Open the invite link you received, or ask the chair for a new one.",
  "home.badLink": "This link is incomplete. Copy the whole invite link from your message and open it again.",

  "role.chair": "Chair",
  "role.researcher": "Researcher",
  "role.member": "Advisory board member",
  "role.observer": "Observer",
  "role.unknown": "Participant",

  "group.1": "Government",
  "group.2": "Academia",
  "group.3": "Technical community",
  "group.4": "Private sector",
  "group.5": "Media",
  "group.6": "Civil society",
  "group.7": "Users",
  "group.8": "UN and intergovernmental organisations",
  "group.9": "National IGF",
  "group.10": "Other",

  "join.title": "Welcome to {title}",
  "join.invitedAs": "You are invited as: {role}.",
  "join.intro": "Before you start, please tell the others who you are. We ask this only once.",
  "join.name": "Your name, as others will see it",
  "join.group": "Stakeholder group",
  "join.groupHelp": "The advisory board brings together every stakeholder group. Choose the one you represent.",
  "join.groupChoose": "Choose a group…",
  "join.gender": "Gender (optional)",
  "join.genderHelp": "In your own words, or leave it empty. It is used only to show that the board is balanced.",
  "join.submit": "Continue",
  "join.nameRequired": "Please enter your name.",
  "join.groupRequired": "Please choose a stakeholder group.",

  "overview.loading": "Loading the consultation…",
  "overview.edition": "Framework: {edition}",
  "overview.scopeAll": "All indicators are assessed.",
  "overview.scopeCore": "Only core indicators are assessed.",
  "overview.coreOnly": "Show core indicators only",
  "overview.progress": "{done} of {total} drafts started",
  "overview.core": "Core",
  "overview.notStarted": "Not started",
  "overview.started": "Draft started",
  "overview.empty": "This consultation has no indicators yet.",
  "overview.noneMatch": "No core indicators in this category.",
  "overview.themes": { one: "{n} theme", other: "{n} themes" },
  "overview.indicators": { one: "{n} indicator", other: "{n} indicators" },
  "overview.openThreads": { one: "{n} open thread", other: "{n} open threads" },
  "overview.assignees": "Assigned to {names}",

  "indicator.back": "Back to the overview",
  "indicator.draft": "Draft",
  "indicator.editorLabel": "Draft of indicator {id}",
  "indicator.readOnly": "You can read this draft. Only the chair and researchers can edit it.",
  "indicator.sources": "Suggested sources",
  "indicator.notFound": "There is no indicator {id} in this consultation.",
  "indicator.loading": "Loading the draft…",
  "indicator.core": "Core indicator",
  "indicator.emptyEditable": "Start writing the draft here…",
  "indicator.emptyReadOnly": "Nothing has been written yet.",

  "presence.title": "Here now",
  "presence.alone": "No one else is here right now.",
  "presence.you": "You",
  "presence.typing": "typing…",
  "presence.onOverview": "on the overview",
  "presence.onIndicator": "on indicator {id}",
  "presence.onThis": "on this draft",

  "notice.dismiss": "Dismiss",
  "notice.reset": "Your latest changes to this draft could not be saved, so the draft shows the saved text again.",

  "stopped.title": "You are disconnected",
  "stopped.again": "Try again",

  "error.0": "Something went wrong. Please try again.",
  "error.1": "The server could not read a message from this page. Reload the page; if it happens again, tell the chair.",
  "error.2": "This page is older than the server. Reload the page to get the latest version.",
  "error.3": "That change is too large to send at once. Try smaller steps.",
  "error.4": "The connection was not signed in. Reconnecting…",
  "error.5": "This invite link is not valid. Ask the chair for a new one.",
  "error.6": "This invite link has expired. Ask the chair for a new one.",
  "error.7": "Your access to this consultation has been removed by the chair.",
  "error.8": "Your role does not allow this action.",
  "error.9": "The connection was not ready yet. Reconnecting…",
  "error.10": "Your latest change did not fit the draft and was not saved.",
  "error.11": "Your latest change contained text that could not be read and was not saved.",
  "error.12": "The draft on this page is out of step with the server. Reload the page.",
  "error.13": "This page was away too long to merge your change. Reload the page.",
  "error.14": "A change was sent out of order. It is being sent again.",
  "error.15": "You are making changes very quickly. They will be sent in a moment.",
  "error.16": "The connection was too slow to keep up. Reconnecting…",
  "error.17": "The server has too many connections right now. Retrying shortly…",
  "error.18": "The server could not save your change. It will be tried again; nothing was lost on this page.",
  "error.19": "The server is restarting. Reconnecting shortly…",
  "error.20": "The server had a problem. Reconnecting…",
  "error.21": "The server did not accept that request.",
  // Indicators, polls, meetings (issue 7).
  "error.30": "That item does not exist (any more).",
  "error.31": "The poll is closed.",
  "error.32": "The poll is not open.",
  "error.33": "Your role does not vote in this poll.",
  "error.34": "That ballot does not fit the poll.",
  "error.35": "The poll's settings are not valid.",
  "error.36": "Your role may not set that status.",
  "error.37": "The meeting is not in a state that allows this.",
} as const satisfies Record<string, Entry>;

export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: (typeof en)[K] extends string ? string : Plural };
