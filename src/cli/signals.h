#pragma once

#include <csignal>

namespace ebworker {

// SIGTERM and SIGINT are taken by wait_for_stop_signal. Block them before any thread starts, so
// that no server or pool thread receives them.
sigset_t block_stop_signals();

// Waits for one of them; returns which.
int wait_for_stop_signal(const sigset_t& signals);

}  // namespace ebworker
