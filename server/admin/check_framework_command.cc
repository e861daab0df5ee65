// kenes-admin check-framework: validate a framework file (JSON or CSV)
// exactly as create-consultation would load it, and print what it holds.

#include <iostream>

#include "command.h"
#include "framework_file.h"

namespace po = boost::program_options;

namespace kenes::admin {
namespace {

constexpr std::string_view kName = "check-framework";

int run(int argc, char** argv) {
  std::string file;
  po::options_description options("options");
  options.add_options()("file", po::value(&file)->required(), "the framework file (.json or .csv)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  try {
    po::options_description all("options");
    all.add(options).add_options()("help,h", "print this help");
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: kenes-admin check-framework FILE\n\n"
                   "Checks a framework file (JSON or CSV, by extension, else by content) with the rules\n"
                   "create-consultation applies, prints every error (line / field), or a summary:\n"
                   "categories, themes, questions, indicators and core indicators. Touches no data folder.\n\n"
                << all << "\n";
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "kenes-admin " << kName << ": " << e.what() << "\nusage: kenes-admin check-framework FILE\n";
    return kExitUsage;
  }

  int code = kExitOk;
  consultation::FrameworkFormat format{};
  auto framework = import_framework_file(file, std::cout, &code, &format);
  if (!framework) return code;
  auto counts = consultation::count_framework(*framework);
  std::cout << file << ": ok (" << (format == consultation::FrameworkFormat::kJson ? "JSON" : "CSV") << "): edition \""
            << framework->edition() << "\"\n"
            << "  " << consultation::describe_counts(counts) << "\n";
  for (const auto& cat : framework->categories()) {
    consultation::FrameworkCounts c;
    kenes::v1::Framework one;
    *one.add_categories() = cat;
    c = consultation::count_framework(one);
    std::cout << "  " << cat.id() << " " << cat.title() << ": " << c.themes << " themes, " << c.questions
              << " questions, " << c.indicators << " indicators (" << c.core << " core)\n";
  }
  if (!framework->source().empty()) std::cout << "  source: " << framework->source() << "\n";
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{
    {kName, "validate a framework file (JSON or CSV) and print its counts; changes nothing", run}};

}  // namespace kenes::admin
