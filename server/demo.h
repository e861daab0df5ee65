#pragma once

// The demo consultation that `kenes-server --demo` creates on an empty data
// folder, so that a newcomer sees a realistic consultation at once: the ROAM-X
// category and theme structure, a few indicators, five invited people (chair,
// researcher, two members, an observer) and a
// first paragraph of one draft.

#include <optional>
#include <string>
#include <vector>

#include "kenes/v1/framework.pb.h"
#include "storage/log.h"
#include "token.h"

namespace kenes::server {

inline constexpr char kDemoConsultationId[] = "demo";

struct DemoLink {
  std::string label;  // the role: "chair", "researcher", "member", "observer"
  std::string name;
  std::string url;
};

// The sample framework shipped with the server (compiled in from
// frameworks/roamx-2019-sample.json; framework_import_test proves it imports
// without an error).
kenes::v1::Framework sample_framework();

// Appends the first record of a new consultation. Refuses an id that already
// has records. Returns an error message, empty on success.
std::string append_consultation_created(storage::Log& log, const std::string& id, const std::string& title,
                                        const kenes::v1::Framework& framework, const std::string& author,
                                        kenes::v1::Scope scope = kenes::v1::SCOPE_ALL);

// Appends the demo consultation's first records if the log has no
// consultation "demo". Returns an error message, empty on success.
std::string create_demo_consultation(storage::Log& log);

// Invite links for the demo's people, valid for 30 days.
std::vector<DemoLink> demo_links(const TokenSigner& signer, const std::string& public_url);

}  // namespace kenes::server
