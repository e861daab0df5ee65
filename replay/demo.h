#pragma once

// The demo consultation that `kenes-server --demo` creates on an empty data
// folder, so that a newcomer sees a realistic consultation at once: the ROAM-X
// category and theme structure, a few indicators, five invited people (chair,
// researcher, two members, an observer) and a first paragraph of one draft.
// Also the first record of any new consultation, written the same way by the
// server and by `kenes-admin create-consultation`.

#include <span>
#include <string>

#include "kenes/v1/framework.pb.h"
#include "kenes/v1/protocol.pb.h"
#include "storage/log.h"

namespace kenes::replay {

inline constexpr char kDemoConsultationId[] = "demo";

// One of the demo's invited people (the server mints their links:
// server/demo_links.h).
struct DemoPerson {
  const char* id;
  const char* name;
  kenes::v1::Role role;
};

// Appends the first record of a new consultation. Refuses an id that already
// has records. Returns an error message, empty on success.
std::string append_consultation_created(storage::Log& log, const std::string& id, const std::string& title,
                                        const kenes::v1::Framework& framework, const std::string& author,
                                        kenes::v1::Scope scope = kenes::v1::SCOPE_ALL);

// Appends the demo consultation's first records if the log has no
// consultation "demo". Returns an error message, empty on success.
std::string create_demo_consultation(storage::Log& log);

// The demo's people, in the order their links are printed.
std::span<const DemoPerson> demo_people();

}  // namespace kenes::replay
