// platform/sweep_stop_signals.h: Ctrl-C and SIGTERM during a sweep. While a
// SweepStopSignals lives, SIGINT and SIGTERM only record themselves (the
// executors poll sweep_stop_signal() and stop their points cleanly); the
// previous handlers come back when it ends.
#pragma once
#include <csignal>

namespace rvh {

class SweepStopSignals {
 public:
  SweepStopSignals();
  ~SweepStopSignals();
  SweepStopSignals(const SweepStopSignals&) = delete;
  SweepStopSignals& operator=(const SweepStopSignals&) = delete;

 private:
  struct sigaction old_int_, old_term_;
};

// The signal received while a SweepStopSignals was alive, or 0.
int sweep_stop_signal();

}  // namespace rvh
