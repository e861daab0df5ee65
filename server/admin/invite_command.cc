// kenes-admin invite: an invite link for one participant, signed with the
// server's secret. Needs only <data-dir>/secret.key, so it works while the
// server runs.

#include <filesystem>
#include <iostream>

#include "command.h"
#include "invite_link.h"
#include "auth/token.h"

namespace po = boost::program_options;

namespace kenes::admin {
namespace {

constexpr std::string_view kName = "invite";

int run(int argc, char** argv) {
  std::string data_dir, consultation, role_text, name, participant, base_url;
  int days = 30;
  po::options_description options("options");
  add_data_dir_option(options, &data_dir);
  options.add_options()
      ("consultation,c", po::value(&consultation)->required(), "the consultation id")
      ("role", po::value(&role_text)->required(), "chair | researcher | member | observer")
      ("name", po::value(&name)->required(), "the participant's display name")
      ("participant", po::value(&participant),
       "the participant id (default: a fresh one); give an existing id to send someone a new link")
      ("days", po::value(&days)->default_value(30), "days the link stays valid")
      ("base-url", po::value(&base_url)->default_value(default_base_url()),
       "the server's public address, the start of the printed link (default $KENES_PUBLIC_URL)");
  po::variables_map vm;
  if (auto code = parse_options(
          argc, argv,
          "invite [--data-dir D] --consultation ID --role ROLE --name NAME [--participant ID] [--days N] "
          "[--base-url URL]",
          "Prints an invite link (BASE/join#token=...) for one participant of a consultation. Only reads\n"
          "<data-dir>/secret.key, so it works while the server runs. The role in the link counts on the\n"
          "participant's first visit; after that the consultation's log is the authority on roles.",
          options, vm)) {
    return *code;
  }
  auto role = consultation::role_from_name(role_text);
  if (!role || *role == kenes::v1::ROLE_UNSPECIFIED) {
    return report_error(kName, "--role must be chair, researcher, member or observer, not '" + role_text + "'",
                        kExitUsage);
  }
  if (!valid_display_name(name)) return report_error(kName, "--name must be 1-200 bytes of UTF-8", kExitUsage);
  if (days < 1 || days > 3650) return report_error(kName, "--days must be between 1 and 3650", kExitUsage);
  if (consultation.empty() || consultation.size() > 64 ||
      consultation.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
          std::string::npos) {
    return report_error(kName, "--consultation must be 1-64 characters of A-Z a-z 0-9 . _ -", kExitUsage);
  }
  if (participant.size() > 128 || (!participant.empty() && !valid_display_name(participant))) {
    return report_error(kName, "--participant must be 1-128 bytes of UTF-8", kExitUsage);
  }

  std::string error;
  auto key = read_secret_key(data_dir, &error);
  if (!key) return report_error(kName, error, kExitError);

  // A link to a consultation that does not exist would only be refused when
  // opened: check, through a read-only view (fine while the server writes).
  if (std::filesystem::exists(log_folder(data_dir))) {
    auto view = open_view(kName, data_dir);
    if (!view) return kExitError;
    auto head = view->head(consultation);
    if (!head.ok()) return report_error(kName, head.status());
    if (head.value().seq == 0) {
      return report_error(kName,
                          "there is no consultation " + consultation + " in " + log_folder(data_dir) +
                              " (create it with kenes-admin create-consultation)",
                          kExitProblems);
    }
  } else {
    std::cerr << "kenes-admin invite: warning: no log in " << log_folder(data_dir)
              << ", so the consultation could not be checked\n";
  }

  InviteRequest request;
  request.consultation_id = consultation;
  request.participant_id = participant;
  request.display_name = name;
  request.role = *role;
  request.days = days;
  request.base_url = base_url;
  Invite invite = make_invite(*key, request);
  std::cout << "invite link for " << name << " (" << consultation::role_name(*role) << ", participant "
            << invite.participant_id << ") to consultation " << consultation << ", valid until "
            << invite.expires_utc << ":\n"
            << invite.link << "\n";
  return kExitOk;
}

}  // namespace

static const Registration kRegistered{{kName, "print an invite link for a participant (works while the server runs)", run}};

}  // namespace kenes::admin
