// spdlog makes its registry (and default logger) on first use, inside libspdlog, which is not
// built with ThreadSanitizer: when that first use is on one thread while another logs, the
// sanitizer cannot see the static-initialisation guard that orders them and reports a race in
// spdlog's level check (seen once in race.SqsdDaemonRace, whose daemon logs first from the main
// thread after its receivers started). The ebworker commands set up logging before any thread;
// the race tests do the same here, before main.

#include <spdlog/spdlog.h>

namespace {

[[maybe_unused]] const bool spdlog_registry_made = (spdlog::default_logger(), true);

}  // namespace
