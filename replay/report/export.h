#pragma once

// One entry point for every export, shared by the HTTP endpoints
// (http_routes.cc) and `kenes-admin export`: rebuild the consultation's state
// from its log (latest snapshot set + the tail, hash chain checked, exactly
// as the server starts), note the head, render.
//
// Thread-safe: reads the log (thread-safe) and touches no room; the state is
// a fresh fold, so an export never waits for a room's strand. It blocks for
// the fold (bounded by the snapshot interval).

#include <string>

#include "consultation/consultation_state.h"
#include "replay/report/i18n.h"
#include "replay/report/report_data.h"
#include "replay/report/report_render.h"
#include "storage/log.h"
#include "consultation/admission.h"

namespace kenes::report {

// The exports by file name, as in the URL and `kenes-admin export --file`:
//   report.md, report.html, report.docx, votes.csv,
//   minutes/<meeting id>.md, minutes/<meeting id>.html
inline constexpr char kExportNamesHelp[] =
    "report.md, report.html, report.docx, votes.csv, minutes/<meeting id>.md, minutes/<meeting id>.html";

struct ExportOutput {
  enum class Code {
    kOk,
    kNotFound,      // no such consultation, or no such export name
    // The export needs something this server lacks. Nothing answers it today
    // (DOCX needed pandoc until it was written natively); the HTTP route and
    // kenes-admin still map it to 501 / exit 3.
    kNotAvailable,
    kFailed,        // the log could not be read or does not verify
  };
  Code code = Code::kFailed;
  std::string message;  // for a person, when not kOk
  std::string content_type;
  std::string file_name;  // suggested download name: <consultation>-<name> with the head seq
  std::string body;
  LogHead head;
};

struct ExportOptions {
  // The report's language (report.md, report.html, report.docx): headings,
  // labels, sentences and dates. The minutes too (named "…-minutes-<meeting>-ru.md"
  // in a language other than English); votes.csv stays English, for machines.
  Lang lang = Lang::kEn;
  // The report's variant (report_render.h): the publication unless the team
  // asks for its working copy. Only the report has variants
  // (is_report_export); the others ignore it.
  Variant variant = Variant::kPublication;
  // The report's file name carries both, so downloads in two languages or
  // variants do not overwrite each other:
  // "<consultation>-seq<N>-report-<lang>-<variant>.<ext>",
  // e.g. "kz-2026-seq41-report-kk-publication.docx".
};

// report.md, report.html, report.docx: the exports that have variants.
bool is_report_export(std::string_view name);

struct LoadedConsultation {
  consultation::ConsultationState state;
  LogHead head;
  std::string error;  // empty when ok
  bool exists = false;
};

// The state at the log's head, and the head (seq, hash, the record's time).
LoadedConsultation load_consultation(storage::Log& log, const std::string& consultation_id);

// Who may download an export of this consultation (permissions.h,
// may_export): a valid invitation (token) for this consultation, here
// `consultation_id` and `who`, whose participant is not revoked. The log
// decides the role; the invitation's role counts only for someone not yet in
// the log (consultation::admit, as when a connection is admitted).
enum class ExportAccess { kAllowed, kOtherConsultation, kRevoked, kRoleRefused };
ExportAccess check_export_access(const consultation::ConsultationState& state, const std::string& consultation_id,
                                 const consultation::Invitation& who);

// Renders export `name` of a loaded consultation (loaded.exists, no error).
// Minutes replay `log` (up to the loaded head) for the edits made.
ExportOutput render_export(storage::Log& log, const LoadedConsultation& loaded, const std::string& name,
                           const ExportOptions& options = {});

// load_consultation, then render_export.
ExportOutput export_consultation(storage::Log& log, const std::string& consultation_id, const std::string& name,
                                 const ExportOptions& options = {});

}  // namespace kenes::report
