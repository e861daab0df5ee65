#pragma once

// kenes-admin's subcommands and what they share.
//
// Each subcommand is one file, <name>_command.cc, that defines a function
// `int run(int argc, char** argv)` (argv[0] is the subcommand's name) and
// registers it at static-initialisation time:
//
//   namespace { int run(int argc, char** argv) { ... } }
//   static const kenes::admin::Registration kRegistered{
//       {"verify", "walk every hash chain and report the first break", run}};
//
// CMakeLists.txt picks up every *_command.cc by itself: adding a subcommand
// is adding one file. See README.md.

#include <boost/program_options.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/rocks_log.h"

namespace kenes::admin {

// Exit codes, the same for every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;  // ran, and found the log damaged (or refused to act on it)
inline constexpr int kExitUsage = 2;     // bad arguments
inline constexpr int kExitError = 3;     // could not run: folder missing or busy, IO error

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `kenes-admin --help`
  int (*run)(int argc, char** argv);
};

class Registration {
 public:
  explicit Registration(Command command);
};

// Every registered command, sorted by name.
const std::vector<Command>& commands();

// Parses argv with `options` (to which --help is added). Returns an exit code
// to return at once — after printing the help (kExitOk) or the error and the
// help (kExitUsage) — or nullopt to go on.
std::optional<int> parse_options(int argc, char** argv, std::string_view usage, std::string_view description,
                                 boost::program_options::options_description& options,
                                 boost::program_options::variables_map& vm);

// The --data-dir option (default ./data) that every log command takes.
void add_data_dir_option(boost::program_options::options_description& options, std::string* data_dir);

// <data-dir>/log
std::string log_folder(const std::string& data_dir);

// A read-only view of the log in data_dir: works whether or not the server is
// running. Prints a clear error and returns nullptr when it cannot.
std::unique_ptr<storage::RocksLog> open_view(std::string_view command, const std::string& data_dir);

// Prints "kenes-admin <command>: <message>" on stderr; returns the exit code
// that fits the status (kExitUsage for invalid arguments, kExitError else).
int report_error(std::string_view command, const storage::Status& status);
int report_error(std::string_view command, std::string_view message, int exit_code);

// "seq 12 sha256 ab12..." — how heads are printed everywhere.
std::string describe_head(const storage::Head& head);

}  // namespace kenes::admin
