// kenes-admin verify: walk every consultation's log — key format, seq
// contiguity, frame format, the hash chain, the index and snapshots against
// the head — and decode every payload as kenes.v1.LogRecord.

#include <iostream>

#include "command.h"
#include "record_json.h"

namespace po = boost::program_options;
using namespace kenes::storage;

namespace kenes::admin {
namespace {

constexpr std::size_t kMaxListed = 20;  // undecodable records listed per consultation

int run(int argc, char** argv) {
  std::string data_dir, consultation, expect_head;
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()("consultation,c", po::value(&consultation), "verify only this consultation")(
      "expect-head", po::value(&expect_head),
      "SEQ:HASH — also check that record SEQ hashes to HASH (64 hex digits), e.g. the head an export "
      "printed; needs --consultation");
  po::variables_map vm;
  if (auto code = parse_options(argc, argv, "verify [--data-dir D] [--consultation C] [--expect-head SEQ:HASH]",
                                "Walks the hash chain of every consultation (or one) and reports the first break\n"
                                "precisely; decodes every record. Works while the server runs.",
                                options, vm)) {
    return *code;
  }
  std::optional<Head> expected;
  if (!expect_head.empty()) {
    auto colon = expect_head.find(':');
    auto hash = colon == std::string::npos ? std::nullopt : hash_from_hex(expect_head.substr(colon + 1));
    if (!hash || consultation.empty()) {
      return report_error("verify", "--expect-head needs SEQ:HASH (64 hex digits) and --consultation", kExitUsage);
    }
    try {
      expected = Head{std::stoull(expect_head.substr(0, colon)), *hash};
    } catch (const std::exception&) {
      return report_error("verify", "--expect-head: bad seq", kExitUsage);
    }
  }

  auto log = open_view("verify", data_dir);
  if (!log) return kExitError;
  std::vector<std::string> ids;
  if (!consultation.empty()) {
    if (Status s = check_consultation_id(consultation); !s.ok()) return report_error("verify", s);
    ids.push_back(consultation);
  } else {
    auto all = log->consultations();
    if (!all.ok()) return report_error("verify", all.status());
    ids = *all;
  }

  std::size_t damaged = 0;
  for (const auto& id : ids) {
    VerifyReport report;
    Status verified = log->verify(id, &report);
    if (!verified.ok() && verified.code() != Code::kCorruption) return report_error("verify", verified);
    if (report.stored_records == 0 && !consultation.empty()) {
      std::cout << "consultation " << id << ": no records\n";
      continue;
    }

    // Decode the verified records (a corrupt tail is reported once, above).
    std::size_t undecodable = 0;
    std::vector<std::string> problems;
    Status decoded = log->replay(id, 1, [&](const RecordView& r) {
      if (r.seq > report.head.seq) return Status(Code::kNotFound, "past the verified head");
      std::string mismatch;
      if (!decode_record(r, &mismatch)) {
        ++undecodable;
        if (problems.size() < kMaxListed) problems.push_back("seq " + std::to_string(r.seq) + ": payload does not decode as kenes.v1.LogRecord");
      } else if (!mismatch.empty()) {
        ++undecodable;
        if (problems.size() < kMaxListed) problems.push_back("seq " + std::to_string(r.seq) + ": " + mismatch);
      }
      return Status();
    });
    if (!decoded.ok() && decoded.code() != Code::kNotFound && decoded.code() != Code::kCorruption) {
      return report_error("verify", decoded);
    }

    bool attested = true;
    std::string attestation;
    if (expected && verified.ok()) {
      auto at = log->read(id, expected->seq, 1);
      if (!at.ok() || at->empty()) {
        attested = false;
        attestation = "expected head seq " + std::to_string(expected->seq) + " is not in the log (head is " +
                      describe_head(report.head) + ")";
      } else if (at->front().hash != expected->hash) {
        attested = false;
        attestation = "record seq " + std::to_string(expected->seq) + " hashes to " + to_hex(at->front().hash) +
                      ", not the expected " + to_hex(expected->hash);
      } else {
        attestation = "matches the expected head seq " + std::to_string(expected->seq);
      }
    }

    bool ok = verified.ok() && undecodable == 0 && attested;
    if (!ok) ++damaged;
    if (verified.ok()) {
      std::cout << "consultation " << id << ": " << (ok ? "ok" : "PROBLEMS") << ": " << report.head.seq
                << " records, head " << describe_head(report.head) << "\n";
    } else {
      const VerifyBreak& b = *report.first_break;
      std::cout << "consultation " << id << ": CORRUPT: " << verify_break_kind_name(b.kind) << " at seq " << b.seq
                << ": " << b.message << "\n"
                << "  expected: " << b.expected << "\n"
                << "  found:    " << b.found << "\n"
                << "  records 1.." << report.head.seq << " verify (head " << describe_head(report.head) << "); "
                << report.stored_records << " records stored\n"
                << "  `kenes-admin repair --consultation " << id
                << " --truncate-after-corruption` shows what a repair would drop\n";
    }
    if (!attestation.empty()) std::cout << "  " << attestation << "\n";
    for (const auto& p : problems) std::cout << "  " << p << "\n";
    if (undecodable > problems.size()) {
      std::cout << "  ... and " << (undecodable - problems.size()) << " more records with payload problems\n";
    }
  }
  std::cout << "verified " << ids.size() << " consultation" << (ids.size() == 1 ? "" : "s") << ": "
            << (ids.size() - damaged) << " ok, " << damaged << " with problems\n";
  return damaged == 0 ? kExitOk : kExitProblems;
}

}  // namespace

static const Registration kRegistered{
    {"verify", "walk every hash chain and sequence; report the first break; decode every record", run}};

}  // namespace kenes::admin
