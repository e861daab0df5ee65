#include "storage/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "storage/file_sync.h"
#include "storage/rocks_log.h"

namespace fs = std::filesystem;

namespace kenes::storage {
namespace {

Status io_error(const std::error_code& ec, const std::string& what) {
  return Status(Code::kIoError, what + ": " + ec.message());
}

}  // namespace

Result<BackupReport> read_backup_manifest(const std::string& backup_dir) {
  fs::path path = fs::path(backup_dir) / kBackupManifestName;
  std::ifstream in(path);
  if (!in) return Status(Code::kNotFound, "no backup manifest at " + path.string());
  BackupReport report;
  report.directory = backup_dir;
  std::string line;
  bool header = false, end = false;
  int line_no = 0;
  auto malformed = [&](const std::string& why) {
    return Status(Code::kCorruption, path.string() + " line " + std::to_string(line_no) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (end) return malformed("text after \"end\"");
    std::istringstream words(line);
    std::string word;
    words >> word;
    if (!header) {
      std::string version;
      words >> version;
      if (word != "kenes-log-backup" || version != "1") return malformed("not a kenes-log-backup 1 manifest");
      header = true;
    } else if (word == "created_unix_ms") {
      words >> report.created_unix_ms;
    } else if (word == "keys") {
      words >> report.keys;
    } else if (word == "bytes") {
      words >> report.bytes;
    } else if (word == "head") {
      std::string id, hex;
      std::uint64_t seq = 0;
      words >> id >> seq >> hex;
      auto hash = hash_from_hex(hex);
      if (!check_consultation_id(id).ok() || !hash) return malformed("bad head line");
      report.heads.emplace_back(id, Head{seq, *hash});
    } else if (word == "end") {
      end = true;
    } else {
      return malformed("unknown line \"" + line + "\"");
    }
    if (words.fail()) return malformed("bad number");
  }
  if (!end) return Status(Code::kCorruption, path.string() + " is incomplete (no \"end\"): an interrupted backup");
  return report;
}

Result<BackupReport> restore_backup(const std::string& backup_dir, const std::string& log_path) {
  auto manifest = read_backup_manifest(backup_dir);
  if (!manifest.ok()) return manifest.status();
  BackupReport report = *manifest;

  fs::path target(log_path);
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec) || !fs::is_empty(target, ec)) {
      return Status(Code::kInvalidArgument,
                    "refusing to restore into " + log_path + ": it exists and is not empty (restore never "
                    "overwrites a log; move it away first)");
    }
  }
  fs::path source = fs::path(backup_dir) / kBackupLogFolder;
  if (!fs::is_directory(source, ec)) return Status(Code::kNotFound, "no " + source.string() + " in the backup");

  fs::path staging = target;
  staging += ".restoring";
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return io_error(ec, "creating " + staging.string());
  for (const auto& entry : fs::directory_iterator(source, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name == "LOCK") continue;  // RocksDB creates its own
    fs::copy_file(entry.path(), staging / name, ec);
    if (ec) return io_error(ec, "copying " + entry.path().string());
    if (Status s = fsync_path(staging / name, false); !s.ok()) return s;
  }
  if (ec) return io_error(ec, "listing " + source.string());
  if (Status s = fsync_path(staging, true); !s.ok()) return s;

  {
    RocksLogOptions options;
    options.read_only = true;
    auto log = RocksLog::open(staging.string(), options);
    if (!log.ok()) return log.status().with_context("opening the restored copy");
    auto ids = (*log)->consultations();
    if (!ids.ok()) return ids.status();
    std::set<std::string> expected_ids;
    for (const auto& [id, head] : report.heads) expected_ids.insert(id);
    if (std::set<std::string>(ids->begin(), ids->end()) != expected_ids) {
      return Status(Code::kCorruption, "the backup's consultations differ from its manifest");
    }
    for (const auto& [id, head] : report.heads) {
      VerifyReport vr;
      Status v = (*log)->verify(id, &vr);
      if (!v.ok()) report.problems.push_back(v.message());
      if (!(vr.head == head) && v.ok()) {
        report.problems.push_back("consultation " + id + ": head is seq " + std::to_string(vr.head.seq) +
                                  " but the manifest says seq " + std::to_string(head.seq));
      }
    }
  }
  if (!report.problems.empty()) {
    return Status(Code::kCorruption, "the backup does not verify; nothing restored: " + report.problems.front());
  }

  fs::rename(staging, target, ec);
  if (ec) return io_error(ec, "moving the restored log into " + log_path);
  fs::path parent = target.parent_path();
  if (parent.empty()) parent = ".";
  if (Status s = fsync_path(parent, true); !s.ok()) return s;
  return report;
}

}  // namespace kenes::storage
