#include "demo_links.h"

#include <chrono>

#include "consultation/permissions.h"
#include "replay/demo.h"

namespace kenes::server {

std::vector<DemoLink> demo_links(const TokenSigner& signer, const std::string& public_url) {
  std::vector<DemoLink> links;
  const int64_t expires = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(24 * 30))
                              .count();
  for (const auto& p : replay::demo_people()) {
    TokenClaims claims;
    claims.consultation_id = replay::kDemoConsultationId;
    claims.participant_id = p.id;
    claims.display_name = p.name;
    claims.role = p.role;
    claims.expires_unix = expires;
    links.push_back(
        {std::string(consultation::role_name(p.role)), p.name, public_url + "/join#token=" + signer.sign(claims)});
  }
  return links;
}

}  // namespace kenes::server
