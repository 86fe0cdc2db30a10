// platform/run_report.cpp: see run_report.h.
#include "platform/run_report.h"

#include <iomanip>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "platform/file_io.h"
#include "platform/provenance.h"
#include "platform/soc.h"

namespace rvh {

RunReport make_run_report(Soc& soc, double host_seconds) {
  RunReport r;
  r.reason = soc.result().reason.empty() ? "stopped" : soc.result().reason;
  r.exit_code = soc.result().exit_code;
  r.sim_seconds = sc_core::sc_time_stamp().to_seconds();
  r.host_seconds = host_seconds;
  for (auto& h : soc.harts()) {
    HartReport hr;
    hr.id = h->config().hart_id;
    hr.instret = h->instret;
    for (int m = 0; m < 6; ++m) hr.by_mode[m] = h->stats.instret_by_priv[m];
    hr.cycles = h->cycles;
    hr.traps = h->stats.traps;
    hr.interrupts = h->stats.interrupts;
    hr.mmio_accesses = h->stats.mmio_accesses;
    hr.wfi_sleeps = h->stats.wfi_sleeps;
    hr.tlb_refills = h->stats.tlb_refills;
    hr.pte_reads = h->stats.pte_reads;
    r.total_instret += hr.by_mode[0] + hr.by_mode[1] + hr.by_mode[3] + hr.by_mode[4] + hr.by_mode[5];
    r.harts.push_back(hr);
  }
  r.mips = host_seconds > 0 ? static_cast<double>(r.total_instret) / host_seconds / 1e6 : 0;
  return r;
}

void print_run_summary(const RunReport& r, std::ostream& out) {
  if (r.in_progress) {  // a run still going (the console's Ctrl-A s)
    out << "\n== rvh-vp statistics so far (the run goes on) ==\n";
  } else {
    out << "\n== rvh-vp run summary ==\n";
    out << "stopped by: " << r.reason << " (exit code " << r.exit_code << ")\n";
  }
  out << std::fixed << std::setprecision(6) << "simulated time: " << r.sim_seconds << " s\n";
  out << std::setprecision(3) << "host time: " << r.host_seconds << " s\n";
  out << "instructions: " << r.total_instret << "  MIPS: " << std::setprecision(1) << r.mips << "\n";
  for (const auto& h : r.harts) {
    out << "  hart" << h.id << ": M " << h.by_mode[3] << "  S " << h.by_mode[1] << "  U " << h.by_mode[0];
    if (h.by_mode[4] || h.by_mode[5]) out << "  VS " << h.by_mode[5] << "  VU " << h.by_mode[4];
    out
        << "  cycles " << h.cycles << "  traps " << h.traps << "  interrupts " << h.interrupts
        << "  mmio " << h.mmio_accesses << "  wfi " << h.wfi_sleeps << "\n";
  }
}

nlohmann::json make_stats_json(const RunReport& r, const nlohmann::json& hypervisor, const RunContext& context) {
  nlohmann::json j;
  j["schema"] = "rvh-vp-stats/2";
  j["versions"] = software_versions();
  j["command_line"] = context.command_line;
  j["inputs"] = context.inputs;
  j["config"] = context.config;
  j["stopped_by"] = r.reason;
  j["exit_code"] = r.exit_code;
  j["sim_time_ns"] = static_cast<uint64_t>(r.sim_seconds * 1e9 + 0.5);
  j["host_time_s"] = r.host_seconds;
  j["instructions"] = r.total_instret;
  j["mips"] = r.mips;
  for (const auto& h : r.harts) {
    j["harts"].push_back({{"id", h.id},
                          {"instructions", {{"M", h.by_mode[3]}, {"S", h.by_mode[1]}, {"U", h.by_mode[0]},
                                            {"VS", h.by_mode[5]}, {"VU", h.by_mode[4]}}},
                          {"cycles", h.cycles},
                          {"traps", h.traps},
                          {"interrupts", h.interrupts},
                          {"mmio_accesses", h.mmio_accesses},
                          {"wfi_sleeps", h.wfi_sleeps},
                          {"tlb_refills", h.tlb_refills},
                          {"pte_reads", h.pte_reads}});
  }
  if (!hypervisor.is_null()) j["hypervisor"] = hypervisor;
  return j;
}

void write_json_file(const nlohmann::json& j, OutputFile& out) { out.write_all(j.dump(2) + "\n"); }

}  // namespace rvh
