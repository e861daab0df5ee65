// Exports over HTTP: GET /api/consultations/<id>/export/<name> with the
// invite token as a Bearer header (replay/report/README.md). A plain link
// cannot send the header, so the page fetches and hands the bytes to the
// browser as a Blob download.

export interface ExportRequest {
  readonly url: string;
  readonly init: RequestInit;
}

/** The request for one export; name is e.g. "report.html" or "minutes/<meeting>.md". */
export function exportRequest(consultationId: string, name: string, token: string): ExportRequest {
  // The meeting id is one path segment; the "minutes/" prefix stays a slash.
  const path = name.split("/").map(encodeURIComponent).join("/");
  return {
    url: `/api/consultations/${encodeURIComponent(consultationId)}/export/${path}`,
    init: { method: "GET", headers: { Authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit" },
  };
}

export type ExportFailureKind = "unauthorized" | "forbidden" | "notFound" | "unavailable" | "busy" | "failed" | "network";

export interface ExportFailure {
  readonly kind: ExportFailureKind;
  readonly status: number;
  /** The server's own words (its plain-text body), trimmed; may be empty. */
  readonly message: string;
}

/** What a refused answer means, from its status and body. */
export function exportFailure(status: number, body: string): ExportFailure {
  const message = body.trim().slice(0, 500);
  const kind: ExportFailureKind =
    status === 401
      ? "unauthorized"
      : status === 403
        ? "forbidden"
        : status === 404
          ? "notFound"
          : status === 501
            ? "unavailable"
            : // One export per person at a time, and a bounded queue (issue 17).
              status === 429 || status === 503
              ? "busy"
              : "failed";
  return { kind, status, message };
}

/** The file name from Content-Disposition (attachment; filename="…"), or the fallback. */
export function fileNameFrom(contentDisposition: string | null, fallback: string): string {
  const m = /filename="([^"]+)"/.exec(contentDisposition ?? "");
  const name = m?.[1] ?? fallback;
  // Never a path: the browser strips it too, but say what is meant.
  return name.replace(/[/\\]/g, "_");
}

export type ExportResult =
  | { readonly ok: true; readonly blob: Blob; readonly fileName: string; readonly logHead: string }
  | { readonly ok: false; readonly failure: ExportFailure };

/** Fetches one export. Never throws: a network error is a failure too. */
export async function fetchExport(
  consultationId: string,
  name: string,
  token: string,
  fetchFn: typeof fetch = fetch,
): Promise<ExportResult> {
  const req = exportRequest(consultationId, name, token);
  let res: Response;
  try {
    res = await fetchFn(req.url, req.init);
  } catch (e) {
    return { ok: false, failure: { kind: "network", status: 0, message: e instanceof Error ? e.message : String(e) } };
  }
  if (!res.ok) return { ok: false, failure: exportFailure(res.status, await res.text().catch(() => "")) };
  const fallback = `${consultationId}-${name.replace(/\//g, "-")}`;
  return {
    ok: true,
    blob: await res.blob(),
    fileName: fileNameFrom(res.headers.get("Content-Disposition"), fallback),
    logHead: res.headers.get("X-Kenes-Log-Head") ?? "",
  };
}
