// kenes-admin restore: bring a backup into an empty data folder.

#include <iostream>

#include "command.h"

namespace po = boost::program_options;
using namespace kenes::storage;

namespace kenes::admin {
namespace {

int run(int argc, char** argv) {
  std::string data_dir, from;
  po::options_description options("options");
  options.add_options()("from", po::value(&from)->required(), "the backup folder (made by `kenes-admin backup`)");
  add_data_dir_option(options, &data_dir);
  po::variables_map vm;
  if (auto code = parse_options(argc, argv, "restore --from DIR [--data-dir D]",
                                "Copies the backup in DIR into <data-dir>/log, which must not exist or be empty:\n"
                                "restore never overwrites a log. The copy is verified against the backup's\n"
                                "manifest before it is moved into place.",
                                options, vm)) {
    return *code;
  }
  auto report = restore_backup(from, log_folder(data_dir));
  if (!report.ok()) {
    report_error("restore", report.status());
    return report.status().code() == Code::kCorruption ? kExitProblems
           : report.status().code() == Code::kInvalidArgument ? kExitProblems
                                                              : kExitError;
  }
  std::cout << "restored " << from << " into " << log_folder(data_dir) << ": " << report->heads.size()
            << " consultations\n";
  for (const auto& [id, head] : report->heads) std::cout << "  " << id << ": head " << describe_head(head) << "\n";
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{{"restore", "bring a backup into an empty data folder", run}};

}  // namespace kenes::admin
