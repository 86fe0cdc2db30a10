// platform/sweep_local.cpp: the local executor of `rvh-vp sweep`
// (sweep_executor.h, docs/sweeps.md "Running on this machine"): at most
// `jobs` children at a time, each in its own process group (so that the
// terminal's Ctrl-C reaches only the sweep, which then kills them: an
// interrupted point leaves no result), killed after the per-point timeout.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <csignal>
#include <cstring>
#include <thread>

#include "platform/sweep_executor.h"
#include "platform/sweep_stop_signals.h"

extern char** environ;

namespace rvh {
namespace {

using Clock = std::chrono::steady_clock;

struct Running {
  pid_t pid;
  std::string id;
  Clock::time_point start;
};

// Starts `rvh_vp args...` in a new process group, stdin from /dev/null,
// stdout and stderr to `log`. Returns the pid, or -1 with `error` set.
pid_t start_point(const std::string& rvh_vp, const SweepPoint& p, std::string& error) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, p.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;  // the child gets default SIGINT/SIGTERM, whatever the sweep's handlers
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> words = {rvh_vp};
  words.insert(words.end(), p.args.begin(), p.args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, rvh_vp.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    error = "cannot run " + rvh_vp + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

void kill_point(pid_t pid) {
  kill(-pid, SIGKILL);  // its process group: `rvh-vp bench` has children of its own
  int st;
  waitpid(pid, &st, 0);
}

}  // namespace

bool run_local(const std::vector<SweepPoint>& points, const LocalExecutorOptions& options, const PointDone& done) {
  SweepStopSignals signals;
  unsigned jobs = options.jobs;
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  std::vector<Running> running;
  size_t next = 0;
  while (next < points.size() || !running.empty()) {
    if (sweep_stop_signal()) {
      for (const Running& r : running) kill_point(r.pid);
      return false;
    }
    while (running.size() < jobs && next < points.size()) {
      const SweepPoint& p = points[next++];
      std::string error;
      const Clock::time_point start = Clock::now();
      const pid_t pid = start_point(options.rvh_vp, p, error);
      if (pid < 0) {
        PointOutcome o;
        o.id = p.id;
        o.error = error;
        done(o);
      } else {
        running.push_back({pid, p.id, start});
      }
    }
    bool any_ended = false;
    for (size_t i = 0; i < running.size();) {
      const Running r = running[i];
      int st = 0;
      const pid_t w = waitpid(r.pid, &st, WNOHANG);
      const double seconds = std::chrono::duration<double>(Clock::now() - r.start).count();
      PointOutcome o;
      o.id = r.id;
      o.host_seconds = seconds;
      if (w == r.pid) {
        if (sweep_stop_signal()) break;  // ended as the sweep was interrupted: not reported
        kill(-r.pid, SIGKILL);     // anything the point left behind in its group
        if (WIFEXITED(st)) {
          o.exit_code = WEXITSTATUS(st);
        } else if (WIFSIGNALED(st)) {
          o.error = std::string("killed by signal ") + std::to_string(WTERMSIG(st)) + " (" + strsignal(WTERMSIG(st)) + ")";
        }
      } else if (options.timeout_seconds > 0 && seconds > options.timeout_seconds) {
        kill_point(r.pid);
        o.timed_out = true;
        char text[64];
        std::snprintf(text, sizeof text, "timed out after %g s", options.timeout_seconds);
        o.error = text;
      } else {
        ++i;
        continue;
      }
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      any_ended = true;
      done(o);
    }
    if (!any_ended) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;  // every point reported
}

}  // namespace rvh
