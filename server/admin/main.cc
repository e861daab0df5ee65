// kenes-admin: the operator's tool for a Kenes data folder.
//   kenes-admin COMMAND [options]      (COMMAND --help for its options)

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "command.h"

namespace {

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: kenes-admin COMMAND [options]   (COMMAND --help for its options)\n\n"
               "Operator commands for a Kenes data folder (default ./data; the log is in <data-dir>/log).\n"
               "Read-only commands work while the server runs.\n\n");
  int width = 0;
  for (const auto& c : kenes::admin::commands()) width = std::max(width, static_cast<int>(c.name.size()));
  for (const auto& c : kenes::admin::commands()) {
    std::fprintf(out, "  %-*.*s  %.*s\n", width, static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::fprintf(out,
               "\nExit codes: 0 ok, 1 problems found (the log is damaged, or an action was refused),\n"
               "2 bad arguments, 3 could not run (folder missing or in use, IO error).\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return kenes::admin::kExitUsage;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return kenes::admin::kExitOk;
  }
  for (const auto& c : kenes::admin::commands()) {
    if (c.name == name) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "kenes-admin: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return kenes::admin::kExitUsage;
}
