// kenes-admin stats: what the log holds, per consultation and on disk.

#include <boost/json.hpp>
#include <iostream>

#include "command.h"

namespace po = boost::program_options;
using namespace kenes::storage;

namespace kenes::admin {
namespace {

int run(int argc, char** argv) {
  std::string data_dir;
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()("json", "print one JSON object instead of text");
  po::variables_map vm;
  if (auto code = parse_options(argc, argv, "stats [--data-dir D] [--json]",
                                "Counts records, bytes, idempotency keys and snapshots per consultation, and the\n"
                                "database's size on disk. Works while the server runs.",
                                options, vm)) {
    return *code;
  }
  bool json = vm.count("json") > 0;
  auto log = open_view("stats", data_dir);
  if (!log) return kExitError;
  auto db = log->database_stats();
  if (!db.ok()) return report_error("stats", db.status());
  auto ids = log->consultations();
  if (!ids.ok()) return report_error("stats", ids.status());

  boost::json::array per_consultation;
  std::uint64_t records = 0, bytes = 0;
  if (!json) {
    std::cout << "log " << db->path << " (" << db->format << ")\n"
              << "  last opened for writing: " << (db->last_open.empty() ? "never" : db->last_open) << "\n"
              << "  on disk: " << db->sst_bytes << " bytes in table files, " << db->wal_bytes
              << " bytes of write-ahead log; " << db->memtable_bytes << " bytes in memory not yet flushed\n";
  }
  for (const auto& id : *ids) {
    auto s = log->stats(id);
    if (!s.ok()) return report_error("stats", s.status());
    records += s->records;
    bytes += s->record_bytes;
    if (json) {
      boost::json::array notes;
      for (const auto& n : s->repair_notes) notes.emplace_back(n);
      per_consultation.push_back(boost::json::object{{"consultation", id},
                                                     {"records", s->records},
                                                     {"record_bytes", s->record_bytes},
                                                     {"head_seq", s->head.seq},
                                                     {"head_hash", to_hex(s->head.hash)},
                                                     {"client_keys", s->client_keys},
                                                     {"snapshot_entries", s->snapshot_entries},
                                                     {"snapshot_bytes", s->snapshot_bytes},
                                                     {"snapshot_covered_seq", s->snapshot_covered_seq},
                                                     {"repair_notes", notes}});
    } else {
      std::cout << "consultation " << id << ": " << s->records << " records (" << s->record_bytes
                << " bytes), head " << describe_head(s->head) << "\n"
                << "  " << s->client_keys << " idempotency keys; " << s->snapshot_entries << " snapshot entries ("
                << s->snapshot_bytes << " bytes) covering seq " << s->snapshot_covered_seq << "\n";
      for (const auto& n : s->repair_notes) std::cout << "  repaired: " << n << "\n";
    }
  }
  if (json) {
    boost::json::object out{{"path", db->path},
                            {"format", db->format},
                            {"last_open", db->last_open},
                            {"sst_bytes", db->sst_bytes},
                            {"wal_bytes", db->wal_bytes},
                            {"memtable_bytes", db->memtable_bytes},
                            {"records", records},
                            {"record_bytes", bytes},
                            {"consultations", per_consultation}};
    std::cout << boost::json::serialize(out) << "\n";
  } else {
    std::cout << ids->size() << " consultations, " << records << " records, " << bytes << " bytes of records\n";
  }
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{
    {"stats", "count consultations, records, bytes and snapshots; size on disk", run}};

}  // namespace kenes::admin
