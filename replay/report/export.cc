#include "replay/report/export.h"

#include "consultation/permissions.h"
#include "replay/recovery.h"
#include "replay/report/assessment_export.h"
#include "replay/report/minutes_data.h"
#include "replay/report/report_render.h"

namespace kenes::report {

namespace {

// "minutes/<id>.md" -> {"<id>", ".md"}
bool split_minutes_name(const std::string& name, std::string* meeting, std::string* ext) {
  if (name.rfind("minutes/", 0) != 0) return false;
  std::string rest = name.substr(8);
  for (const char* e : {".md", ".html"}) {
    std::string x = e;
    if (rest.size() > x.size() && rest.compare(rest.size() - x.size(), x.size(), x) == 0) {
      *meeting = rest.substr(0, rest.size() - x.size());
      *ext = x;
      return meeting->find('/') == std::string::npos;
    }
  }
  return false;
}

bool is_export_name(const std::string& name) {
  std::string meeting, ext;
  return is_report_export(name) || name == "votes.csv" || split_minutes_name(name, &meeting, &ext);
}

}  // namespace

bool is_report_export(std::string_view name) {
  return name == "report.md" || name == "report.html" || name == "report.docx";
}

namespace {

ExportOutput unknown_export(const std::string& name) {
  ExportOutput out;
  out.code = ExportOutput::Code::kNotFound;
  out.message = "no export named " + name + " (there are: " + kExportNamesHelp + ")";
  return out;
}

}  // namespace

ExportAccess check_export_access(const consultation::ConsultationState& state, const std::string& consultation_id,
                                 const consultation::Invitation& who) {
  if (consultation_id != state.consultation_id()) return ExportAccess::kOtherConsultation;
  const consultation::Admission a = consultation::admit(state, who);
  if (a.kind == consultation::Admission::Kind::kRefused) return ExportAccess::kRevoked;
  return consultation::may_export(a.role) ? ExportAccess::kAllowed : ExportAccess::kRoleRefused;
}

LoadedConsultation load_consultation(storage::Log& log, const std::string& consultation_id) {
  LoadedConsultation out{consultation::ConsultationState(consultation_id), {}, {}, false};
  auto head = log.head(consultation_id);
  if (!head.ok()) {
    out.error = head.status().message();
    return out;
  }
  if (head.value().seq == 0) return out;
  out.exists = true;
  replay::Recovered r = replay::recover_consultation(log, consultation_id);
  if (!r.error.empty()) {
    out.error = "the log of consultation " + consultation_id + " does not verify: " + r.error;
    return out;
  }
  out.head.seq = r.head.seq;
  auto stored = log.read(consultation_id, r.head.seq, 1);
  if (!stored.ok() || stored.value().empty()) {
    out.error = "cannot read record " + std::to_string(r.head.seq);
    return out;
  }
  out.head.hash_hex = storage::to_hex(stored.value().front().hash);
  kenes::v1::LogRecord last;
  if (last.ParseFromString(stored.value().front().payload)) out.head.time_unix_ms = last.time_unix_ms();
  out.state = std::move(r.state);
  return out;
}

ExportOutput export_consultation(storage::Log& log, const std::string& consultation_id, const std::string& name,
                                 const ExportOptions& options) {
  ExportOutput out;
  if (!is_export_name(name)) return unknown_export(name);
  LoadedConsultation loaded = load_consultation(log, consultation_id);
  if (!loaded.error.empty()) {
    out.message = loaded.error;
    return out;
  }
  if (!loaded.exists) {
    out.code = ExportOutput::Code::kNotFound;
    out.message = "no consultation " + consultation_id;
    return out;
  }
  return render_export(log, loaded, name, options);
}

ExportOutput render_export(storage::Log& log, const LoadedConsultation& loaded, const std::string& name,
                           const ExportOptions& options) {
  if (!is_export_name(name)) return unknown_export(name);
  ExportOutput out;
  const std::string& consultation_id = loaded.state.consultation_id();
  out.head = loaded.head;
  std::string stem = consultation_id + "-seq" + std::to_string(loaded.head.seq) + "-";
  std::string meeting, ext;
  if (split_minutes_name(name, &meeting, &ext)) {
    std::string error;
    auto data = build_minutes_data(log, loaded.state, loaded.head, meeting, &error);
    if (!data) {
      out.code = error.rfind("no meeting", 0) == 0 ? ExportOutput::Code::kNotFound : ExportOutput::Code::kFailed;
      out.message = error;
      return out;
    }
    out.body = ext == ".md" ? render_minutes_markdown(*data, options.lang) : render_minutes_html(*data, options.lang);
    out.content_type = ext == ".md" ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8";
    out.file_name = stem + "minutes-" + meeting + ext;
    if (options.lang != Lang::kEn) out.file_name.insert(out.file_name.rfind('.'), "-" + std::string(lang_code(options.lang)));
    out.code = ExportOutput::Code::kOk;
    return out;
  }
  if (name == "votes.csv") {
    out.body = render_votes_csv(build_votes_data(loaded.state, loaded.head));
    out.content_type = "text/csv; charset=utf-8";
    out.file_name = stem + name;
    out.code = ExportOutput::Code::kOk;
    return out;
  }
  ReportData data = build_report_data(loaded.state, loaded.head);
  if (name == "report.md") {
    out.body = render_report_markdown(data, options.lang, options.variant);
    out.content_type = "text/markdown; charset=utf-8";
  } else if (name == "report.html") {
    out.body = render_report_html(data, options.lang, options.variant);
    out.content_type = "text/html; charset=utf-8";
  } else {
    DocxResult docx = render_report_docx(data, options.lang, options.variant);
    if (!docx.ok) {
      out.code = ExportOutput::Code::kFailed;
      out.message = docx.message;
      return out;
    }
    out.body = std::move(docx.bytes);
    out.content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  }
  out.file_name = stem + name;
  out.file_name.insert(out.file_name.rfind('.'),
                       "-" + std::string(lang_code(options.lang)) + "-" + std::string(variant_name(options.variant)));
  out.code = ExportOutput::Code::kOk;
  return out;
}

}  // namespace kenes::report
