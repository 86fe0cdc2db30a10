// platform/stop_signals.cpp: see stop_signals.h.
#include "platform/stop_signals.h"

#include "platform/terminal.h"

#include <semaphore.h>

#include <cerrno>
#include <csignal>
#include <string>

namespace rvh {
namespace {

const int kStopSignals[] = {SIGINT, SIGTERM};

volatile sig_atomic_t g_signal = 0;  // the first stop signal received, 0 before
sem_t g_posted;                       // posted by the handler (sem_post is async-signal-safe)
struct sigaction g_previous[NSIG];
bool g_installed[NSIG] = {};

void on_stop_signal(int signo) {
  if (g_signal != 0) {  // asked twice: do what the signal does by default
    restore_terminal();  // but leave the terminal as it was found
    signal(signo, SIG_DFL);
    raise(signo);
    return;
  }
  g_signal = signo;
  sem_post(&g_posted);
}

}  // namespace

std::string signal_name(int signo) {
  switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal " + std::to_string(signo);
  }
}

StopOnSignal::StopOnSignal(std::function<void(int)> stop)
    : sc_core::sc_prim_channel(sc_core::sc_gen_unique_name("stop_on_signal")), stop_(std::move(stop)) {
  g_signal = 0;
  sem_init(&g_posted, 0, 0);
  watcher_ = std::thread(&StopOnSignal::watch, this);
  for (int signo : kStopSignals) {
    struct sigaction current {};
    sigaction(signo, nullptr, &current);
    if (current.sa_handler == SIG_IGN) continue;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(signo, &sa, &g_previous[signo]);
    g_installed[signo] = true;
  }
}

StopOnSignal::~StopOnSignal() {
  for (int signo : kStopSignals)
    if (g_installed[signo]) {
      sigaction(signo, &g_previous[signo], nullptr);
      g_installed[signo] = false;
    }
  done_ = true;
  sem_post(&g_posted);
  watcher_.join();
  sem_destroy(&g_posted);
}

int StopOnSignal::pending_signal() { return g_signal; }

void StopOnSignal::watch() {
  while (sem_wait(&g_posted) != 0 && errno == EINTR) {
  }
  if (!done_) async_request_update();
}

void StopOnSignal::update() {
  if (g_signal != 0) stop_(g_signal);
}

}  // namespace rvh
