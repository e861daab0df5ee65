#include "replay/demo.h"

#include <chrono>

#include "consultation/sample_framework.h"
#include "kenes/v1/log.pb.h"
#include "kenes/v1/protocol.pb.h"

namespace kenes::replay {

namespace {

// Plain names: the page shows each person's role beside their name, so a
// role written into a name would only be said twice (issue 17).
constexpr DemoPerson kPeople[] = {
    {"demo-chair", "Aigerim Sadykova", kenes::v1::ROLE_CHAIR},
    {"demo-researcher", "Daniyar Ospanov", kenes::v1::ROLE_RESEARCHER},
    {"demo-member-1", "Elena Kim", kenes::v1::ROLE_MEMBER},
    {"demo-member-2", "Nurlan Abenov", kenes::v1::ROLE_MEMBER},
    {"demo-observer", "Saule Zhaksybekova", kenes::v1::ROLE_OBSERVER},
};

}  // namespace

std::string append_consultation_created(storage::Log& log, const std::string& id, const std::string& title,
                                        const kenes::v1::Framework& framework, const std::string& author,
                                        kenes::v1::Scope scope) {
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
  c->set_scope(scope);
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
    *c->mutable_framework() = consultation::sample_framework();
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

std::span<const DemoPerson> demo_people() { return kPeople; }

}  // namespace kenes::replay
