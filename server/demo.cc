#include "demo.h"

#include <boost/json.hpp>
#include <chrono>

#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"
#include "roamx_sample_json.h"  // generated from frameworks/roamx-2019-sample.json

namespace kenes::server {

namespace json = boost::json;

namespace {

struct DemoPerson {
  const char* id;
  const char* name;
  kenes::v1::Role role;
};

constexpr DemoPerson kPeople[] = {
    {"demo-chair", "Aigerim (chair)", kenes::v1::ROLE_CHAIR},
    {"demo-researcher", "Daniyar (researcher)", kenes::v1::ROLE_RESEARCHER},
    {"demo-member-1", "Elena (board member)", kenes::v1::ROLE_MEMBER},
    {"demo-member-2", "Nurlan (board member)", kenes::v1::ROLE_MEMBER},
    {"demo-observer", "Saule (observer)", kenes::v1::ROLE_OBSERVER},
};

std::string get_string(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

const json::array* get_array(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_array()) return nullptr;
  return &it->value().as_array();
}

}  // namespace

std::optional<kenes::v1::Framework> framework_from_json(const std::string& text, std::string* error) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    *error = "framework file is not a JSON object";
    return std::nullopt;
  }
  kenes::v1::Framework fw;
  const auto& root = v.as_object();
  fw.set_edition(get_string(root, "edition"));
  fw.set_source(get_string(root, "source"));
  const auto* cats = get_array(root, "categories");
  if (fw.edition().empty() || !cats) {
    *error = "framework needs an edition and categories";
    return std::nullopt;
  }
  for (const auto& cv : *cats) {
    if (!cv.is_object()) continue;
    auto* cat = fw.add_categories();
    cat->set_id(get_string(cv.as_object(), "id"));
    cat->set_title(get_string(cv.as_object(), "title"));
    const auto* themes = get_array(cv.as_object(), "themes");
    if (!themes) continue;
    for (const auto& tv : *themes) {
      if (!tv.is_object()) continue;
      auto* theme = cat->add_themes();
      theme->set_id(get_string(tv.as_object(), "id"));
      theme->set_title(get_string(tv.as_object(), "title"));
      const auto* questions = get_array(tv.as_object(), "questions");
      if (!questions) continue;
      for (const auto& qv : *questions) {
        if (!qv.is_object()) continue;
        auto* q = theme->add_questions();
        q->set_id(get_string(qv.as_object(), "id"));
        q->set_title(get_string(qv.as_object(), "title"));
        const auto* indicators = get_array(qv.as_object(), "indicators");
        if (!indicators) continue;
        for (const auto& iv : *indicators) {
          if (!iv.is_object()) continue;
          const auto& io = iv.as_object();
          auto* ind = q->add_indicators();
          ind->set_id(get_string(io, "id"));
          ind->set_title(get_string(io, "title"));
          auto core = io.find("core");
          ind->set_core(core != io.end() && core->value().is_bool() && core->value().as_bool());
          if (const auto* sources = get_array(io, "sources")) {
            for (const auto& s : *sources) {
              if (s.is_string()) ind->add_sources(std::string(s.as_string()));
            }
          }
        }
      }
    }
  }
  return fw;
}

kenes::v1::Framework sample_framework() {
  std::string error;
  auto fw = framework_from_json(kRoamxSampleJson, &error);
  return fw ? *fw : kenes::v1::Framework{};
}

std::string append_consultation_created(storage::Log& log, const std::string& id, const std::string& title,
                                        const kenes::v1::Framework& framework, const std::string& author) {
  auto head = log.head(id);
  if (!head.ok()) return head.status().message();
  if (head.value().seq > 0) return "consultation " + id + " already exists";
  kenes::v1::LogRecord rec;
  rec.set_author(author);
  rec.set_time_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
  auto* c = rec.mutable_consultation_created();
  c->set_consultation_id(id);
  c->set_title(title);
  *c->mutable_framework() = framework;
  c->set_scope(kenes::v1::SCOPE_ALL);
  std::vector<storage::Entry> entries(1);
  entries[0].payload = rec.SerializeAsString();
  auto appended = log.append(id, std::move(entries));
  return appended.ok() ? std::string() : appended.status().message();
}

std::string create_demo_consultation(storage::Log& log) {
  auto head = log.head(kDemoConsultationId);
  if (!head.ok()) return head.status().message();
  if (head.value().seq > 0) return {};

  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::vector<storage::Entry> entries;
  auto add = [&](kenes::v1::LogRecord rec) {
    rec.set_time_unix_ms(now);
    storage::Entry e;
    e.payload = rec.SerializeAsString();
    entries.push_back(std::move(e));
  };
  {
    kenes::v1::LogRecord rec;
    rec.set_author("demo-chair");
    auto* c = rec.mutable_consultation_created();
    c->set_consultation_id(kDemoConsultationId);
    c->set_title("National ROAM-X assessment (demo)");
    *c->mutable_framework() = sample_framework();
    c->set_scope(kenes::v1::SCOPE_ALL);
    add(std::move(rec));
  }
  for (const auto& p : kPeople) {
    kenes::v1::LogRecord rec;
    rec.set_author("demo-chair");
    auto* inv = rec.mutable_participant_invited();
    inv->set_participant_id(p.id);
    inv->set_display_name(p.name);
    inv->set_role(p.role);
    add(std::move(rec));
  }
  {
    kenes::v1::LogRecord rec;
    rec.set_author("demo-researcher");
    rec.set_client_id("demo-seed");
    rec.set_client_seq(1);
    auto* edit = rec.mutable_text_edit();
    edit->set_doc_id("indicator/R.1");
    edit->set_version(1);
    edit->mutable_op()->add_components()->set_insert(
        "# R.1 Legal framework\n\nDraft: the constitution guarantees freedom of expression; "
        "this paragraph summarises the laws that apply online.\n");
    add(std::move(rec));
  }
  auto appended = log.append(kDemoConsultationId, std::move(entries));
  return appended.ok() ? std::string() : appended.status().message();
}

std::vector<DemoLink> demo_links(const TokenSigner& signer, const std::string& public_url) {
  std::vector<DemoLink> links;
  int64_t expires = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(24 * 30))
                        .count();
  for (const auto& p : kPeople) {
    TokenClaims claims;
    claims.consultation_id = kDemoConsultationId;
    claims.participant_id = p.id;
    claims.display_name = p.name;
    claims.role = p.role;
    claims.expires_unix = expires;
    links.push_back({std::string(role_name(p.role)), p.name, public_url + "/join#token=" + signer.sign(claims)});
  }
  return links;
}

}  // namespace kenes::server
