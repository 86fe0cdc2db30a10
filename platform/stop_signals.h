// platform/stop_signals.h: SIGINT (Ctrl-C) and SIGTERM end a run the way the
// run's own ends do: the simulation stops at its next update phase and
// rvh-vp prints the run summary and writes --stats and the other reports.
// The handler only records the signal and posts a semaphore; a host thread
// waiting on it asks the SystemC kernel for an update
// (sc_prim_channel::async_request_update, thread-safe), and update() calls
// `stop` with the signal number inside the simulation. A second signal while
// the first is being handled ends the process at once (the default action),
// after restoring the console's terminal (platform/terminal.h).
// A signal ignored when rvh-vp started (nohup, a background job of a
// non-interactive shell) stays ignored.
#pragma once
#include <atomic>
#include <functional>
#include <thread>

#include <systemc>

namespace rvh {

class StopOnSignal : public sc_core::sc_prim_channel {
 public:
  // Construct during elaboration (before sc_start); one at a time.
  explicit StopOnSignal(std::function<void(int signo)> stop);
  ~StopOnSignal() override;  // restores the previous handlers
  // The stop signal received so far, 0 if none (for code that blocks the
  // simulation, such as the GDB stub while halted, to notice it).
  static int pending_signal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  void update() override;
  void watch();

  std::function<void(int)> stop_;
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

// "SIGINT", "SIGTERM", or "signal N".
std::string signal_name(int signo);

}  // namespace rvh
