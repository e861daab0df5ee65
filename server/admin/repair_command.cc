// kenes-admin repair: the explicit way out of a corrupt log.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <boost/json.hpp>

#include "command.h"

namespace po = boost::program_options;
using namespace kenes::storage;

namespace kenes::admin {
namespace {

int run(int argc, char** argv) {
  std::string data_dir, consultation, save_to;
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()("consultation,c", po::value(&consultation)->required(), "the consultation to repair")(
      "truncate-after-corruption",
      "remove every record from the first one that does not verify on (required: the only repair there is)")(
      "yes", "really do it; without --yes, only print what would be removed")(
      "save-dropped", po::value(&save_to),
      "where to save the removed records as JSON lines (default <data-dir>/repair-<consultation>-<unix ms>.jsonl)");
  po::variables_map vm;
  if (auto code = parse_options(
          argc, argv, "repair --consultation C --truncate-after-corruption [--yes] [--data-dir D] [--save-dropped F]",
          "Truncates a consultation's log after its last record that verifies, so the server can start\n"
          "on it again. THIS REMOVES RECORDS: every record from the first break on, with their\n"
          "idempotency entries and all of the consultation's snapshots (a cache, rebuilt by replay).\n"
          "The removed records are saved to a file first. Without --yes nothing is changed.\n"
          "The server must be stopped.",
          options, vm)) {
    return *code;
  }
  if (!vm.count("truncate-after-corruption")) {
    return report_error("repair", "say what to do: --truncate-after-corruption is the only repair", kExitUsage);
  }
  if (Status s = check_consultation_id(consultation); !s.ok()) return report_error("repair", s);
  RocksLogOptions open_options;
  open_options.create_if_missing = false;
  auto opened = RocksLog::open(log_folder(data_dir), open_options);
  if (!opened.ok()) return report_error("repair", opened.status());
  RocksLog& log = **opened;

  VerifyReport report;
  Status verified = log.verify(consultation, &report);
  if (verified.ok()) {
    std::cout << "consultation " << consultation << " verifies (head " << describe_head(report.head)
              << "): nothing to repair\n";
    return kExitOk;
  }
  if (verified.code() != Code::kCorruption) return report_error("repair", verified);
  const VerifyBreak& b = *report.first_break;
  auto plan = log.plan_truncate_after(consultation, report.head.seq);
  if (!plan.ok()) return report_error("repair", plan.status());

  std::cout << "consultation " << consultation << ": " << verify_break_kind_name(b.kind) << " at seq " << b.seq
            << ": " << b.message << "\n"
            << "records 1.." << report.head.seq << " verify; the repair keeps them (new head "
            << describe_head(plan->kept) << ") and removes:\n"
            << "  " << plan->dropped_records.size() << " records";
  if (!plan->dropped_records.empty()) {
    std::cout << " (key seqs " << plan->dropped_records.front().key_seq << ".."
              << plan->dropped_records.back().key_seq << ")";
  }
  std::cout << "\n  " << plan->dropped_index_entries << " idempotency entries\n"
            << "  " << plan->dropped_snapshot_entries << " snapshot entries (all of the consultation's)\n";
  if (!vm.count("yes")) {
    std::cout << "dry run: nothing changed. Run again with --yes to remove them.\n";
    return kExitProblems;
  }

  if (save_to.empty()) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    save_to = (std::filesystem::path(data_dir) / ("repair-" + consultation + "-" + std::to_string(ms) + ".jsonl"))
                  .string();
  }
  {
    std::ofstream out(save_to, std::ios::trunc);
    for (const auto& d : plan->dropped_records) {
      out << boost::json::serialize(boost::json::object{{"key_seq", d.key_seq}, {"frame_hex", to_hex(d.frame)}})
          << "\n";
    }
    out.flush();
    if (!out) return report_error("repair", "cannot save the records to " + save_to + "; nothing changed", kExitError);
  }
  std::cout << "WARNING: removing " << plan->dropped_records.size() << " records from " << consultation
            << "; they are saved in " << save_to << "\n";
  auto done = log.truncate_after(consultation, report.head.seq);
  if (!done.ok()) return report_error("repair", done.status());
  std::cout << "repaired: " << done->note << "\n";
  VerifyReport after;
  Status again = log.verify(consultation, &after);
  if (!again.ok()) return report_error("repair", "the log still does not verify: " + again.message(), kExitProblems);
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{
    {"repair", "truncate a corrupt consultation log after its last good record (explicit, saved)", run}};

}  // namespace kenes::admin
