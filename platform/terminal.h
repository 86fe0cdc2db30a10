// platform/terminal.h: the console's terminal in raw mode, and the guarantee
// that it is given back as it was found.
//
// enter_raw_terminal(fd, keep_signals) saves fd's termios and switches it to
// raw input: no echo, no line editing, no CR/NL translation, no XON/XOFF, one
// byte at a time; with keep_signals false also no ISIG, so Ctrl-C, Ctrl-Z
// and Ctrl-\ are bytes for the guest (rvh-vp's escape key still ends the
// run). Output processing (OPOST: \n written as \r\n) is kept, so that the
// simulator's own messages print as lines. The saved modes come back:
//   - restore_terminal(), which the console calls when it closes;
//   - at exit (atexit);
//   - on a signal that ends the process (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
//     SIGABRT, SIGQUIT, SIGHUP, SIGPIPE, SIGALRM, SIGUSR1/2, ..., and
//     SIGINT/SIGTERM while nobody else handles them): restored, then the
//     signal's previous action runs;
//   - platform/stop_signals.cpp calls restore_terminal() before a second
//     SIGINT/SIGTERM ends the process at once.
// One terminal at a time (the process's stdin in practice).
#pragma once

namespace rvh {

// Returns false (and changes nothing) if fd is not a terminal or its modes
// cannot be read or set.
bool enter_raw_terminal(int fd, bool keep_signals);
// Puts the saved modes back if raw mode is on; idempotent and
// async-signal-safe.
void restore_terminal();
bool terminal_is_raw();

}  // namespace rvh
