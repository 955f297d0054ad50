#pragma once
// The daemon's counters in Prometheus's text exposition format (0.0.4), for its /metrics.
// Names are prefixed ebworker_sqsd_ (the worker's own metrics are ebworker_...). A function of
// the counters' snapshot rather than a metrics::Registry: the daemon's tallies live in its
// parts (delete batcher, heartbeat), and a registry's counters can only be incremented.

#include <string>

#include "sqsd/sqsd_counters.h"

namespace ebworker {

std::string sqsd_metrics_text(const SqsdCounters& counters, bool leader, bool worker_up);

}  // namespace ebworker
