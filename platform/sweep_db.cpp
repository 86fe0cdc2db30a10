// platform/sweep_db.cpp: see sweep_db.h.
#include "platform/sweep_db.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace rvh {
namespace {

const char* const kFigureColumns =
    "status TEXT NOT NULL, exit_code INTEGER, error TEXT, host_seconds REAL, instructions INTEGER, sim_time_ns INTEGER, "
    "exits INTEGER, hyp_cycles INTEGER, guest_cycles INTEGER, hyp_share REAL, exits_by_cause TEXT, cost_cycles TEXT, "
    "overhead_percent REAL, cycles_per_op TEXT, stats_json TEXT";

std::string quoted(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::string& path) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
      throw std::runtime_error(path + ": " + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() const { return s_; }
  void bind(int i, const nlohmann::json& v) {
    if (v.is_boolean()) sqlite3_bind_int(s_, i, v.get<bool>() ? 1 : 0);
    else if (v.is_number_unsigned()) sqlite3_bind_int64(s_, i, static_cast<sqlite3_int64>(v.get<uint64_t>()));
    else if (v.is_number_integer()) sqlite3_bind_int64(s_, i, v.get<int64_t>());
    else if (v.is_number_float()) sqlite3_bind_double(s_, i, v.get<double>());
    else if (v.is_string()) bind_text(i, v.get<std::string>());
    else if (v.is_null()) sqlite3_bind_null(s_, i);
    else bind_text(i, v.dump());
  }
  void bind_text(int i, const std::string& t) { sqlite3_bind_text(s_, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT); }

 private:
  sqlite3_stmt* s_ = nullptr;
};

nlohmann::json number_or_null(const nlohmann::json& o, const char* key) {
  if (o.is_object() && o.contains(key) && o[key].is_number()) return o[key];
  return nullptr;
}

// The shortest text that reads back as the same double.
std::string double_text(double v) {
  char buf[40];
  for (int prec = 15; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

namespace {

// `rvh-vp bench --json` (docs/benchmarks.md): the workload's overhead and
// each operation's simulated cycles per operation (for a latency, from the
// deadline to the guest's handler).
SweepFigures bench_figures(const nlohmann::json& s) {
  SweepFigures f;
  f.overhead_percent = number_or_null(s.value("workload", nlohmann::json()), "overhead_percent");
  const nlohmann::json ops = s.value("operations", nlohmann::json());
  if (ops.is_array())
    for (const nlohmann::json& op : ops)
      if (op.is_object() && op.contains("name") && op["name"].is_string()) {
        nlohmann::json v = number_or_null(op, "sim_cycles_per_op");
        if (v.is_null()) v = number_or_null(op, "sim_latency_cycles");  // timer_sbi, timer_sstc, wfi_wakeup
        if (v.is_number()) f.cycles_per_op[op["name"].get<std::string>()] = v;
      }
  return f;
}

}  // namespace

SweepFigures sweep_figures(const nlohmann::json& s) {
  if (s.is_object() && s.value("schema", "") == "rvh-vp-bench/1") return bench_figures(s);
  SweepFigures f;
  f.instructions = number_or_null(s, "instructions");
  f.sim_time_ns = number_or_null(s, "sim_time_ns");
  if (!s.is_object() || !s.contains("hypervisor") || !s["hypervisor"].is_object()) return f;
  const nlohmann::json vm = s["hypervisor"].value("vm", nlohmann::json());
  if (!vm.is_object()) return f;
  f.exits = number_or_null(vm, "exits");
  f.hyp_cycles = number_or_null(vm, "hypervisor_cycles");
  f.guest_cycles = number_or_null(vm, "guest_cycles");
  const nlohmann::json all = number_or_null(vm, "cycles");
  if (f.hyp_cycles.is_number() && all.is_number() && all.get<double>() > 0)
    f.hyp_share = f.hyp_cycles.get<double>() / all.get<double>();
  if (vm.contains("exit_cost_histograms") && vm["exit_cost_histograms"].is_object())
    for (auto it = vm["exit_cost_histograms"].begin(); it != vm["exit_cost_histograms"].end(); ++it) {
      const nlohmann::json n = number_or_null(it.value(), "count");
      if (n.is_number()) f.exits_by_cause[it.key()] = n;
    }
  if (vm.contains("cost_cycles") && vm["cost_cycles"].is_object())
    for (auto it = vm["cost_cycles"].begin(); it != vm["cost_cycles"].end(); ++it)
      if (it.value().is_number()) f.cost_cycles[it.key()] = it.value();
  return f;
}

SweepDb::SweepDb(const std::string& path) : path_(path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir))
    throw std::runtime_error(path + ": cannot open the sweep database: no directory " + dir.string());
  // Never through a symbolic link (the database is an output file).
  if (std::filesystem::is_symlink(path))
    throw std::runtime_error(path + ": is a symbolic link; give the database's own path");
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(path + ": cannot open the sweep database: " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
}

SweepDb::~SweepDb() { sqlite3_close(db_); }

void SweepDb::exec(const std::string& sql) const {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    const std::string why = msg ? msg : sqlite3_errmsg(db_);
    sqlite3_free(msg);
    if (why.find("file is not a database") != std::string::npos)
      throw std::runtime_error(path_ + ": not an SQLite file; give another --db");
    throw std::runtime_error(path_ + ": " + why);
  }
}

void SweepDb::check_is_sweep() const {
  exec("SELECT 1 FROM sqlite_master LIMIT 1");  // "not an SQLite file"
  Statement q(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('sweep', 'points')", path_);
  if (sqlite3_step(q.get()) != SQLITE_ROW || sqlite3_column_int(q.get(), 0) != 2)
    throw std::runtime_error(path_ + ": not a sweep database (no tables sweep and points); give the .db file of an `rvh-vp sweep`");
}

void SweepDb::bind_spec(const std::string& spec_canonical, const std::vector<std::string>& axis_names,
                        const std::string& version, bool fresh) {
  exec("SELECT 1 FROM sqlite_master LIMIT 1");
  int table_count = 0;
  {
    Statement tables(db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", path_);
    sqlite3_step(tables.get());
    table_count = sqlite3_column_int(tables.get(), 0);
  }
  if (table_count > 0) {  // the statements are finalized before DROP TABLE ("table is locked" otherwise)
    check_is_sweep();
    const bool same = spec_text() == spec_canonical;
    if (same && !fresh) return;
    if (!same && !fresh) {
      Statement n(db_, "SELECT count(*) FROM points", path_);
      sqlite3_step(n.get());
      throw std::runtime_error(path_ + ": holds " + std::to_string(sqlite3_column_int(n.get(), 0)) +
                               " points of a different spec; give another --db, or --fresh to discard them");
    }
    exec("DROP TABLE points; DROP TABLE sweep;");
  }
  std::string columns = "id TEXT PRIMARY KEY, grid_index INTEGER NOT NULL, repetition INTEGER NOT NULL, ";
  for (const std::string& a : axis_names) columns += quoted(a) + ", ";
  columns += "params TEXT NOT NULL, ";
  columns += kFigureColumns;
  exec("BEGIN; CREATE TABLE sweep (spec TEXT NOT NULL, rvh_vp_version TEXT NOT NULL, created TEXT NOT NULL); "
       "CREATE TABLE points (" + columns + "); COMMIT;");
  char created[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  Statement ins(db_, "INSERT INTO sweep VALUES (?, ?, ?)", path_);
  ins.bind_text(1, spec_canonical);
  ins.bind_text(2, version);
  ins.bind_text(3, created);
  if (sqlite3_step(ins.get()) != SQLITE_DONE) throw std::runtime_error(path_ + ": " + sqlite3_errmsg(db_));
}

std::map<std::string, std::string> SweepDb::statuses() const {
  std::map<std::string, std::string> out;
  Statement q(db_, "SELECT id, status FROM points", path_);
  while (sqlite3_step(q.get()) == SQLITE_ROW)
    out[reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0))] =
        reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 1));
  return out;
}

void SweepDb::record(const SweepRow& row) {
  SweepFigures f;
  if (!row.stats_json.empty()) {
    try {
      f = sweep_figures(nlohmann::json::parse(row.stats_json));
    } catch (const nlohmann::json::exception&) {
    }
  }
  std::string names = "id, grid_index, repetition, ", marks = "?, ?, ?, ";
  for (auto it = row.params.begin(); it != row.params.end(); ++it) {
    names += quoted(it.key()) + ", ";
    marks += "?, ";
  }
  names += "params, status, exit_code, error, host_seconds, instructions, sim_time_ns, exits, hyp_cycles, guest_cycles, "
           "hyp_share, exits_by_cause, cost_cycles, overhead_percent, cycles_per_op, stats_json";
  marks += "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  Statement ins(db_, "INSERT OR REPLACE INTO points (" + names + ") VALUES (" + marks + ")", path_);
  int i = 1;
  ins.bind_text(i++, row.id);
  ins.bind(i++, static_cast<uint64_t>(row.grid_index));
  ins.bind(i++, row.repetition);
  for (auto it = row.params.begin(); it != row.params.end(); ++it) ins.bind(i++, it.value());
  ins.bind_text(i++, row.params.dump());
  ins.bind_text(i++, row.status);
  ins.bind(i++, row.exit_code);
  ins.bind(i++, row.error.empty() ? nlohmann::json() : nlohmann::json(row.error));
  ins.bind(i++, row.host_seconds);
  for (const nlohmann::json* v : {&f.instructions, &f.sim_time_ns, &f.exits, &f.hyp_cycles, &f.guest_cycles, &f.hyp_share})
    ins.bind(i++, *v);
  ins.bind_text(i++, f.exits_by_cause.dump());
  ins.bind_text(i++, f.cost_cycles.dump());
  ins.bind(i++, f.overhead_percent);
  ins.bind_text(i++, f.cycles_per_op.dump());
  ins.bind(i++, row.stats_json.empty() ? nlohmann::json() : nlohmann::json(row.stats_json));
  if (sqlite3_step(ins.get()) != SQLITE_DONE) throw std::runtime_error(path_ + ": " + sqlite3_errmsg(db_));
}

std::string SweepDb::spec_text() const {
  Statement q(db_, "SELECT spec FROM sweep LIMIT 1", path_);
  if (sqlite3_step(q.get()) != SQLITE_ROW) throw std::runtime_error(path_ + ": the sweep table is empty; run the sweep again with --fresh");
  return reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0));
}

std::vector<SweepResult> SweepDb::results() const {
  static const char* const kFigures[] = {"instructions", "sim_time_ns", "exits",        "hyp_cycles",
                                         "guest_cycles", "hyp_share",   "host_seconds", "overhead_percent"};
  constexpr int kCount = sizeof kFigures / sizeof kFigures[0];
  std::string sql = "SELECT id, params, status";
  for (const char* f : kFigures) sql += std::string(", ") + f;
  sql += ", cycles_per_op";
  Statement q(db_, sql + " FROM points ORDER BY grid_index, repetition", path_);
  std::vector<SweepResult> out;
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    SweepResult r;
    r.id = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 0));
    r.params = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 1)), nullptr, false);
    r.status = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), 2));
    r.figures = nlohmann::json::object();
    for (int k = 0; k < kCount; ++k) {
      const int c = 3 + k;
      const int type = sqlite3_column_type(q.get(), c);
      if (type == SQLITE_INTEGER) r.figures[kFigures[k]] = sqlite3_column_int64(q.get(), c);
      else if (type == SQLITE_FLOAT) r.figures[kFigures[k]] = sqlite3_column_double(q.get(), c);
      else r.figures[kFigures[k]] = nullptr;
    }
    const unsigned char* ops = sqlite3_column_text(q.get(), 3 + kCount);
    nlohmann::json per_op = ops ? nlohmann::json::parse(reinterpret_cast<const char*>(ops), nullptr, false) : nlohmann::json();
    r.figures["cycles_per_op"] = per_op.is_object() ? per_op : nlohmann::json::object();
    out.push_back(r);
  }
  return out;
}

void SweepDb::export_csv(std::ostream& out) const {
  Statement q(db_, "SELECT * FROM points ORDER BY grid_index, repetition", path_);
  const int n = sqlite3_column_count(q.get());
  std::vector<int> columns;
  for (int c = 0; c < n; ++c)
    if (std::string(sqlite3_column_name(q.get(), c)) != "stats_json") columns.push_back(c);
  for (size_t k = 0; k < columns.size(); ++k)
    out << (k ? "," : "") << csv_field(sqlite3_column_name(q.get(), columns[k]));
  out << "\n";
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    for (size_t k = 0; k < columns.size(); ++k) {
      const int c = columns[k];
      std::string v;
      switch (sqlite3_column_type(q.get(), c)) {
        case SQLITE_INTEGER: v = std::to_string(sqlite3_column_int64(q.get(), c)); break;
        case SQLITE_FLOAT: v = double_text(sqlite3_column_double(q.get(), c)); break;
        case SQLITE_NULL: break;
        default: v = reinterpret_cast<const char*>(sqlite3_column_text(q.get(), c)); break;
      }
      out << (k ? "," : "") << csv_field(v);
    }
    out << "\n";
  }
}

}  // namespace rvh
