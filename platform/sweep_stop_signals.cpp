// platform/sweep_stop_signals.cpp: see sweep_stop_signals.h.
#include "platform/sweep_stop_signals.h"

#include <cstring>

namespace rvh {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
void on_stop_signal(int signo) { g_stop_signal = signo; }

}  // namespace

SweepStopSignals::SweepStopSignals() {
  g_stop_signal = 0;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

SweepStopSignals::~SweepStopSignals() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

int sweep_stop_signal() { return g_stop_signal; }

}  // namespace rvh
