// platform/terminal.cpp: see terminal.h.
#include "platform/terminal.h"

#include <csignal>
#include <cstdlib>

#include <termios.h>
#include <unistd.h>

namespace rvh {
namespace {

volatile sig_atomic_t g_raw = 0;
int g_fd = -1;
struct termios g_saved {};
bool g_hooks_installed = false;

// Every signal whose default action ends the process (SIGPIPE: `rvh-vp | head`).
const int kFatalSignals[] = {SIGHUP,  SIGQUIT, SIGABRT, SIGSEGV, SIGBUS,  SIGFPE,    SIGILL,  SIGPIPE,
                             SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGSYS};
// Only while nobody else handles them (platform/stop_signals.h does, in rvh-vp).
const int kStopSignals[] = {SIGINT, SIGTERM};
struct sigaction g_previous[NSIG];

void restore_on_signal(int sig) {
  restore_terminal();
  // What the signal did before us (default: terminate or dump core); it is
  // delivered again once this handler returns.
  sigaction(sig, &g_previous[sig], nullptr);
  raise(sig);
}

void restore_at_exit() { restore_terminal(); }

void install_hooks() {
  if (g_hooks_installed) return;
  g_hooks_installed = true;
  std::atexit(restore_at_exit);
  struct sigaction sa {};
  sa.sa_handler = restore_on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  for (int sig : kFatalSignals) {
    struct sigaction current {};
    sigaction(sig, nullptr, &current);
    if (current.sa_handler == SIG_IGN) continue;  // ignored stays ignored
    sigaction(sig, &sa, &g_previous[sig]);
  }
  for (int sig : kStopSignals) {
    struct sigaction current {};
    sigaction(sig, nullptr, &current);
    if (current.sa_handler != SIG_DFL || (current.sa_flags & SA_SIGINFO)) continue;
    sigaction(sig, &sa, &g_previous[sig]);
  }
}

}  // namespace

bool enter_raw_terminal(int fd, bool keep_signals) {
  if (g_raw || !isatty(fd)) return false;
  struct termios t {};
  if (tcgetattr(fd, &t) != 0) return false;
  g_saved = t;
  g_fd = fd;
  install_hooks();
  t.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ECHONL | IEXTEN);
  if (!keep_signals) t.c_lflag &= ~static_cast<tcflag_t>(ISIG);
  t.c_iflag &= ~static_cast<tcflag_t>(ICRNL | INLCR | IGNCR | IXON | ISTRIP | BRKINT | PARMRK);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  // TCSANOW: what was typed before keeps waiting (TCSAFLUSH would discard it).
  if (tcsetattr(fd, TCSANOW, &t) != 0) return false;
  g_raw = 1;
  return true;
}

void restore_terminal() {
  if (!g_raw) return;
  g_raw = 0;
  // TCSANOW: never wait for output to drain here (this may run in a signal
  // handler, and the terminal may be stopped by flow control).
  tcsetattr(g_fd, TCSANOW, &g_saved);
}

bool terminal_is_raw() { return g_raw != 0; }

}  // namespace rvh
