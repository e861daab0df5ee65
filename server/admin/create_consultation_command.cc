// kenes-admin create-consultation: a new consultation's first record, and the
// link its chair opens.

#include <filesystem>
#include <iostream>

#include "command.h"
#include "consultation/sample_framework.h"
#include "replay/demo.h"
#include "framework_file.h"
#include "consultation/framework_import.h"
#include "invite_link.h"
#include "auth/secret_key.h"
#include "auth/token.h"

namespace po = boost::program_options;

namespace kenes::admin {
namespace {

constexpr std::string_view kName = "create-consultation";

int run(int argc, char** argv) {
  std::string data_dir, id, title, framework_file, scope_name, chair_name, chair_id, base_url;
  int days = 30;
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()
      ("id", po::value(&id)->required(), "the consultation id: 1-64 characters of A-Z a-z 0-9 . _ - (it appears in links)")
      ("title", po::value(&title)->required(), "the consultation's title, as participants see it")
      ("framework", po::value(&framework_file),
       "a framework file, JSON or CSV (by extension, else by content; formats in server/README.md); "
       "any error refuses the whole file. Default: the ROAM-X sample compiled into the server. "
       "`kenes-admin check-framework FILE` checks a file without creating anything")
      ("scope", po::value(&scope_name)->default_value("all"),
       "all | core: the consultation covers every indicator of the framework, or the core ones only")
      ("chair-name", po::value(&chair_name)->default_value("Chair"), "the chair's display name in the invite")
      ("chair-id", po::value(&chair_id), "the chair's participant id (default: a fresh one)")
      ("days", po::value(&days)->default_value(30), "days the chair's link stays valid")
      ("base-url", po::value(&base_url)->default_value(default_base_url()),
       "the server's public address, the start of the printed link (default $KENES_PUBLIC_URL)");
  po::variables_map vm;
  if (auto code = parse_options(
          argc, argv, "create-consultation [--data-dir D] --id ID --title T [--framework FILE.json|FILE.csv] [--scope all|core] [...]",
          "Creates a consultation in <data-dir>/log (its first record, ConsultationCreated) and prints\n"
          "an invite link for its chair. Needs the folder to itself: stop the server first (it loads\n"
          "the new consultation when it starts). Creates the data folder and its secret key if needed.",
          options, vm)) {
    return *code;
  }
  if (days < 1 || days > 3650) return report_error(kName, "--days must be between 1 and 3650", kExitUsage);
  if (!valid_display_name(title)) return report_error(kName, "--title must be 1-200 bytes of UTF-8", kExitUsage);
  if (!valid_display_name(chair_name)) {
    return report_error(kName, "--chair-name must be 1-200 bytes of UTF-8", kExitUsage);
  }

  kenes::v1::Scope scope = kenes::v1::SCOPE_ALL;
  if (scope_name == "core") {
    scope = kenes::v1::SCOPE_CORE;
  } else if (scope_name != "all") {
    return report_error(kName, "--scope must be all or core", kExitUsage);
  }

  kenes::v1::Framework framework;
  if (framework_file.empty()) {
    framework = consultation::sample_framework();
  } else {
    int code = kExitOk;
    auto imported = import_framework_file(framework_file, std::cerr, &code);
    if (!imported) return code;
    framework = std::move(*imported);
  }
  auto counts = consultation::count_framework(framework);
  if (scope == kenes::v1::SCOPE_CORE && counts.core == 0) {
    return report_error(kName, "--scope core, but the framework has no core indicators; nothing created",
                        kExitUsage);
  }

  // The log first: if the server holds the folder, stop here, before
  // touching anything else.
  auto opened = storage::RocksLog::open(log_folder(data_dir), {});
  if (!opened.ok()) {
    if (opened.status().code() == storage::Code::kBusy) {
      return report_error(kName,
                          "the log in " + log_folder(data_dir) +
                              " is in use by another process (is kenes-server running on this folder?). "
                              "Stop the server, run create-consultation, then start it again; invite links "
                              "(kenes-admin invite) can be made while it runs.",
                          kExitError);
    }
    return report_error(kName, opened.status());
  }
  auto& log = *opened.value();
  auto head = log.head(id);
  if (!head.ok()) return report_error(kName, head.status());
  if (head.value().seq > 0) {
    return report_error(kName, "consultation " + id + " already exists in " + log_folder(data_dir) +
                                   " (" + std::to_string(head.value().seq) + " records); nothing changed",
                        kExitProblems);
  }

  auto key = server::load_or_create_secret_key((std::filesystem::path(data_dir) / "secret.key").string());
  if (!key.error.empty()) return report_error(kName, key.error, kExitError);

  std::string error = replay::append_consultation_created(log, id, title, framework, "operator", scope);
  if (!error.empty()) return report_error(kName, error, kExitError);
  opened.value().reset();  // closes the log: the record is durable already

  InviteRequest request;
  request.consultation_id = id;
  request.participant_id = chair_id;
  request.display_name = chair_name;
  request.role = kenes::v1::ROLE_CHAIR;
  request.days = days;
  request.base_url = base_url;
  Invite invite = make_invite(key.key, request);
  std::cout << "created consultation " << id << " \"" << title << "\" in " << log_folder(data_dir) << " (framework "
            << framework.edition() << ", " << consultation::describe_counts(counts) << "; scope " << scope_name
            << ": " << (scope == kenes::v1::SCOPE_CORE ? counts.core : counts.indicators) << " indicators)\n"
            << "invite link for the chair, " << chair_name << " (participant " << invite.participant_id
            << "), valid until " << invite.expires_utc << ":\n"
            << invite.link << "\n";
  if (key.created) std::cout << "(created the server's secret key in " << data_dir << "/secret.key)\n";
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{
    {kName, "create a consultation and print its chair's invite link (server stopped)", run}};

}  // namespace kenes::admin
