#include "command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace po = boost::program_options;

namespace kenes::admin {
namespace {

std::vector<Command>& registry() {
  static std::vector<Command> all;
  return all;
}

}  // namespace

Registration::Registration(Command command) {
  auto& all = registry();
  all.push_back(command);
  std::sort(all.begin(), all.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
}

const std::vector<Command>& commands() { return registry(); }

std::optional<int> parse_options(int argc, char** argv, std::string_view usage, std::string_view description,
                                 po::options_description& options, po::variables_map& vm) {
  options.add_options()("help,h", "print this help");
  auto print_help = [&](std::ostream& out) {
    out << "usage: kenes-admin " << usage << "\n\n" << description << "\n\n" << options << "\n";
  };
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), vm);
    if (vm.count("help")) {
      print_help(std::cout);
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "kenes-admin " << argv[0] << ": " << e.what() << "\n\n";
    print_help(std::cerr);
    return kExitUsage;
  }
  return std::nullopt;
}

void add_data_dir_option(po::options_description& options, std::string* data_dir) {
  options.add_options()("data-dir,d", po::value(data_dir)->default_value("./data"),
                        "the server's data folder; the log is in <data-dir>/log");
}

std::string log_folder(const std::string& data_dir) { return (std::filesystem::path(data_dir) / "log").string(); }

std::unique_ptr<storage::RocksLog> open_view(std::string_view command, const std::string& data_dir) {
  storage::RocksLogOptions options;
  options.read_only = true;
  auto opened = storage::RocksLog::open(log_folder(data_dir), options);
  if (!opened.ok()) {
    if (opened.status().code() == storage::Code::kNotFound) {
      report_error(command, "no log in " + log_folder(data_dir) + " (is --data-dir right?)", kExitError);
    } else {
      report_error(command, opened.status());
    }
    return nullptr;
  }
  return std::move(*opened);
}

int report_error(std::string_view command, std::string_view message, int exit_code) {
  std::cerr << "kenes-admin " << command << ": " << message << "\n";
  return exit_code;
}

int report_error(std::string_view command, const storage::Status& status) {
  return report_error(command, status.to_string(),
                      status.code() == storage::Code::kInvalidArgument ? kExitUsage : kExitError);
}

std::string describe_head(const storage::Head& head) {
  return "seq " + std::to_string(head.seq) + " sha256 " + storage::to_hex(head.hash);
}

}  // namespace kenes::admin
