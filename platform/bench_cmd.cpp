// platform/bench_cmd.cpp: see bench_cmd.h.
#include "platform/bench_cmd.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "platform/bench_consolidation.h"
#include "platform/bench_io.h"
#include "platform/child_run.h"
#include "platform/file_io.h"
#include "platform/timing_config.h"

namespace rvh {
namespace {

namespace fs = std::filesystem;

struct Child {
  int status = -1;
  std::string out, err;  // file paths
};

// A benchmark guest that hangs must not hang the command: a run gets
// kRunTimeoutSeconds of host time (each takes well under one second).
constexpr int kRunTimeoutSeconds = 120;

bool is_latency_op(const std::string& name) { return name == "timer_sbi" || name == "timer_sstc" || name == "wfi_wakeup"; }

std::string fmt(double v, int prec = 1) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << v;
  return s.str();
}

}  // namespace

int bench_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string json_path, sw_dir, keep_dir;
  bool consolidation = true, io = true;
  std::vector<std::string> common, guest_only;
  // The runs' configuration, checked before any run (docs/timing.md).
  std::string config_file, hyp_costs_file;
  std::vector<std::string> config_sets;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* opt) -> std::string {
      if (i + 1 >= args.size()) throw std::runtime_error(std::string(opt) + " needs a value");
      return args[++i];
    };
    try {
      if (a == "--json") {
        json_path = value("--json");
        if (json_path.empty()) throw std::runtime_error("--json: empty file name; give a path");
      } else if (a == "--sw-dir") sw_dir = value("--sw-dir");
      else if (a == "--keep") keep_dir = value("--keep");
      else if (a == "--no-consolidation") consolidation = false;
      else if (a == "--no-io") io = false;
      else if (a == "--set" || a == "--config" || a == "--quantum" || a == "--quantum-insns") {
        common.push_back(a);
        common.push_back(value(a.c_str()));
        if (a == "--config") config_file = common.back();
        else if (a == "--set") config_sets.push_back(common.back());
        else config_sets.push_back((a == "--quantum" ? "sim.quantum_ns=" : "sim.quantum_insns=") + common.back());
      } else if (a == "--hyp-costs") {
        guest_only.push_back(a);
        guest_only.push_back(value("--hyp-costs"));
        hyp_costs_file = guest_only.back();
      } else if (a == "--no-guest-sstc" || a == "--hyp-prefault") {
        guest_only.push_back(a);
      } else if (a == "--help" || a == "-h") {
        out << "Usage: rvh-vp bench [--json FILE] [--sw-dir DIR] [--keep DIR] [--no-consolidation] [--no-io]\n"
               "                    [--set KEY=VALUE]... [--config FILE] [--hyp-costs FILE]\n"
               "                    [--quantum NS] [--quantum-insns N] [--no-guest-sstc] [--hyp-prefault]\n"
               "Runs the virtualization microbenchmarks (docs/benchmarks.md) and prints the cost per\n"
               "operation from the guest's own counters and from the simulator's accounting, then the\n"
               "consolidation scenarios (timer latency alone and next to a noisy VM; --no-consolidation\n"
               "skips them), then the I/O cost of a virtio-blk guest (docs/io.md; --no-io skips it).\n";
        return 0;
      } else {
        err << "rvh-vp bench: unknown argument '" << a << "'; see rvh-vp bench --help\n";
        return 2;
      }
    } catch (const std::exception& e) {
      err << "rvh-vp bench: " << e.what() << "\n";
      return 2;
    }
  }

  try {
    (void)resolve_config(config_file, hyp_costs_file, config_sets);
  } catch (const ConfigError& e) {
    err << "rvh-vp bench: " << e.what() << "\n";
    return 2;
  }

  // --json is opened now, so that an unwritable path is an error before the
  // runs (platform/file_io.h).
  OutputFile json_out;
  if (!json_path.empty()) {
    try {
      json_out = OutputFile::open("--json", json_path);
    } catch (const OutputError& e) {
      err << "rvh-vp bench: " << e.what() << "\n";
      return 1;
    }
  }

  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    err << "rvh-vp bench: cannot find this executable (/proc/self/exe)\n";
    return 1;
  }
  if (sw_dir.empty()) sw_dir = std::getenv("RVH_SW_DIR") ? std::getenv("RVH_SW_DIR") : (exe.parent_path() / "sw").string();
  const std::string micro = sw_dir + "/gb_micro.elf", bare = sw_dir + "/workload_bare.elf",
                    guest = sw_dir + "/workload_guest.elf";
  for (const auto& f : {micro, bare, guest})
    if (!fs::exists(f)) {
      err << "rvh-vp bench: " << f << " not found; build sw/ (cmake --build build) or give --sw-dir DIR\n";
      return 1;
    }

  fs::path dir;
  if (!keep_dir.empty()) {
    dir = keep_dir;
    fs::create_directories(dir, ec);
  } else {
    char tmpl[] = "/tmp/rvh-bench-XXXXXX";
    if (!mkdtemp(tmpl)) {
      err << "rvh-vp bench: cannot create a temporary directory\n";
      return 1;
    }
    dir = tmpl;
  }
  auto run = [&](const std::string& tag, std::vector<std::string> argv) {
    Child c;
    c.out = (dir / (tag + ".out")).string();
    c.err = (dir / (tag + ".err")).string();
    argv.insert(argv.begin(), exe.string());
    c.status = spawn_child(argv, c.out, c.err, kRunTimeoutSeconds);
    return c;
  };
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const std::string micro_stats = (dir / "micro.json").string(), wl_stats = (dir / "workload_guest.json").string();
  std::vector<std::string> hyp_args = with(common, guest_only);
  Child m = run("micro", with({"--hyp", "--no-stdin", "--smp", "2", "--kernel", micro, "--stats", micro_stats}, hyp_args));
  Child b = run("workload_bare", with({"--no-stdin"}, with(common, {bare})));
  Child g = run("workload_guest", with({"--hyp", "--no-stdin", "--kernel", guest, "--stats", wl_stats}, hyp_args));
  int rc = 0;
  for (auto* c : {&m, &b, &g})
    if (c->status != 0) {
      err << "rvh-vp bench: a run " << (c->status == -2 ? "timed out" : "failed (exit " + std::to_string(c->status) + ")")
          << "; its output is in " << c->out << " and "
          << c->err << ":\n" << slurp_file(c->err).substr(0, 2000);
      rc = 1;
    }
  if (rc) return rc;

  nlohmann::json stats;
  try {
    stats = nlohmann::json::parse(slurp_file(micro_stats));
  } catch (const std::exception& e) {
    err << "rvh-vp bench: " << micro_stats << ": " << e.what() << "\n";
    return 1;
  }
  const double tick_ns = 1e9 / stats["config"]["clint"]["timebase_hz"].get<double>();
  const double clock_hz = stats["config"]["hart"]["clock_hz"].get<double>();
  std::map<std::string, nlohmann::json> regions;
  for (const auto& r : stats["hypervisor"]["regions"]) regions[r["name"].get<std::string>()] = r;

  nlohmann::json rows = nlohmann::json::array();
  const auto lines = tagged_lines(slurp_file(m.out), "BENCH");
  out << "rvh-vp bench: cost per operation (target cycles at " << fmt(clock_hz / 1e9, 2) << " GHz; guest view from its\n"
      << "own cycle/time CSRs, time in " << fmt(tick_ns, 0) << " ns ticks; simulator view from the hypervisor's accounting)\n\n";
  out << std::left << std::setw(20) << "operation" << std::right << std::setw(7) << "iters" << std::setw(10) << "exits/op"
      << std::setw(14) << "guest cyc/op" << std::setw(13) << "guest ns/op" << std::setw(12) << "sim cyc/op"
      << std::setw(12) << "sim ns/op" << "\n";
  for (const auto& kv : lines) {
    auto it = kv.find("name");
    if (it == kv.end() || it->second == "done") continue;
    const std::string name = it->second;
    const uint64_t iters = field_number(kv, "iters");
    if (!iters || !regions.count(name)) continue;
    const nlohmann::json& r = regions[name];
    nlohmann::json row = {{"name", name}, {"iterations", iters}};
    const double exits = r.value("exits", 0.0) / iters;
    row["exits_per_op"] = exits;
    std::string gcyc = "-", gns, scyc = "-", sns;
    if (is_latency_op(name)) {
      // Latency from the programmed deadline to the handler.
      const double g_ns = field_number(kv, "ticks") * tick_ns / iters;
      row["guest_latency_ns"] = g_ns;
      gns = fmt(g_ns);
      if (const uint64_t g_cycles = field_number(kv, "cycles")) {  // from the guest's cycle counter
        row["guest_latency_cycles"] = static_cast<double>(g_cycles) / iters;
        gcyc = fmt(static_cast<double>(g_cycles) / iters);
      }
      if (r.contains("latency") && r["latency"].value("samples", 0) > 0) {
        const double s_ns = r["latency"]["total_ps"].get<double>() / r["latency"]["samples"].get<double>() / 1000.0;
        row["sim_latency_ns"] = s_ns;
        sns = fmt(s_ns);
        scyc = fmt(s_ns * clock_hz / 1e9, 0);
        row["sim_latency_cycles"] = s_ns * clock_hz / 1e9;
      }
    } else {
      const double g_cyc = static_cast<double>(field_number(kv, "cycles")) / iters;
      const double g_ns = field_number(kv, "ticks") * tick_ns / iters;
      const double s_cyc = r.value("cycles", 0.0) / iters, s_ns = r.value("ns", 0.0) / iters;
      row["guest_cycles_per_op"] = g_cyc;
      row["guest_ns_per_op"] = g_ns;
      row["sim_cycles_per_op"] = s_cyc;
      row["sim_ns_per_op"] = s_ns;
      row["hyp_cycles_per_op"] = r.value("hyp_cycles", 0.0) / iters;
      gcyc = fmt(g_cyc);
      gns = fmt(g_ns);
      scyc = fmt(s_cyc);
      sns = fmt(s_ns);
    }
    rows.push_back(row);
    out << std::left << std::setw(20) << name << std::right << std::setw(7) << iters << std::setw(10) << fmt(exits, 2)
        << std::setw(14) << gcyc << std::setw(13) << gns << std::setw(12) << scyc << std::setw(12) << sns << "\n";
  }
  out << "(timer_sbi, timer_sstc, wfi_wakeup: latency from the deadline to the guest's handler)\n";

  const auto wb = tagged_lines(slurp_file(b.out), "WORKLOAD"), wg = tagged_lines(slurp_file(g.out), "WORKLOAD");
  nlohmann::json workload;
  if (wb.size() == 1 && wg.size() == 1 && wb[0].at("checksum") == wg[0].at("checksum")) {
    const double cb = static_cast<double>(field_number(wb[0], "cycles")), cg = static_cast<double>(field_number(wg[0], "cycles"));
    workload = {{"bare_cycles", cb},
                {"guest_cycles", cg},
                {"instructions", field_number(wb[0], "instret")},
                {"overhead_percent", (cg - cb) / cb * 100.0}};
    out << "\nworkload (sw/bench/workload.c, " << field_number(wb[0], "instret") << " instructions): bare " << fmt(cb, 0)
        << " cycles, guest " << fmt(cg, 0) << " cycles: virtualization overhead " << fmt((cg - cb) / cb * 100.0, 2)
        << " %\n";
  } else {
    err << "rvh-vp bench: the workload runs did not both report the same checksum\n";
    return 1;
  }
  if (rows.size() < 10) {
    err << "rvh-vp bench: only " << rows.size() << " operations measured; see " << m.out << "\n";
    return 1;
  }
  nlohmann::json consolidated;
  if (consolidation && bench_consolidation({exe.string(), sw_dir, dir, hyp_args, kRunTimeoutSeconds}, out, err,
                                           consolidated) != 0)
    return 1;
  nlohmann::json io_cost;
  if (io && bench_io({exe.string(), sw_dir, dir, hyp_args, kRunTimeoutSeconds}, out, err, io_cost) != 0) return 1;
  if (json_out.is_open()) {
    nlohmann::json j = {{"schema", "rvh-vp-bench/1"}, {"operations", rows}, {"workload", workload},
                        {"config", stats["config"]}, {"versions", stats["versions"]}};
    if (consolidation) j["consolidation"] = consolidated;
    if (io) j["io"] = io_cost;
    try {
      json_out.write_all(j.dump(2) + "\n");
    } catch (const OutputError& e) {
      err << "rvh-vp bench: " << e.what() << "\n";
      return 1;
    }
  }
  if (keep_dir.empty()) fs::remove_all(dir, ec);
  return 0;
}

}  // namespace rvh
