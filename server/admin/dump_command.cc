// kenes-admin dump: a consultation's records as JSON lines.

#include <iostream>
#include <limits>

#include "command.h"
#include "record_json.h"

namespace po = boost::program_options;
using namespace kenes::storage;

namespace kenes::admin {
namespace {

int run(int argc, char** argv) {
  std::string data_dir, consultation;
  std::uint64_t from = 1, limit = std::numeric_limits<std::uint64_t>::max();
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()("consultation,c", po::value(&consultation)->required(), "the consultation to dump")(
      "from", po::value(&from)->default_value(1), "first seq")(
      "limit", po::value(&limit), "at most this many records (default: to the head)");
  po::variables_map vm;
  if (auto code = parse_options(argc, argv, "dump --consultation C [--data-dir D] [--from N] [--limit M]",
                                "Prints records as JSON lines: seq, hash and prev_hash (hex) from the storage\n"
                                "frame, then the kenes.v1.LogRecord fields (protobuf JSON, proto field names).\n"
                                "Works while the server runs.",
                                options, vm)) {
    return *code;
  }
  if (Status s = check_consultation_id(consultation); !s.ok()) return report_error("dump", s);
  auto log = open_view("dump", data_dir);
  if (!log) return kExitError;

  std::uint64_t printed = 0, undecodable = 0;
  Status s = log->replay(consultation, from, [&](const RecordView& r) {
    if (printed == limit) return Status(Code::kNotFound, "limit reached");
    std::cout << record_json_line(r) << "\n";
    if (!decode_record(r, nullptr)) ++undecodable;
    ++printed;
    return Status();
  });
  std::cout.flush();
  if (!s.ok() && s.code() != Code::kNotFound) {
    report_error("dump", s);
    return s.code() == Code::kCorruption ? kExitProblems : kExitError;
  }
  if (undecodable > 0) {
    return report_error("dump", std::to_string(undecodable) + " records do not decode as kenes.v1.LogRecord",
                        kExitProblems);
  }
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{{"dump", "print a consultation's records as JSON lines", run}};

}  // namespace kenes::admin
