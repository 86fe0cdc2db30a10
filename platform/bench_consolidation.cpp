// platform/bench_consolidation.cpp: see bench_consolidation.h.
#include "platform/bench_consolidation.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

#include "platform/child_run.h"

namespace rvh {
namespace {

namespace fs = std::filesystem;

// Latency samples per operation: enough that each operation of the
// benchmark VM spans several of the neighbour's time slices (the default
// 1 ms slice; 200 samples of timer_sbi take about 5 ms of the hart alone).
constexpr unsigned kSamples = 200;
const char* const kLatencyOps[] = {"timer_sbi", "timer_sstc", "wfi_wakeup"};

struct Scenario {
  const char* name;   // JSON key
  const char* label;  // table row
  unsigned harts;
  bool neighbour, vmid_off;
};
const Scenario kScenarios[] = {
    {"alone", "alone", 1, false, false},
    {"noisy_1hart", "noisy neighbour, 1 hart", 1, true, false},
    {"noisy_2harts", "noisy neighbour, 2 harts", 2, true, false},
    {"noisy_1hart_vmid_off", "noisy, 1 hart, VMID off", 1, true, true},
};

struct Run {
  int status = -1;
  std::string out, err, stats;  // file paths
  std::string text;             // what the run printed on stdout
  nlohmann::json j;             // its --stats
};

std::string fmt(double v, int prec) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << v;
  return s.str();
}

// The statistics of VM `i`: with one VM the stats have no "vms" list.
const nlohmann::json& vm_stats(const nlohmann::json& stats, size_t i) {
  const nlohmann::json& h = stats.at("hypervisor");
  return h.contains("vms") ? h.at("vms").at(i).at("vm") : h.at("vm");
}

uint64_t count(const nlohmann::json& obj, const char* key) { return obj.value(key, uint64_t{0}); }

uint64_t sum_over_harts(const nlohmann::json& stats, const char* key) {
  uint64_t n = 0;
  for (const auto& h : stats.at("harts")) n += count(h, key);
  return n;
}

// Cycles charged to cost class `cls`, summed over the VMs.
double cost_cycles(const nlohmann::json& stats, const char* cls) {
  const nlohmann::json& h = stats.at("hypervisor");
  double c = 0;
  if (h.contains("vms")) {
    for (const auto& v : h.at("vms")) c += v.at("vm").at("cost_cycles").value(cls, 0.0);
  } else {
    c = h.at("vm").at("cost_cycles").value(cls, 0.0);
  }
  return c;
}

// The neighbour ran until after the benchmark VM finished: its last line
// comes after gb_micro's (both consoles write to stdout in simulation order).
bool neighbour_outlived(const std::string& text) {
  const size_t bench = text.find("BENCH done"), noisy = text.find("vm1| NOISY done");
  return bench != std::string::npos && noisy != std::string::npos && bench < noisy;
}

// One scenario's figures, from its BENCH lines and --stats.
nlohmann::json scenario_result(const Scenario& s, const Run& r, unsigned neighbour_ms) {
  const double tick_ns = 1e9 / r.j.at("config").at("clint").at("timebase_hz").get<double>();
  std::map<std::string, nlohmann::json> regions;
  for (const auto& reg : r.j.at("hypervisor").value("regions", nlohmann::json::array()))
    regions[reg.at("name").get<std::string>()] = reg;
  nlohmann::json ops = nlohmann::json::object();
  for (const auto& kv : tagged_lines(r.text, "BENCH")) {
    auto it = kv.find("name");
    const uint64_t iters = field_number(kv, "iters");
    if (it == kv.end() || !iters) continue;
    nlohmann::json op = {{"iterations", iters},
                         {"guest_latency_ns", field_number(kv, "ticks") * tick_ns / iters},
                         {"guest_latency_cycles", static_cast<double>(field_number(kv, "cycles")) / iters}};
    if (regions.count(it->second) && regions[it->second].contains("latency")) {
      const nlohmann::json& lat = regions[it->second]["latency"];
      if (count(lat, "samples") > 0) {
        op["sim_latency_ns"] = lat.at("total_ps").get<double>() / lat.at("samples").get<double>() / 1000.0;
        op["sim_latency_max_ns"] = lat.at("max_ps").get<double>() / 1000.0;
      }
    }
    ops[it->second] = op;
  }
  const nlohmann::json& lat = vm_stats(r.j, 0).at("timer_latency");
  const uint64_t samples = count(lat, "samples");
  nlohmann::json hyp_lat = {{"samples", samples}};
  if (samples) {
    hyp_lat["mean_ns"] = lat.at("total_ps").get<double>() / static_cast<double>(samples) / 1000.0;
    hyp_lat["max_ns"] = lat.at("max_ps").get<double>() / 1000.0;
  }
  const nlohmann::json& sched = r.j.at("hypervisor").at("scheduler");
  nlohmann::json res = {{"name", s.name},
                        {"label", s.label},
                        {"harts", s.harts},
                        {"vmid", !s.vmid_off},
                        {"neighbour_ms", s.neighbour ? neighbour_ms : 0},
                        {"sim_time_ns", r.j.value("sim_time_ns", 0.0)},
                        {"operations", ops},
                        {"vm0_timer_latency", hyp_lat},
                        {"tlb_refills", sum_over_harts(r.j, "tlb_refills")},
                        {"pte_reads", sum_over_harts(r.j, "pte_reads")},
                        {"cost_cycles", {{"vcpu_switch", cost_cycles(r.j, "vcpu_switch")},
                                         {"vm_switch", cost_cycles(r.j, "vm_switch")},
                                         {"gstage_flush", cost_cycles(r.j, "gstage_flush")}}}};
  for (const char* k : {"vcpu_switches", "vm_switches", "gstage_flushes", "preemptions", "migrations",
                        "reschedule_interrupts"})
    res[k] = count(sched, k);
  return res;
}

// Cycles charged per switch in a scenario (null where there was no switch):
// every switch pays vcpu_switch; a switch to another VM also vm_switch and,
// with VMIDs off, gstage_flush (docs/hypervisor.md).
nlohmann::json switch_costs(const nlohmann::json& s) {
  const double switches = s["vcpu_switches"].get<double>() + s["vm_switches"].get<double>();
  const double vm_switches = s["vm_switches"].get<double>();
  const nlohmann::json& c = s["cost_cycles"];
  nlohmann::json r = {{"vcpu_switch_cycles", nullptr}, {"vm_switch_cycles", nullptr},
                      {"gstage_flush_cycles_per_vm_switch", nullptr}, {"tlb_refills_per_vm_switch", nullptr}};
  if (switches > 0) r["vcpu_switch_cycles"] = c["vcpu_switch"].get<double>() / switches;
  if (vm_switches > 0) {
    r["gstage_flush_cycles_per_vm_switch"] = c["gstage_flush"].get<double>() / vm_switches;
    r["vm_switch_cycles"] = r["vcpu_switch_cycles"].get<double>() +
                            (c["vm_switch"].get<double>() + c["gstage_flush"].get<double>()) / vm_switches;
    r["tlb_refills_per_vm_switch"] = s["tlb_refills"].get<double>() / vm_switches;
  }
  return r;
}

std::string cell(const nlohmann::json& v, int prec) { return v.is_number() ? fmt(v.get<double>(), prec) : "-"; }

void print_table(const nlohmann::json& c, const std::vector<std::string>& ops, std::ostream& out) {
  out << "\nconsolidation: timer latency of a VM (gb_micro gb_only=timer, " << c["samples_per_op"]
      << " samples per operation) alone and next\nto a VM making MMIO exits until after it stops "
      << "(g_noisy_mmio); time slice "
      << fmt(c["time_slice_ns"].get<double>() / 1e6, 3) << " ms. Latency in ns from the\ndeadline to the guest's "
      << "handler: the guest's view per operation, and the hypervisor's per-VM\ntimer latency of vm0 (mean, max)\n\n";
  out << std::left << std::setw(26) << "scenario" << std::right << std::setw(6) << "harts" << std::setw(6) << "VMID";
  for (const auto& op : ops) out << std::setw(12) << op;
  out << std::setw(11) << "vm0 mean" << std::setw(11) << "vm0 max" << "\n";
  for (const auto& s : c["scenarios"]) {
    out << std::left << std::setw(26) << s["label"].get<std::string>() << std::right << std::setw(6)
        << s["harts"].get<unsigned>() << std::setw(6) << (s["vmid"].get<bool>() ? "on" : "off");
    for (const auto& op : ops)
      out << std::setw(12)
          << (s["operations"].contains(op) ? cell(s["operations"][op]["guest_latency_ns"], 1) : std::string("-"));
    const nlohmann::json& h = s["vm0_timer_latency"];
    out << std::setw(11) << cell(h.value("mean_ns", nlohmann::json()), 1) << std::setw(11)
        << cell(h.value("max_ns", nlohmann::json()), 0) << "\n";
  }
  out << "\n" << std::left << std::setw(26) << "scenario" << std::right << std::setw(12) << "VM switches"
      << std::setw(13) << "preemptions" << std::setw(17) << "G-stage flushes" << std::setw(13) << "TLB refills"
      << "\n";
  for (const auto& s : c["scenarios"])
    out << std::left << std::setw(26) << s["label"].get<std::string>() << std::right << std::setw(12)
        << s["vm_switches"].get<uint64_t>() << std::setw(13) << s["preemptions"].get<uint64_t>() << std::setw(17)
        << s["gstage_flushes"].get<uint64_t>() << std::setw(13) << s["tlb_refills"].get<uint64_t>() << "\n";

  const nlohmann::json& on = c["switch_costs"]["vmid_on"];
  const nlohmann::json& off = c["switch_costs"]["vmid_off"];
  out << "\n" << std::left << std::setw(44) << "switch (noisy neighbour, 1 hart)" << std::right << std::setw(10)
      << "VMID on" << std::setw(10) << "VMID off" << "\n";
  auto row = [&](const char* name, const char* key, int prec) {
    out << std::left << std::setw(44) << name << std::right << std::setw(10) << cell(on[key], prec) << std::setw(10)
        << cell(off[key], prec) << "\n";
  };
  row("vcpu_switch (cycles per switch)", "vcpu_switch_cycles", 0);
  row("vm_switch (cycles per VM switch, all of it)", "vm_switch_cycles", 0);
  row("  of which gstage_flush", "gstage_flush_cycles_per_vm_switch", 0);
  row("TLB refills per VM switch", "tlb_refills_per_vm_switch", 1);
  out << "(VMID off: " << cell(c["switch_costs"]["extra_tlb_refills_per_vm_switch"], 1)
      << " more TLB refills per VM switch; the rest are the neighbour's MMIO walks)\n";
}

}  // namespace

int bench_consolidation(const ConsolidationSetup& setup, std::ostream& out, std::ostream& err,
                        nlohmann::json& result) {
  const std::string micro = setup.sw_dir + "/gb_micro.elf", noisy = setup.sw_dir + "/g_noisy_mmio.elf";
  for (const auto& f : {micro, noisy})
    if (!fs::exists(f)) {
      err << "rvh-vp bench: " << f << " not found; build sw/ (cmake --build build) or give --sw-dir DIR"
          << " (or skip this part with --no-consolidation)\n";
      return 1;
    }
  const std::string bench_vm = "kernel=" + micro + ",append=gb_only=timer gb_samples=" + std::to_string(kSamples);
  // Runs scenario `s`; false (with the reason on `err`) if the run failed.
  auto run = [&](const Scenario& s, unsigned neighbour_ms, Run& r) {
    const fs::path base = setup.dir / (std::string("consolidation_") + s.name);
    r.out = base.string() + ".out";
    r.err = base.string() + ".err";
    r.stats = base.string() + ".json";
    std::vector<std::string> argv = {setup.exe, "--hyp", "--no-stdin", "--smp", std::to_string(s.harts),
                                     "--stats", r.stats};
    argv.insert(argv.end(), setup.run_args.begin(), setup.run_args.end());
    if (s.vmid_off) argv.insert(argv.end(), {"--set", "hyp.vmid_bits=0"});
    argv.insert(argv.end(), {"--vm", bench_vm});
    if (s.neighbour)
      argv.insert(argv.end(), {"--vm", "kernel=" + noisy + ",append=noisy_ms=" + std::to_string(neighbour_ms)});
    r.status = spawn_child(argv, r.out, r.err, setup.timeout_s);
    if (r.status != 0) {
      err << "rvh-vp bench: consolidation run '" << s.name << "' "
          << (r.status == -2 ? "timed out" : "failed (exit " + std::to_string(r.status) + ")")
          << "; its output is in " << r.out << " and " << r.err << ":\n"
          << slurp_file(r.err).substr(0, 2000);
      return false;
    }
    r.text = slurp_file(r.out);
    try {
      r.j = nlohmann::json::parse(slurp_file(r.stats));
    } catch (const std::exception& e) {
      err << "rvh-vp bench: " << r.stats << ": " << e.what() << "\n";
      return false;
    }
    return true;
  };

  Run runs[4];
  Run& alone = runs[0];
  if (!run(kScenarios[0], 0, alone)) return 1;
  // The neighbour must be busy for the whole benchmark. With a hart of its
  // own the benchmark VM takes its time alone. Sharing one hart it also
  // waits a time slice at each WFI (it blocks, the neighbour runs) and at
  // each preemption (about one per slice it runs itself): at most about
  // twice its time alone plus a slice per WFI exit. Both with a quarter
  // more for margin. Should the neighbour still stop first (a configuration
  // that slows the benchmark VM more), its runs are repeated with it busy
  // twice as long. One duration per hart count: the VMID on/off runs stay
  // comparable.
  const nlohmann::json& sched = alone.j.at("hypervisor").at("scheduler");
  const double slice_ns = sched.value("time_slice_ns", 1e6), alone_ns = alone.j.value("sim_time_ns", 0.0);
  const double wfi_exits = static_cast<double>(count(vm_stats(alone.j, 0), "wfi_exit_stat"));
  std::map<unsigned, unsigned> neighbour_ms;  // by hart count
  for (const auto& s : kScenarios) {
    const double busy_ns = s.harts >= 2 ? 2.0 * alone_ns : 2.0 * alone_ns + wfi_exits * slice_ns;
    neighbour_ms[s.harts] = std::max(1u, static_cast<unsigned>(std::ceil(busy_ns * 1.25 / 1e6)));
  }
  bool done[4] = {true, false, false, false};
  for (int round = 0; !(done[1] && done[2] && done[3]); ++round) {
    for (int i = 1; i < 4; ++i) {
      if (done[i]) continue;
      const unsigned h = kScenarios[i].harts;
      if (!run(kScenarios[i], neighbour_ms[h], runs[i])) return 1;
      done[i] = neighbour_outlived(runs[i].text);
      if (done[i]) continue;
      if (round == 2) {
        err << "rvh-vp bench: the noisy neighbour stopped before the benchmark VM even with noisy_ms="
            << neighbour_ms[h] << "; see " << runs[i].out << " (or skip this part with --no-consolidation)\n";
        return 1;
      }
      neighbour_ms[h] *= 2;
      for (int k = 1; k < 4; ++k)
        if (kScenarios[k].harts == h) done[k] = false;
    }
  }

  std::vector<std::string> ops;
  for (const char* op : kLatencyOps)
    if (alone.text.find(std::string("BENCH name=") + op + " ") != std::string::npos) ops.push_back(op);
  nlohmann::json scenarios = nlohmann::json::array();
  for (int i = 0; i < 4; ++i) {
    scenarios.push_back(scenario_result(kScenarios[i], runs[i], neighbour_ms[kScenarios[i].harts]));
    for (const auto& op : ops)
      if (!scenarios.back()["operations"].contains(op)) {
        err << "rvh-vp bench: consolidation run '" << kScenarios[i].name << "' printed no " << op << " line; see "
            << runs[i].out << "\n";
        return 1;
      }
  }
  const nlohmann::json& on = scenarios[1];
  const nlohmann::json& off = scenarios[3];
  nlohmann::json costs = {{"vmid_on", switch_costs(on)}, {"vmid_off", switch_costs(off)},
                          {"extra_tlb_refills_per_vm_switch", nullptr}};
  if (off["vm_switches"].get<uint64_t>() > 0)
    costs["extra_tlb_refills_per_vm_switch"] =
        (off["tlb_refills"].get<double>() - on["tlb_refills"].get<double>()) / off["vm_switches"].get<double>();
  result = {{"samples_per_op", kSamples},
            {"time_slice_ns", slice_ns},
            {"scenarios", scenarios},
            {"switch_costs", costs}};
  print_table(result, ops, out);
  return 0;
}

}  // namespace rvh
