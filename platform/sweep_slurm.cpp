// platform/sweep_slurm.cpp: the Slurm executor of `rvh-vp sweep`
// (sweep_executor.h, docs/sweeps.md "On a Slurm cluster"). The sweep becomes
// one job array: shared_dir/points.list holds one line per point (its id, log
// and result paths, then rvh-vp's arguments, all shell-quoted), and
// shared_dir/sweep.sbatch is the job script whose task i runs line i+1 and
// leaves <id>.seconds and <id>.exit next to the point's stats. Slurm does the
// placement, the retries (--requeue) and the limits (--array=...%N, --time);
// this file only writes the two files, runs `sbatch --parsable --wait`, and
// reports each point as its .exit file appears.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "platform/sweep_executor.h"
#include "platform/sweep_stop_signals.h"

extern char** environ;

namespace rvh {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A POSIX shell word: single quotes, with ' as '\'' and a newline as the
// script's $nl (so that each point stays on one line of points.list).
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '\n') {
      out += "'\"$nl\"'";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string absolute(const std::string& path) { return fs::absolute(path).lexically_normal().string(); }

// Where task i leaves its results: <stats dir>/<id>.exit and <id>.seconds.
std::string result_prefix(const SweepPoint& p) {
  const fs::path stats = fs::absolute(p.stats_path);
  return (stats.parent_path() / p.id).lexically_normal().string();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path + ": check that the sweep's shared directory is writable");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The job script. Every task runs its point under coreutils' `timeout` (when
// there is one), so that a point that runs too long ends with exit 124 and
// its .exit file; Slurm's --time is only the backstop for a stuck task.
std::string job_script(size_t count, const SlurmExecutorOptions& o, const std::string& points_list,
                       const std::string& task_output) {
  std::ostringstream s;
  s << "#!/bin/sh\n"
    << "# Written by `rvh-vp sweep --executor slurm` (docs/sweeps.md): task i runs line i+1 of\n"
    << "# " << points_list << ".\n"
    << "#SBATCH --job-name=rvh-sweep\n"
    << "#SBATCH --array=0-" << (count - 1);
  if (o.max_parallel > 0) s << '%' << o.max_parallel;
  s << "\n#SBATCH --requeue\n"
    << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=1\n"
    << "#SBATCH --chdir=" << fs::current_path().string() << "\n"
    << "#SBATCH --output=" << task_output << "\n";
  if (o.timeout_seconds > 0) {
    // Minutes: the point's timeout, plus one for starting and killing it.
    s << "#SBATCH --time=" << static_cast<long>(std::ceil(o.timeout_seconds / 60.0)) + 1 << "\n";
  }
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  s << "set -u\n"
    << "nl='\n'\n"
    << "rvh_vp=" << shell_quote(o.rvh_vp) << "\n"
    << "points=" << shell_quote(points_list) << "\n"
    << "timeout_s=" << (o.timeout_seconds > 0 ? std::to_string(o.timeout_seconds) : std::string("0")) << "\n"
    << "task=${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}\n"
    << "line=$(sed -n \"$((task + 1))p\" \"$points\")\n"
    << "[ -n \"$line\" ] || { echo \"rvh-sweep: no point $task in $points\" >&2; exit 1; }\n"
    << "eval \"set -- $line\"\n"
    << "id=$1 log=$2 result=$3\n"
    << "shift 3\n"
    << "rm -f \"$result.exit\" \"$result.seconds\"  # a requeued task starts afresh\n"
    << "echo \"rvh-sweep: task $task: point $id on $(hostname)\"\n"
    << "start=$(date +%s.%N)\n"
    << "if [ \"$timeout_s\" != 0 ]; then\n"
    << "  timeout --kill-after=10 \"$timeout_s\" \"$rvh_vp\" \"$@\" </dev/null >\"$log\" 2>&1\n"
    << "else\n"
    << "  \"$rvh_vp\" \"$@\" </dev/null >\"$log\" 2>&1\n"
    << "fi\n"
    << "code=$?\n"
    << "end=$(date +%s.%N)\n"
    << "echo \"$start $end\" | awk '{ printf \"%.3f\\n\", $2 - $1 }' >\"$result.seconds.tmp\" &&\n"
    << "  mv -f \"$result.seconds.tmp\" \"$result.seconds\"\n"
    << "echo \"$code\" >\"$result.exit.tmp\" && mv -f \"$result.exit.tmp\" \"$result.exit\"\n"
    << "echo \"rvh-sweep: task $task: point $id exit $code\"\n";
  return s.str();
}

// Spawns argv in its own process group (the terminal's Ctrl-C reaches only
// the sweep), stdin /dev/null, stdout and stderr to files. Throws when the
// program cannot be run.
pid_t spawn(const std::vector<std::string>& words, const std::string& out, const std::string& err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> copy = words;
  std::vector<char*> argv;
  for (auto& w : copy) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, words[0].c_str(), &fa, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  if (rc == ENOENT) {
    throw std::runtime_error(words[0] + " not found on PATH: run the Slurm sweep where Slurm's commands are "
                                        "installed, or use --executor local");
  }
  if (rc != 0) throw std::runtime_error("cannot run " + words[0] + ": " + std::strerror(rc));
  return pid;
}

int wait_exit(pid_t pid) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// The job id that `sbatch --parsable` printed ("123" or "123;cluster"), "" if none yet.
std::string job_id_in(const std::string& sbatch_out) {
  std::string id;
  for (char c : sbatch_out) {
    if (c < '0' || c > '9') break;
    id += c;
  }
  return id;
}

// sbatch's complaint in one line: its last "error:" line, else its last line.
std::string one_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last, last_error;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    last = line;
    const auto e = line.find("error: ");
    if (e != std::string::npos) last_error = line.substr(e + 7);
  }
  return last_error.empty() ? last : last_error;
}

void cancel_job(const std::string& job_id, const std::string& dir) {
  if (job_id.empty()) return;
  try {
    wait_exit(spawn({"scancel", job_id}, dir + "/scancel.out", dir + "/scancel.err"));
  } catch (const std::exception&) {
    // scancel missing: nothing more to do from here.
  }
}

// A point's outcome from the files its task left, or false if none yet.
bool read_outcome(const SweepPoint& p, double timeout_seconds, PointOutcome& o) {
  const std::string prefix = result_prefix(p);
  std::ifstream exit_file(prefix + ".exit");
  int code = 0;
  if (!(exit_file >> code)) return false;
  o = PointOutcome{};
  o.id = p.id;
  std::ifstream seconds_file(prefix + ".seconds");
  seconds_file >> o.host_seconds;
  if (timeout_seconds > 0 && code == 124 && o.host_seconds >= timeout_seconds) {  // coreutils timeout
    o.timed_out = true;
    char text[64];
    std::snprintf(text, sizeof text, "timed out after %g s", timeout_seconds);
    o.error = text;
  } else if (code > 128 && code < 128 + 65) {  // the shell's status for a run killed by a signal
    o.error = "killed by signal " + std::to_string(code - 128) + " (" + strsignal(code - 128) + ")";
  } else {
    o.exit_code = code;
  }
  return true;
}

}  // namespace

bool run_slurm(const std::vector<SweepPoint>& points, const SlurmExecutorOptions& options, const PointDone& done) {
  if (points.empty()) return true;
  const std::string dir = absolute(options.shared_dir);
  std::error_code ec;
  fs::create_directories(dir + "/slurm", ec);
  if (ec) throw std::runtime_error("cannot create " + dir + "/slurm: " + ec.message());

  // The point list and the job script; stale results of an earlier try go.
  std::ostringstream list;
  for (const SweepPoint& p : points) {
    const std::string prefix = result_prefix(p);
    fs::remove(prefix + ".exit", ec);
    fs::remove(prefix + ".seconds", ec);
    fs::create_directories(fs::path(prefix).parent_path(), ec);
    fs::create_directories(fs::absolute(p.log_path).parent_path(), ec);
    list << shell_quote(p.id) << ' ' << shell_quote(absolute(p.log_path)) << ' ' << shell_quote(prefix);
    for (const std::string& a : p.args) list << ' ' << shell_quote(a);
    list << '\n';
  }
  const std::string points_list = dir + "/points.list";
  const std::string script = dir + "/sweep.sbatch";
  write_file(points_list, list.str());
  write_file(script, job_script(points.size(), options, points_list, dir + "/slurm/task-%a.out"));

  SweepStopSignals signals;
  const std::string out = dir + "/slurm/sbatch.out", err = dir + "/slurm/sbatch.err";
  const pid_t sbatch = spawn({"sbatch", "--parsable", "--wait", script}, out, err);

  std::vector<bool> reported(points.size(), false);
  size_t left = points.size();
  auto collect = [&] {
    for (size_t i = 0; i < points.size(); ++i) {
      PointOutcome o;
      if (!reported[i] && read_outcome(points[i], options.timeout_seconds, o)) {
        reported[i] = true;
        --left;
        done(o);
      }
    }
  };

  int status = -1;
  Clock::time_point last_scan = Clock::now();
  for (;;) {
    int st = 0;
    const pid_t w = waitpid(sbatch, &st, WNOHANG);
    if (w == sbatch) {
      status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      break;
    }
    if (sweep_stop_signal()) {
      // Ctrl-C: cancel the array (running tasks are killed, pending ones never start).
      std::string job = job_id_in(read_file(out));
      kill(-sbatch, SIGTERM);
      wait_exit(sbatch);
      if (job.empty()) job = job_id_in(read_file(out));
      cancel_job(job, dir + "/slurm");
      return false;
    }
    if (Clock::now() - last_scan > std::chrono::seconds(2)) {  // progress while the array runs
      collect();
      last_scan = Clock::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  const std::string job = job_id_in(read_file(out));
  if (job.empty()) {
    const std::string why = one_line(read_file(err));
    throw std::runtime_error("sbatch refused the sweep's job array: " +
                             (why.empty() ? "exit status " + std::to_string(status) : why));
  }
  // sbatch --wait's status is the highest of the tasks' (each task exits 0
  // once its point has run): the files say how each point ended. On a
  // shared filesystem a file written on a compute node may show up here a
  // little later, so missing ones get a few seconds.
  collect();
  for (int i = 0; i < 20 && left > 0 && !sweep_stop_signal(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    collect();
  }
  for (size_t i = 0; i < points.size(); ++i) {
    if (reported[i]) continue;
    PointOutcome o;
    o.id = points[i].id;
    o.error = "no result from Slurm task " + std::to_string(i) + " of job " + job + " (see " + dir + "/slurm/task-" +
              std::to_string(i) + ".out)";
    done(o);
  }
  return true;
}

}  // namespace rvh
