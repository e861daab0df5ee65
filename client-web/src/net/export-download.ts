// Exports over HTTP: GET /api/consultations/<id>/export/<name>?lang=…[&variant=…]
// with the invite token as a Bearer header (replay/report/README.md). A
// plain link cannot send the header, so the page fetches and hands the bytes
// to the browser as a Blob download.
//
// Every export is made in one of the team's languages (`lang`). The report
// (report.md, report.html, report.docx, and nothing else: the server refuses
// the parameter elsewhere) comes in two variants (issue 19): the publication,
// what a reader of the published report sees, and the working copy,
// everything the team needs — statuses, assignees, versions.

export type ExportLanguage = "en" | "ru" | "kk";
export type ReportVariant = "publication" | "working";

export interface ExportOptions {
  readonly lang: ExportLanguage;
  /** For the report only; other exports never send it. */
  readonly variant: ReportVariant;
}

/** What a reader gets unless the team asks for the working copy. */
export const DEFAULT_REPORT_VARIANT: ReportVariant = "publication";

const REPORT_EXPORTS: readonly string[] = ["report.md", "report.html", "report.docx"];

/** Whether an export comes in the two variants (the report's three formats). */
export function takesVariant(name: string): boolean {
  return REPORT_EXPORTS.includes(name);
}

export interface ExportRequest {
  readonly url: string;
  readonly init: RequestInit;
}

/**
 * The request for one export; name is e.g. "report.html" or
 * "minutes/<meeting>.md". The variant is sent only with the report.
 */
export function exportRequest(consultationId: string, name: string, token: string, options: ExportOptions): ExportRequest {
  // The meeting id is one path segment; the "minutes/" prefix stays a slash.
  const path = name.split("/").map(encodeURIComponent).join("/");
  // Plain ASCII codes, unencoded: the server compares them as sent.
  const query = takesVariant(name) ? `lang=${options.lang}&variant=${options.variant}` : `lang=${options.lang}`;
  return {
    url: `/api/consultations/${encodeURIComponent(consultationId)}/export/${path}?${query}`,
    init: { method: "GET", headers: { Authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit" },
  };
}

/**
 * The file name when the server gives none: the consultation, the export,
 * its language and (for the report) its variant, so that a Kazakh
 * publication and a Russian working copy never overwrite each other:
 * "kz-2026-report-kk-publication.md", "kz-2026-minutes-m1-ru.html".
 */
export function exportFileName(consultationId: string, name: string, options: ExportOptions): string {
  const flat = name.replace(/\//g, "-");
  const dot = flat.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [flat.slice(0, dot), flat.slice(dot)] : [flat, ""];
  const suffix = takesVariant(name) ? `-${options.lang}-${options.variant}` : `-${options.lang}`;
  return `${consultationId}-${stem}${suffix}${ext}`;
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
  options: ExportOptions,
  fetchFn: typeof fetch = fetch,
): Promise<ExportResult> {
  const req = exportRequest(consultationId, name, token, options);
  let res: Response;
  try {
    res = await fetchFn(req.url, req.init);
  } catch (e) {
    return { ok: false, failure: { kind: "network", status: 0, message: e instanceof Error ? e.message : String(e) } };
  }
  if (!res.ok) return { ok: false, failure: exportFailure(res.status, await res.text().catch(() => "")) };
  return {
    ok: true,
    blob: await res.blob(),
    fileName: fileNameFrom(res.headers.get("Content-Disposition"), exportFileName(consultationId, name, options)),
    logHead: res.headers.get("X-Kenes-Log-Head") ?? "",
  };
}
