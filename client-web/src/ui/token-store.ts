// Where the invite token is kept in the browser. localStorage remembers it
// across visits; sessionStorage remembers which token this tab uses, so that
// a chair link and a member link can be open side by side in one browser.

const KEY = (consultationId: string) => `kenes.token.${consultationId}`;
const LAST = "kenes.lastConsultation";

export function saveToken(consultationId: string, token: string): void {
  try {
    localStorage.setItem(KEY(consultationId), token);
    localStorage.setItem(LAST, consultationId);
    sessionStorage.setItem(KEY(consultationId), token);
  } catch {
    // Storage may be disabled; the token then lives only in this page.
  }
}

export function loadToken(consultationId: string): string | null {
  try {
    return sessionStorage.getItem(KEY(consultationId)) ?? localStorage.getItem(KEY(consultationId));
  } catch {
    return null;
  }
}

export function lastConsultation(): string | null {
  try {
    return localStorage.getItem(LAST);
  } catch {
    return null;
  }
}

const PROFILED = (c: string, p: string) => `kenes.profiled.${c}.${p}`;

/** Remembers that the profile question was answered, until the log says so. */
export function markProfiled(consultationId: string, participantId: string): void {
  try {
    localStorage.setItem(PROFILED(consultationId, participantId), "1");
  } catch {
    /* see saveToken */
  }
}

export function wasProfiled(consultationId: string, participantId: string): boolean {
  try {
    return localStorage.getItem(PROFILED(consultationId, participantId)) === "1";
  } catch {
    return false;
  }
}
