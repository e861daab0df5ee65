#pragma once

// What every framework import must satisfy, for the JSON and CSV targets.

#include <google/protobuf/util/message_differencer.h>

#include <cstdlib>
#include <string>

#include "consultation/framework_import.h"

namespace kenes::fuzz {

inline void check_import(const kenes::consultation::FrameworkImport& imported) {
  if (!imported.framework) {
    if (imported.errors.empty()) std::abort();  // a refusal always says why
    return;
  }
  if (!imported.errors.empty()) std::abort();  // nothing half-loaded
  const auto& fw = *imported.framework;
  if (kenes::consultation::count_framework(fw).indicators == 0) std::abort();
  std::string bytes;
  if (!fw.SerializeToString(&bytes)) std::abort();
  kenes::v1::Framework back;
  if (!back.ParseFromString(bytes)) std::abort();
  // Sources holding ';' cannot be written to CSV (it separates them).
  for (const auto& c : fw.categories())
    for (const auto& t : c.themes())
      for (const auto& q : t.questions())
        for (const auto& i : q.indicators())
          for (const auto& s : i.sources())
            if (s.find(';') != std::string::npos) return;
  auto again = kenes::consultation::import_framework_csv(kenes::consultation::framework_to_csv(fw));
  if (!again.framework) std::abort();
  if (!google::protobuf::util::MessageDifferencer::Equals(fw, *again.framework)) std::abort();
}

}  // namespace kenes::fuzz
