// platform/sweep_cmd.cpp: see sweep_cmd.h.
#include "platform/sweep_cmd.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "platform/child_run.h"
#include "platform/file_io.h"
#include "platform/options.h"
#include "platform/sweep_db.h"
#include "platform/sweep_executor.h"
#include "platform/sweep_report.h"
#include "platform/sweep_spec.h"

namespace rvh {
namespace {

namespace fs = std::filesystem;

const char* const kUsage =
    "Usage: rvh-vp sweep SPEC.json [-j N] [--db FILE] [--out DIR] [--fresh] [--retry-failed]\n"
    "                    [--executor local|slurm] [--partition P] [--max-parallel N] [--shared-dir DIR]\n"
    "                    [--csv FILE] [--report FILE.html] [--plots DIR]\n"
    "       rvh-vp sweep SWEEP.db [--csv FILE] [--report FILE.html] [--plots DIR]\n"
    "SPEC is JSON, or YAML when its name ends in .yaml or .yml.\n"
    "Runs every point of the spec's grid that is not in the sweep's database yet (SPEC's name with .db,\n"
    "in the current directory), each with --stats into SPEC's name with .sweep/ next to the database;\n"
    "--csv exports the results, --report plots them (--plots DIR: each plot as an .svg file). docs/sweeps.md describes the spec and the database.\n";

struct SweepArgs {
  std::string input;  // SPEC.json or a sweep's .db
  unsigned jobs = 0;
  std::string db, out_dir, csv, report, plots_dir, executor = "local", partition, shared_dir;
  unsigned max_parallel = 0;
  bool fresh = false, retry_failed = false;
};

class BadUsage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

unsigned positive_number(const std::string& option, const std::string& text) {
  char* end = nullptr;
  const unsigned long v = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v == 0 || v > 100000 || text[0] == '-')
    throw BadUsage(option + " " + text + ": give a whole number from 1 to 100000");
  return static_cast<unsigned>(v);
}

SweepArgs parse_sweep_args(const std::vector<std::string>& args) {
  SweepArgs a;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& w = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw BadUsage(w + " needs a value");
      return args[++i];
    };
    if (w == "-j" || w == "--jobs") a.jobs = positive_number(w, value());
    else if (w.rfind("-j", 0) == 0 && w.size() > 2 && w[2] != '-') a.jobs = positive_number("-j", w.substr(2));
    else if (w == "--db") a.db = value();
    else if (w == "--out") a.out_dir = value();
    else if (w == "--csv") a.csv = value();
    else if (w == "--report") a.report = value();
    else if (w == "--plots") a.plots_dir = value();
    else if (w == "--fresh") a.fresh = true;
    else if (w == "--retry-failed") a.retry_failed = true;
    else if (w == "--executor") {
      a.executor = value();
      if (a.executor != "local" && a.executor != "slurm") throw BadUsage("--executor " + a.executor + ": use local or slurm");
    } else if (w == "--partition") a.partition = value();
    else if (w == "--max-parallel") a.max_parallel = positive_number(w, value());
    else if (w == "--shared-dir") a.shared_dir = value();
    else if (!w.empty() && w[0] == '-') throw BadUsage("unknown option " + w);
    else if (!a.input.empty()) throw BadUsage("one spec at a time (got " + a.input + " and " + w + ")");
    else a.input = w;
  }
  if (a.input.empty()) throw BadUsage("give a spec, e.g. rvh-vp sweep wfi.json (docs/sweeps.md)");
  return a;
}

bool is_sqlite_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char head[16] = {};
  f.read(head, sizeof head);
  return f.gcount() == 16 && std::string(head, 16) == std::string("SQLite format 3\0", 16);
}

std::string duration_text(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, static_cast<int>(s) / 60 % 60);
  return buf;
}

// The last non-empty line of a point's log (why it failed, most often).
std::string last_line(const std::string& path) {
  std::istringstream in(slurp_file(path));
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) last = line;
  }
  if (last.size() > 300) last = last.substr(0, 300) + "...";
  return last;
}

// done/total, failures and ETA on stderr: one line rewritten on a terminal,
// a line per point otherwise (a log).
class Progress {
 public:
  Progress(std::ostream& err, size_t total, size_t already_done, size_t to_run)
      : err_(err), total_(total), done_(already_done), to_run_(to_run), tty_(isatty(STDERR_FILENO) == 1),
        start_(std::chrono::steady_clock::now()) {}
  void point(const std::string& id, const std::string& status, double seconds) {
    ++done_;
    ++ran_;
    if (status != "ok") ++failed_;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = elapsed / static_cast<double>(ran_) * static_cast<double>(to_run_ - ran_);
    char line[200];
    std::snprintf(line, sizeof line, "sweep: %zu/%zu done, %zu failed, ETA %s", done_, total_, failed_,
                  duration_text(eta).c_str());
    if (tty_) {
      err_ << "\r" << line << "\033[K" << std::flush;
    } else {
      char what[120];
      std::snprintf(what, sizeof what, " (%s %s in %.1fs)", id.c_str(), status.c_str(), seconds);
      err_ << line << what << "\n" << std::flush;
    }
  }
  void finish() {
    if (tty_ && ran_ > 0) err_ << "\n";
  }
  size_t failed() const { return failed_; }

 private:
  std::ostream& err_;
  size_t total_, done_, to_run_, ran_ = 0, failed_ = 0;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
};

int export_csv(const SweepDb& db, const std::string& csv_path, std::ostream& err) {
  std::ostringstream text;
  db.export_csv(text);
  try {
    OutputFile f = OutputFile::open("--csv", csv_path);
    f.write_all(text.str());
  } catch (const std::exception& e) {
    err << "rvh-vp sweep: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// --plots DIR: each of the report's plots as DIR/AXIS-METRIC.svg (DIR is
// made if missing; each file is written as any output file is).
void write_plots(const SweepSpec& spec, const std::vector<SweepResult>& results, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) throw std::runtime_error("--plots " + dir + ": cannot make the directory" + (ec ? ": " + ec.message() : ""));
  for (const SweepPlot& plot : sweep_plots(spec, results)) {
    OutputFile f = OutputFile::open("--plots", (fs::path(dir) / sweep_plot_file_name(spec, plot)).string());
    f.write_all("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + plot.svg);
  }
}

// --csv, --report and --plots of a sweep's database; `title` names the sweep.
int export_results(const SweepDb& db, const SweepArgs& a, const SweepSpec& spec, const std::string& title, std::ostream& err) {
  if (!a.csv.empty() && export_csv(db, a.csv, err) != 0) return 1;
  if (a.report.empty() && a.plots_dir.empty()) return 0;
  try {
    const std::vector<SweepResult> results = db.results();
    if (!a.report.empty()) {
      OutputFile f = OutputFile::open("--report", a.report);
      f.write_all(sweep_report_html(spec, title, results));
    }
    if (!a.plots_dir.empty()) write_plots(spec, results, a.plots_dir);
  } catch (const std::exception& e) {
    err << "rvh-vp sweep: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int run_sweep(const SweepArgs& a, const std::string& rvh_vp, std::ostream& out, std::ostream& err) {
  // 1. The spec and its grid, checked whole before anything runs.
  std::vector<uint8_t> bytes;
  std::string read_error;
  if (!read_whole_file(a.input, bytes, read_error)) {
    err << "rvh-vp sweep: " << a.input << ": " << read_error << "\n";
    return 2;
  }
  const std::string text(bytes.begin(), bytes.end());
  SweepSpec spec;
  std::vector<SweepGridPoint> grid;
  try {
    spec = parse_sweep_spec(text, a.input);
    grid = expand_sweep_grid(spec);
    if (grid.empty()) throw SweepSpecError(a.input + ": \"exclude\" leaves no point to run");
    check_sweep_command_lines(spec, grid, a.input);
  } catch (const SweepSpecError& e) {
    err << "rvh-vp sweep: " << e.what() << "\n";
    return 2;
  }
  const std::string stem = fs::path(a.input).stem().string();
  const fs::path db_path = fs::absolute(a.db.empty() ? fs::path(stem + ".db") : fs::path(a.db));
  const fs::path out_dir = fs::absolute(a.out_dir.empty() ? db_path.parent_path() / (stem + ".sweep") : fs::path(a.out_dir));

  // 2. The database: new, the same spec's (resume) or refused.
  std::unique_ptr<SweepDb> db;
  std::map<std::string, std::string> statuses;
  try {
    db = std::make_unique<SweepDb>(db_path.string());
    std::vector<std::string> axis_names;
    for (const auto& axis : spec.axes) axis_names.push_back(axis.name);
    db->bind_spec(spec.canonical, axis_names, version_text(), a.fresh);
    statuses = db->statuses();
  } catch (const std::exception& e) {
    err << "rvh-vp sweep: " << e.what() << "\n";
    return 2;
  }
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    err << "rvh-vp sweep: " << out_dir.string() << ": cannot create the directory: " << ec.message() << "; give another --out\n";
    return 2;
  }

  // 3. The points still to run.
  std::vector<SweepPoint> todo;
  std::map<std::string, const SweepGridPoint*> by_id;
  size_t already = 0;
  for (const SweepGridPoint& g : grid) {
    const auto st = statuses.find(g.id);
    if (st != statuses.end() && (st->second == "ok" || !a.retry_failed)) {
      ++already;
      continue;
    }
    SweepPoint p;
    p.id = g.id;
    p.stats_path = (out_dir / (g.id + ".json")).string();
    p.log_path = (out_dir / (g.id + ".log")).string();
    p.args = g.args;
    for (const auto& w : sweep_output_args(spec, p.args, p.stats_path)) p.args.push_back(w);
    fs::remove(p.stats_path, ec);  // a stale file must not pass for this run's
    todo.push_back(p);
    by_id[g.id] = &g;
  }
  const std::string name = spec.name.empty() ? stem : spec.name;
  if (already > 0)
    err << "sweep " << name << ": " << already << " of " << grid.size() << " points already in " << db_path.string()
        << (todo.empty() ? "" : "; running the other " + std::to_string(todo.size())) << "\n";

  // 4. Run them, recording each as it ends.
  Progress progress(err, grid.size(), already, todo.size());
  std::string record_error;
  auto done = [&](const PointOutcome& o) {
    const auto it = by_id.find(o.id);
    if (it == by_id.end()) return;
    const SweepGridPoint& g = *it->second;
    const std::string stats_path = (out_dir / (g.id + ".json")).string();
    SweepRow row;
    row.id = g.id;
    row.grid_index = g.index;
    row.repetition = g.repetition;
    row.params = sweep_point_params(spec, g);
    row.exit_code = o.exit_code;
    row.host_seconds = o.host_seconds;
    row.error = o.error;
    row.status = o.timed_out ? "timeout" : (o.exit_code == 0 && o.error.empty()) ? "ok" : "failed";
    if (row.status == "failed" && row.error.empty()) {
      const std::string why = last_line((out_dir / (g.id + ".log")).string());
      row.error = "exit status " + std::to_string(o.exit_code) + (why.empty() ? "" : ": " + why);
    }
    if (!o.timed_out) row.stats_json = slurp_file(stats_path);
    if (row.status == "ok" && row.stats_json.empty()) {
      row.status = "failed";
      row.error = "wrote no statistics (" + stats_path + ")";
    }
    try {
      db->record(row);
    } catch (const std::exception& e) {
      if (record_error.empty()) record_error = e.what();
    }
    progress.point(g.id, row.status, o.host_seconds);
  };
  bool finished = true;
  try {
    if (a.executor == "slurm") {
      SlurmExecutorOptions so;
      so.rvh_vp = rvh_vp;
      so.shared_dir = a.shared_dir.empty() ? out_dir.string() : fs::absolute(a.shared_dir).string();
      so.partition = a.partition;
      so.max_parallel = a.max_parallel;
      so.timeout_seconds = spec.timeout_seconds;
      finished = todo.empty() || run_slurm(todo, so, done);
    } else {
      LocalExecutorOptions lo;
      lo.rvh_vp = rvh_vp;
      lo.jobs = a.jobs;
      lo.timeout_seconds = spec.timeout_seconds;
      finished = todo.empty() || run_local(todo, lo, done);
    }
  } catch (const std::exception& e) {
    progress.finish();
    err << "rvh-vp sweep: " << e.what() << "\n";
    return 1;
  }
  progress.finish();
  if (!record_error.empty()) {
    err << "rvh-vp sweep: " << record_error << "\n";
    return 1;
  }

  // 5. Summary (or how to resume).
  statuses = db->statuses();
  size_t ok = 0, failed = 0, timed_out = 0;
  for (const SweepGridPoint& g : grid) {
    const auto st = statuses.find(g.id);
    if (st == statuses.end()) continue;
    (st->second == "ok" ? ok : st->second == "timeout" ? timed_out : failed) += 1;
  }
  const size_t recorded = ok + failed + timed_out;
  if (!finished) {
    err << "interrupted: " << recorded << " of " << grid.size()
        << " points done; run the same command again to resume\n";
    return 130;
  }
  out << "sweep " << name << ": " << grid.size() << " points: " << ok << " ok, " << failed << " failed, " << timed_out
      << " timed out; results in " << db_path.string() << "\n";
  if (failed + timed_out > 0)
    out << "(the failed points' logs are in " << out_dir.string() << "; rerun them with --retry-failed)\n";
  if (export_results(*db, a, spec, name, err) != 0) return 1;
  return failed + timed_out == 0 ? 0 : 1;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args, const std::string& rvh_vp, std::ostream& out,
                  std::ostream& err) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    out << kUsage;
    return 0;
  }
  SweepArgs a;
  try {
    a = parse_sweep_args(args);
  } catch (const BadUsage& e) {
    err << "rvh-vp sweep: " << e.what() << "\nTry 'rvh-vp sweep --help' for more information.\n";
    return 2;
  }
  if (is_sqlite_file(a.input)) {  // rvh-vp sweep SWEEP.db --csv FILE
    if (a.csv.empty() && a.report.empty() && a.plots_dir.empty()) {
      err << "rvh-vp sweep: " << a.input
          << " is a sweep's database; give --csv FILE, --report FILE.html or --plots DIR to export it, or the spec to run it\n";
      return 2;
    }
    try {
      SweepDb db(a.input);
      db.check_is_sweep();
      const SweepSpec spec = parse_sweep_spec(db.spec_text(), a.input);
      const std::string title = spec.name.empty() ? fs::path(a.input).stem().string() : spec.name;
      return export_results(db, a, spec, title, err);
    } catch (const std::exception& e) {
      err << "rvh-vp sweep: " << e.what() << "\n";
      return 1;
    }
  }
  return run_sweep(a, rvh_vp, out, err);
}

}  // namespace rvh
