// kenes-admin export: the exports the server offers over HTTP, from the data
// folder directly (a read-only view: works while the server runs).

#include <fstream>
#include <iostream>
#include <optional>

#include "command.h"
#include "replay/report/export.h"
#include "replay/report/report_render.h"

namespace po = boost::program_options;

namespace kenes::admin {
namespace {

constexpr std::string_view kName = "export";

int run(int argc, char** argv) {
  std::string data_dir, consultation, file, out_path, lang_code, variant_code;
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()("consultation,c", po::value(&consultation)->required(), "the consultation")(
      "file,f", po::value(&file)->required(),
      "what to export: report.md, report.html, report.docx, votes.csv, minutes/<meeting id>.md or "
      "minutes/<meeting id>.html")(
      "lang,l", po::value(&lang_code)->default_value("en"),
      "the language of the report and the minutes: en, ru or kk (votes.csv keeps English keys)")(
      "variant", po::value(&variant_code),
      "the report's variant: publication (the default: what a reader of the published report sees) or working "
      "(everything, for the team); report.* only")(
      "out,o", po::value(&out_path), "write to this file (default: standard output)");
  po::variables_map vm;
  if (auto code = parse_options(argc, argv,
                                "export [--data-dir D] --consultation C --file report.md [--lang en|ru|kk] "
                                "[--variant publication|working] [--out FILE]",
                                "Writes an export of a consultation, built from its log as it is now, and prints\n"
                                "on stderr the log head it was built from with the command that verifies it.\n"
                                "Works while the server runs (read-only view).",
                                options, vm)) {
    return *code;
  }
  // Before the data folder is opened: a typo is a usage error, not an
  // English report the operator did not ask for.
  std::optional<report::Lang> lang = report::parse_lang(lang_code);
  if (!lang) return report_error(kName, "unknown language " + lang_code + " (use en, ru or kk)", kExitUsage);
  report::ExportOptions export_options{.lang = *lang};
  if (vm.count("variant")) {
    if (!report::is_report_export(file)) {
      return report_error(kName, "--variant is for report.md, report.html and report.docx only, not " + file,
                          kExitUsage);
    }
    std::optional<report::Variant> variant = report::parse_variant(variant_code);
    if (!variant) {
      return report_error(kName, "unknown variant " + variant_code + " (use publication or working)", kExitUsage);
    }
    export_options.variant = *variant;
  }
  auto log = open_view(kName, data_dir);
  if (!log) return kExitError;
  report::ExportOutput out = report::export_consultation(*log, consultation, file, export_options);
  switch (out.code) {
    case report::ExportOutput::Code::kOk: break;
    case report::ExportOutput::Code::kNotFound: return report_error(kName, out.message, kExitUsage);
    case report::ExportOutput::Code::kNotAvailable: return report_error(kName, out.message, kExitError);
    case report::ExportOutput::Code::kFailed: return report_error(kName, out.message, kExitProblems);
  }
  if (out_path.empty()) {
    std::cout << out.body << std::flush;
    if (!std::cout) return report_error(kName, "cannot write to standard output", kExitError);
  } else {
    std::ofstream f(out_path, std::ios::binary);
    f << out.body;
    f.close();
    if (!f) return report_error(kName, "cannot write " + out_path, kExitError);
  }
  std::cerr << "exported " << file << " (" << out.file_name << ") of consultation " << consultation << " at head seq " << out.head.seq
            << " sha256 " << out.head.hash_hex << (out_path.empty() ? "" : " to " + out_path) << "\n"
            << "check it: " << report::verify_command(consultation, out.head) << "\n";
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{
    {kName, "write the report, meeting minutes or votes CSV, with the log head it was built from", run}};

}  // namespace kenes::admin
