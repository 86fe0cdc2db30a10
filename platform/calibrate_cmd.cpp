// platform/calibrate_cmd.cpp: see calibrate_cmd.h.
#include "platform/calibrate_cmd.h"

#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "platform/calibration.h"
#include "platform/child_run.h"
#include "platform/file_io.h"
#include "platform/provenance.h"
#include "platform/timing_config.h"

namespace rvh {
namespace {

namespace fs = std::filesystem;

constexpr int kKvmRunTimeoutSeconds = 600;    // the host boots, then the guest runs: seconds here
constexpr int kHostedRunTimeoutSeconds = 120;
constexpr uint64_t kProbeStep = 200;          // cycles added to a key to measure its slope
constexpr int kMaxSteps = 8;
constexpr double kConverged = 0.01;           // stop when every operation is within 1 %
constexpr double kAgreement = 0.10;           // what the issue asks per operation
const char* const kKvmGuest = "gb_micro";

struct Options {
  std::string output = "calibrated.json", json, config_file, kernel, initrd, bios, sw_dir, keep;
  std::vector<std::string> sets;
};

// Throws std::runtime_error on a usage error; false for --help.
bool parse_args(const std::vector<std::string>& args, Options& o, std::ostream& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::runtime_error(a + " needs a value");
      const std::string v = args[++i];
      if (v.empty()) throw std::runtime_error(a + ": empty value");
      return v;
    };
    if (a == "--output") o.output = value();
    else if (a == "--json") o.json = value();
    else if (a == "--config") o.config_file = value();
    else if (a == "--set") o.sets.push_back(value());
    else if (a == "--kvm-kernel") o.kernel = value();
    else if (a == "--kvm-initrd") o.initrd = value();
    else if (a == "--bios") o.bios = value();
    else if (a == "--sw-dir") o.sw_dir = value();
    else if (a == "--keep") o.keep = value();
    else if (a == "--help" || a == "-h") {
      out << "Usage: rvh-vp calibrate [--output FILE] [--json FILE] [--config FILE] [--set KEY=VALUE]...\n"
             "                        [--kvm-kernel IMAGE] [--kvm-initrd FILE] [--bios FIRMWARE]\n"
             "                        [--sw-dir DIR] [--keep DIR]\n"
             "Boots the KVM host (Linux 6.1 with KVM) on this platform, runs the benchmark guest\n"
             "under the real KVM and under the hosted hypervisor with the same timing model, and\n"
             "fits the hosted hypervisor's hyp.* costs to the KVM measurements. Writes FILE\n"
             "(default calibrated.json), for `rvh-vp --hyp --config FILE`; --json writes the\n"
             "comparison table. See docs/kvm.md.\n";
      return false;
    } else
      throw std::runtime_error("unknown argument '" + a + "'; see rvh-vp calibrate --help");
  }
  return true;
}

struct Child {
  int status = -1;
  std::string out, err, stats;
  double host_s = 0;
};

class Runner {
 public:
  Runner(fs::path exe, fs::path dir, std::vector<std::string> common)
      : exe_(std::move(exe)), dir_(std::move(dir)), common_(std::move(common)) {}

  Child run(const std::string& tag, std::vector<std::string> argv, int timeout_s) {
    Child c;
    c.out = (dir_ / (tag + ".out")).string();
    c.err = (dir_ / (tag + ".err")).string();
    c.stats = (dir_ / (tag + ".json")).string();
    // The user's --config/--set first: the --set of a calibrated key after them wins.
    argv.insert(argv.begin(), common_.begin(), common_.end());
    argv.insert(argv.begin(), exe_.string());
    argv.insert(argv.end(), {"--stats", c.stats});
    const auto t0 = std::chrono::steady_clock::now();
    c.status = spawn_child(argv, c.out, c.err, timeout_s);
    c.host_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return c;
  }

 private:
  fs::path exe_, dir_;
  std::vector<std::string> common_;
};

std::string describe_failure(const Child& c) {
  std::string why = c.status == -2 ? "timed out" : "failed (exit " + std::to_string(c.status) + ")";
  return why + "; its output is in " + c.out + " and " + c.err;
}

// Cycles per operation from the regions of a --stats report: a region's
// cycles per iteration, or for a latency operation its mean latency.
OpMeasures ops_from_regions(const nlohmann::json& regions, double clock_hz) {
  OpMeasures m;
  if (!regions.is_array()) return m;
  for (const auto& r : regions) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
    const std::string name = r["name"];
    const double iters = r.value("iterations", 0.0);
    if (iters <= 0 || m.count(name)) continue;  // the first record of a name: the boot vCPU's
    OpMeasure op;
    if (r.contains("latency") && r["latency"].value("samples", 0) > 0)
      op.cycles = r["latency"].value("mean_ns", 0.0) * clock_hz / 1e9;
    else
      op.cycles = r.value("cycles", 0.0) / iters;
    op.exits = r.value("exits", 0.0) / iters;
    m[name] = op;
  }
  return m;
}

nlohmann::json read_stats(const Child& c, std::string& error) {
  try {
    return nlohmann::json::parse(slurp_file(c.stats));
  } catch (const std::exception& e) {
    error = c.stats + ": " + e.what();
    return nullptr;
  }
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream s;
  s << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return s.str();
}

std::string fmt(double v, int prec = 1) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << v;
  return s.str();
}

// The line "RVH-KVM-HOST: kernel Linux 6.1.x riscv64, ..." of the host's /init.
std::string kernel_release(const std::string& console) {
  const std::string tag = "RVH-KVM-HOST: kernel ";
  const size_t at = console.find(tag);
  if (at == std::string::npos) return "unknown";
  const size_t end = console.find_first_of(",\r\n", at);
  return console.substr(at + tag.size(), end - at - tag.size());
}

}  // namespace

int calibrate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::string me = "rvh-vp calibrate: ";
  Options o;
  try {
    if (!parse_args(args, o, out)) return 0;
  } catch (const std::exception& e) {
    err << me << e.what() << "\n";
    return 2;
  }
  TimingConfig base;
  try {
    base = resolve_config(o.config_file, "", o.sets);
  } catch (const ConfigError& e) {
    err << me << e.what() << "\n";
    return 2;
  }

  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    err << me << "cannot find this executable (/proc/self/exe)\n";
    return 1;
  }
  const fs::path here = exe.parent_path();
  auto env_or = [](const char* var, const std::string& fallback) {
    const char* v = std::getenv(var);
    return v && *v ? std::string(v) : fallback;
  };
  if (o.kernel.empty()) o.kernel = env_or("RVH_KVM_KERNEL", (here / "linux-kvm" / "Image").string());
  if (o.initrd.empty()) o.initrd = env_or("RVH_KVM_INITRD", (here / "kvm" / "initrd.cpio").string());
  if (o.bios.empty()) o.bios = env_or("RVH_OPENSBI", "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf");
  if (o.sw_dir.empty()) o.sw_dir = env_or("RVH_SW_DIR", (here / "sw").string());
  const std::string guest = o.sw_dir + "/" + kKvmGuest + ".elf";
  const std::pair<std::string, std::string> needed[] = {
      {o.kernel, "the KVM host kernel: cmake --build build --target kvm_host_image, or give --kvm-kernel IMAGE"},
      {o.initrd, "the KVM host initrd: cmake --build build --target kvm_initrd, or give --kvm-initrd FILE"},
      {o.bios, "OpenSBI: apt install opensbi, or give --bios FIRMWARE"},
      {guest, "the benchmark guest: build sw/ (cmake --build build), or give --sw-dir DIR"}};
  for (const auto& [path, how] : needed)
    if (!fs::is_regular_file(path)) {
      err << me << path << " not found (" << how << ")\n";
      return 1;
    }

  // Outputs are opened before the runs: an unwritable path fails at once.
  OutputFile cost_file, json_file;
  try {
    cost_file = OutputFile::open("--output", o.output);
    if (!o.json.empty()) json_file = OutputFile::open("--json", o.json);
  } catch (const OutputError& e) {
    err << me << e.what() << "\n";
    return 1;
  }

  fs::path dir;
  if (!o.keep.empty()) {
    dir = o.keep;
    fs::create_directories(dir, ec);
    if (ec) {
      err << me << "--keep " << o.keep << ": cannot create (" << ec.message() << ")\n";
      return 1;
    }
  } else {
    char tmpl[] = "/tmp/rvh-calibrate-XXXXXX";
    if (!mkdtemp(tmpl)) {
      err << me << "cannot create a temporary directory\n";
      return 1;
    }
    dir = tmpl;
  }
  std::vector<std::string> common;
  if (!o.config_file.empty()) common.insert(common.end(), {"--config", o.config_file});
  for (const auto& s : o.sets) common.insert(common.end(), {"--set", s});
  Runner runner(exe, dir, common);
  const double clock_hz = static_cast<double>(base.hart_clock_hz);

  // 1. The real KVM: the host boots on OpenSBI with 2 harts, its /init runs
  //    the VMM with the benchmark guest on 2 vCPUs.
  out << "rvh-vp calibrate: booting the KVM host (" << o.kernel << ") with " << kKvmGuest << " under KVM...\n"
      << std::flush;
  Child kvm = runner.run("kvm",
                         {"--no-stdin", "--smp", "2", "-m", "512M", "--bios", o.bios, "--kernel", o.kernel, "--initrd",
                          o.initrd, "--append",
                          std::string("console=ttyS0 earlycon=sbi rvh_guest=") + kKvmGuest + " rvh_vcpus=2"},
                         kKvmRunTimeoutSeconds);
  const std::string console = slurp_file(kvm.out);
  if (kvm.status != 0 || console.find("RVH-KVM-HOST: done") == std::string::npos) {
    err << me << "the KVM run " << (kvm.status == 0 ? "did not end with \"RVH-KVM-HOST: done\"" : "")
        << describe_failure(kvm) << "\n";
    return 1;
  }
  std::string error;
  const nlohmann::json kvm_stats = read_stats(kvm, error);
  if (kvm_stats.is_null()) {
    err << me << error << "\n";
    return 1;
  }
  const OpMeasures kvm_ops = ops_from_regions(kvm_stats.value("regions", nlohmann::json::array()), clock_hz);
  for (const CostRule& rule : cost_rules())
    for (const std::string& op : rule.ops)
      if (!kvm_ops.count(op)) {
        err << me << "the KVM run has no region \"" << op << "\" (needed for " << rule.key << "); see " << kvm.out
            << " and " << kvm.stats << "\n";
        return 1;
      }

  // 2. The hosted hypervisor, same guest and timing model, with given costs.
  std::map<std::string, uint64_t> costs;
  for (const ConfigKeyInfo& k : config_keys(base))
    for (const CostRule& rule : cost_rules())
      if (k.key == rule.key) costs[k.key] = k.value;
  std::map<std::string, uint64_t> max_of;
  for (const ConfigKeyInfo& k : config_keys(base)) max_of[k.key] = k.max;
  int hosted_runs = 0;
  double hosted_host_s = 0;
  auto measure_hosted = [&](const std::map<std::string, uint64_t>& with, OpMeasures& m) -> bool {
    std::vector<std::string> argv = {"--hyp", "--no-stdin", "--smp", "2", "--kernel", guest};
    for (const auto& [key, v] : with) argv.insert(argv.end(), {"--set", key + "=" + std::to_string(v)});
    Child c = runner.run("hosted" + std::to_string(hosted_runs++), argv, kHostedRunTimeoutSeconds);
    hosted_host_s = c.host_s;
    if (c.status != 0) {
      err << me << "a hosted run " << describe_failure(c) << "\n";
      return false;
    }
    const nlohmann::json s = read_stats(c, error);
    if (s.is_null() || !s.contains("hypervisor")) {
      err << me << (error.empty() ? c.stats + ": no \"hypervisor\" object" : error) << "\n";
      return false;
    }
    m = ops_from_regions(s["hypervisor"].value("regions", nlohmann::json::array()), clock_hz);
    return true;
  };
  OpMeasures before;
  if (!measure_hosted(costs, before)) return 1;

  // 3. Each key's slope, from one probe run with the key raised.
  std::map<std::string, double> slope;
  for (const CostRule& rule : cost_rules()) {
    auto probe_costs = costs;
    probe_costs[rule.key] += kProbeStep;
    OpMeasures probe;
    if (!measure_hosted(probe_costs, probe)) return 1;
    double a = 0, b = 0;
    mean_cycles(before, rule.ops, a);
    mean_cycles(probe, rule.ops, b);
    slope[rule.key] = (b - a) / static_cast<double>(kProbeStep);
    if (!(slope[rule.key] > 0)) {
      err << me << rule.key << " does not move " << rule.ops.front() << " in the hosted model (slope "
          << slope[rule.key] << "); see " << dir.string() << "\n";
      return 1;
    }
  }

  // 4. Steps until every calibrated operation agrees within kConverged.
  auto fitted = costs;
  OpMeasures now = before;
  int steps = 0;
  // A key at a bound of its range that cannot move further (the hosted
  // path is already cheaper than KVM's at 0, or dearer at the maximum) is
  // left out of the convergence test; the final check still counts it.
  auto at_bound = [&](const CostRule& rule, const OpMeasures& m) {
    double want = 0, have = 0;
    mean_cycles(kvm_ops, rule.ops, want);
    mean_cycles(m, rule.ops, have);
    return (fitted[rule.key] == 0 && have > want) || (fitted[rule.key] == max_of[rule.key] && have < want);
  };
  auto worst_error = [&](const OpMeasures& m, bool skip_bound) {
    double worst = 0;
    for (const CostRule& rule : cost_rules()) {
      if (skip_bound && at_bound(rule, m)) continue;
      for (const std::string& op : rule.ops) worst = std::max(worst, relative_error(kvm_ops.at(op).cycles, m.at(op).cycles));
    }
    return worst;
  };
  // Secant steps: each key's slope is re-estimated from its last two
  // points (the model is monotonic in each key but not quite linear: two
  // IPI deliveries in a round trip overlap less as they grow).
  std::map<std::string, std::pair<double, double>> last_point;  // key -> (value, cycles)
  for (const CostRule& rule : cost_rules()) {
    double y = 0;
    mean_cycles(now, rule.ops, y);
    last_point[rule.key] = {static_cast<double>(fitted[rule.key]), y};
  }
  while (steps < kMaxSteps && worst_error(now, true) > kConverged) {
    for (const CostRule& rule : cost_rules())
      fitted[rule.key] = calibrated_value(rule, fitted[rule.key], slope[rule.key], kvm_ops, now, max_of[rule.key]);
    if (!measure_hosted(fitted, now)) return 1;
    ++steps;
    for (const CostRule& rule : cost_rules()) {
      double y = 0;
      mean_cycles(now, rule.ops, y);
      const auto [x0, y0] = last_point[rule.key];
      const double x = static_cast<double>(fitted[rule.key]);
      if (x != x0 && (y - y0) / (x - x0) > 0) slope[rule.key] = (y - y0) / (x - x0);
      last_point[rule.key] = {x, y};
    }
  }
  const double worst = worst_error(now, false);

  // 5. The table, the cost file and the JSON.
  out << "\nrvh-vp calibrate: target cycles per operation at " << fmt(clock_hz / 1e9, 2)
      << " GHz (latency operations: deadline to handler)\n"
      << "real KVM: " << kernel_release(console) << " on rvh-vp, " << fmt(kvm.host_s, 2)
      << " s host time; hosted: " << hosted_runs << " runs, " << fmt(hosted_host_s, 2) << " s each\n\n";
  out << std::left << std::setw(20) << "operation" << std::right << std::setw(11) << "KVM" << std::setw(15)
      << "hosted before" << std::setw(14) << "hosted after" << std::setw(9) << "error" << "  calibrates\n";
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [name, k] : kvm_ops) {
    if (!before.count(name)) continue;
    std::string key;
    for (const CostRule& rule : cost_rules())
      for (const std::string& op : rule.ops)
        if (op == name) key = rule.key;
    const auto why = uncalibrated_ops().find(name);
    const double after = now.count(name) ? now.at(name).cycles : 0;
    const double e = relative_error(k.cycles, after);
    out << std::left << std::setw(20) << name << std::right << std::setw(11) << fmt(k.cycles) << std::setw(15)
        << fmt(before.at(name).cycles) << std::setw(14) << fmt(after) << std::setw(8) << fmt(e * 100) << "%  "
        << (key.empty() ? "- (not calibrated)" : key) << "\n";
    nlohmann::json row = {{"operation", name},
                          {"kvm_cycles", k.cycles},
                          {"hosted_before_cycles", before.at(name).cycles},
                          {"hosted_after_cycles", after},
                          {"hosted_exits", before.at(name).exits},
                          {"relative_error", e},
                          {"calibrates", key.empty() ? nlohmann::json(nullptr) : nlohmann::json(key)}};
    if (why != uncalibrated_ops().end()) row["not_calibrated_because"] = why->second;
    rows.push_back(row);
  }
  nlohmann::json key_rows = nlohmann::json::array();
  out << "\n";
  TimingConfig calibrated = base;
  for (const CostRule& rule : cost_rules()) {
    set_config_value(calibrated, rule.key, std::to_string(fitted[rule.key]));
    const bool bound = at_bound(rule, now);
    out << "  " << std::left << std::setw(20) << rule.key << std::right << std::setw(8) << costs[rule.key] << " -> "
        << std::setw(8) << fitted[rule.key] << "   from " << rule.how
        << (bound ? " (at the end of its range: the hosted path costs more than KVM's even so)" : "") << "\n";
    key_rows.push_back({{"key", rule.key},
                        {"before", costs[rule.key]},
                        {"after", fitted[rule.key]},
                        {"slope", slope[rule.key]},
                        {"at_range_bound", bound},
                        {"from", rule.ops},
                        {"how", rule.how}});
  }
  finalize_config(calibrated);

  std::vector<std::string> inputs = {o.kernel, o.initrd, o.bios, guest};
  const fs::path kconfig = fs::path(o.kernel).parent_path() / "build" / ".config";
  if (fs::is_regular_file(kconfig)) inputs.push_back(kconfig.string());
  nlohmann::json doc = {
      {"schema", "rvh-vp-calibration/1"},
      {"config", config_to_json(calibrated)},
      {"costs", key_rows},
      {"operations", rows},
      {"converged", worst <= kAgreement},
      {"steps", steps},
      {"provenance",
       {{"date", utc_now()},
        {"kvm_kernel", kernel_release(console)},
        {"inputs", describe_inputs(inputs)},
        {"timing_config", config_to_json(base)},
        {"kvm_run_host_s", kvm.host_s},
        {"hosted_runs", hosted_runs},
        {"versions", software_versions()}}}};
  try {
    cost_file.write_all(doc.dump(2) + "\n");
    if (json_file.is_open()) {
      const nlohmann::json table = {
          {"schema", "rvh-vp-calibration-table/1"}, {"operations", rows}, {"costs", key_rows}};
      json_file.write_all(table.dump(2) + "\n");
    }
  } catch (const OutputError& e) {
    err << me << e.what() << "\n";
    return 1;
  }
  out << "\nwrote " << o.output << " (use: rvh-vp --hyp --config " << o.output << " ...)\n";
  if (worst > kAgreement) {
    err << me << "after " << steps << " steps an operation is still " << fmt(worst * 100) << " % from KVM (over "
        << fmt(kAgreement * 100, 0) << " %); the runs are kept in " << dir.string() << "\n";
    return 1;
  }
  if (o.keep.empty()) fs::remove_all(dir, ec);
  return 0;
}

}  // namespace rvh
