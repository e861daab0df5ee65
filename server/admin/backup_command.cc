// kenes-admin backup: an online, consistent copy of the log.

#include <iostream>

#include "command.h"

namespace po = boost::program_options;
using namespace kenes::storage;

namespace kenes::admin {
namespace {

int run(int argc, char** argv) {
  std::string data_dir, to;
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()("to", po::value(&to)->required(), "the backup folder to create (must not exist, or be empty)");
  po::variables_map vm;
  if (auto code = parse_options(
          argc, argv, "backup [--data-dir D] --to DIR",
          "Copies the log in <data-dir>/log, as of one moment, into DIR — while the server runs and\n"
          "appends. The copy is read back and verified; DIR/KENES-BACKUP names the head of every\n"
          "consultation. Bring it back with `kenes-admin restore`.",
          options, vm)) {
    return *code;
  }
  auto log = open_view("backup", data_dir);
  if (!log) return kExitError;
  auto report = log->backup_to(to);
  if (!report.ok()) return report_error("backup", report.status());
  std::cout << "backup of " << log_folder(data_dir) << " written to " << to << ": " << report->heads.size()
            << " consultations, " << report->keys << " keys, " << report->bytes << " bytes\n";
  for (const auto& [id, head] : report->heads) std::cout << "  " << id << ": head " << describe_head(head) << "\n";
  for (const auto& p : report->problems) std::cout << "  WARNING: the copy does not verify: " << p << "\n";
  return report->problems.empty() ? kExitOk : kExitProblems;
}

}  // namespace

static const Registration kRegistered{
    {"backup", "copy the log, consistently, while the server runs", run}};

}  // namespace kenes::admin
