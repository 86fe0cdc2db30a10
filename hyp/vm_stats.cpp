// hyp/vm_stats.cpp: the VM's statistics, under KVM's names (kvm_vcpu_stat)
// plus ours, per vCPU and summed per VM: printed at exit and in --stats.
#include <algorithm>
#include <iomanip>
#include <ostream>

#include "hyp/vm.h"

namespace rvh::hyp {
namespace {
nlohmann::json vcpu_json(Vcpu& v) {
  const VcpuStats& s = v.stats();
  uint64_t insns_vs = 0, insns_vu = 0, cycles = 0;
  v.counters(insns_vs, insns_vu, cycles);
  nlohmann::json j;
  j["id"] = v.id();
  j["exits"] = s.exits;
  j["ecall_exit_stat"] = s.ecall_exit_stat;
  j["wfi_exit_stat"] = s.wfi_exit_stat;
  j["mmio_exit_user"] = s.mmio_exit_user;
  j["mmio_exit_kernel"] = s.mmio_exit_kernel;
  j["csr_exit_user"] = s.csr_exit_user;
  j["csr_exit_kernel"] = s.csr_exit_kernel;
  j["instr_illegal_exits"] = s.instr_illegal_exits;
  j["load_misaligned_exits"] = s.load_misaligned_exits;
  j["store_misaligned_exits"] = s.store_misaligned_exits;
  j["load_access_exits"] = s.load_access_exits;
  j["store_access_exits"] = s.store_access_exits;
  j["inst_access_exits"] = s.inst_access_exits;
  j["gstage_map_faults"] = s.gstage_map_faults;
  j["virtual_insn_exits"] = s.virtual_insn_exits;
  j["host_interrupt_exits"] = s.host_interrupt_exits;
  j["redirected_traps"] = s.redirected_traps;
  j["unmapped_mmio"] = s.unmapped_mmio;
  j["unmapped_mmio_unreported"] = s.unmapped_mmio_unreported;
  j["assigned_irqs"] = s.assigned_irqs;
  j["sbi_calls"] = s.sbi_calls;
  j["interrupts_injected"] = s.interrupts_injected;
  j["cost_cycles"] = s.cost_cycles;
  j["exit_cost_histograms"] = nlohmann::json::object();
  for (const auto& [name, hist] : s.exit_costs) j["exit_cost_histograms"][name] = hist.to_json();
  j["hypervisor_cycles"] = s.hyp_cycles;
  j["guest_instructions"] = insns_vs + insns_vu;
  j["guest_instructions_vs"] = insns_vs;
  j["guest_instructions_vu"] = insns_vu;
  j["cycles"] = cycles;
  j["guest_cycles"] = cycles > s.hyp_cycles ? cycles - s.hyp_cycles : 0;
  j["scheduled_in"] = s.scheduled_in;
  j["preempted"] = s.preempted;
  j["blocked_switches"] = s.blocked_switches;
  j["migrations"] = s.migrations;
  j["timer_latency"] = {{"samples", s.timer_latency_ns.count},
                        {"total_ps", s.timer_latency_total_ps},
                        {"max_ps", s.timer_latency_max_ps},
                        {"histogram_ns", s.timer_latency_ns.to_json()}};
  return j;
}

void add_into(nlohmann::json& total, const nlohmann::json& part) {
  if (total.is_null()) total = nlohmann::json::object();
  for (auto it = part.begin(); it != part.end(); ++it) {
    if (it.key() == "id") continue;
    if (it.value().is_number_unsigned()) {
      total[it.key()] = total.value(it.key(), uint64_t{0}) + it.value().get<uint64_t>();
    } else if (it.key() == "timer_latency") {
      nlohmann::json& t = total[it.key()];
      if (t.is_null()) t = nlohmann::json::object();
      const nlohmann::json& p = it.value();
      t["samples"] = t.value("samples", uint64_t{0}) + p["samples"].get<uint64_t>();
      t["total_ps"] = t.value("total_ps", uint64_t{0}) + p["total_ps"].get<uint64_t>();
      t["max_ps"] = std::max(t.value("max_ps", uint64_t{0}), p["max_ps"].get<uint64_t>());
    } else if (it.value().is_object()) {
      add_into(total[it.key()], it.value());
    }
  }
}
}  // namespace

nlohmann::json Vm::stats_json() {
  nlohmann::json j;
  nlohmann::json total = nlohmann::json::object();
  for (auto& v : vcpus_) {
    nlohmann::json vj = vcpu_json(*v);
    add_into(total, vj);
    j["vcpus"].push_back(vj);
  }
  j["vm"] = total;
  j["costs"] = config_.costs.to_json();
  if (!name.empty()) j["name"] = name;
  j["config"] = {{"guest_memory", config_.guest_ram_size}, {"vcpus", config_.num_vcpus}, {"vmid", config_.vmid},
                 {"sstc", config_.sstc}, {"prefault", config_.prefault},
                 {"redirect_inst_access_fault", config_.redirect_inst_access_fault},
                 {"strict_mmio", config_.strict_mmio}, {"disabled_sbi", config_.disabled_sbi}};
  j["stopped"] = {{"reason", stop_.reason}, {"exit_code", stop_.exit_code}};
  if (!virtio_.empty()) j["virtio"] = virtio_stats_json();
  return j;
}

// Summed over the vCPUs, so that an IPI region counts the receiver's exits
// too. by_cause: every per-cause exit counter (KVM's names and ours).
nlohmann::json Vm::region_counters() {
  nlohmann::json total = nlohmann::json::object();
  for (auto& v : vcpus_) add_into(total, vcpu_json(*v));
  nlohmann::json r = {{"exits", total.value("exits", uint64_t{0})},
                      {"hyp_cycles", total.value("hypervisor_cycles", uint64_t{0})}};
  static const char* const kNotCauses[] = {"exits", "hypervisor_cycles", "cycles", "guest_cycles",
                                           "guest_instructions", "guest_instructions_vs", "guest_instructions_vu",
                                           "scheduled_in", "preempted", "blocked_switches", "migrations"};
  nlohmann::json by_cause = nlohmann::json::object();
  for (auto it = total.begin(); it != total.end(); ++it) {
    bool cause = it.value().is_number_unsigned();
    for (const char* k : kNotCauses) cause = cause && it.key() != k;
    if (cause) by_cause[it.key()] = it.value();
  }
  r["by_cause"] = by_cause;
  for (const char* k : {"cost_cycles", "sbi_calls", "interrupts_injected"})
    r[k] = total.contains(k) && total[k].is_object() ? total[k] : nlohmann::json::object();
  return r;
}

void Vm::print_stats(std::ostream& out) {
  nlohmann::json j = stats_json();
  const nlohmann::json& t = j["vm"];
  auto get = [&](const char* k) { return t.value(k, uint64_t{0}); };
  out << "\n== hosted hypervisor: VM exits" << (name.empty() ? "" : " of " + name) << " ==\n";
  static const char* const kRows[] = {"exits", "ecall_exit_stat", "wfi_exit_stat", "mmio_exit_user",
                                      "mmio_exit_kernel", "csr_exit_kernel", "csr_exit_user",
                                      "instr_illegal_exits", "load_misaligned_exits", "store_misaligned_exits",
                                      "load_access_exits", "store_access_exits", "inst_access_exits",
                                      "gstage_map_faults", "virtual_insn_exits", "host_interrupt_exits",
                                      "redirected_traps", "unmapped_mmio", "unmapped_mmio_unreported", "assigned_irqs"};
  for (const char* k : kRows) out << "  " << std::left << std::setw(26) << k << get(k) << "\n";
  if (t.contains("sbi_calls")) {
    out << "SBI calls:\n";
    for (auto it = t["sbi_calls"].begin(); it != t["sbi_calls"].end(); ++it)
      out << "  " << std::left << std::setw(32) << it.key() << it.value().get<uint64_t>() << "\n";
  }
  if (t.contains("interrupts_injected")) {
    out << "interrupts injected:\n";
    for (auto it = t["interrupts_injected"].begin(); it != t["interrupts_injected"].end(); ++it)
      out << "  " << std::left << std::setw(32) << it.key() << it.value().get<uint64_t>() << "\n";
  }
  // One line per virtio device: what crossed the guest/VMM boundary.
  for (const nlohmann::json& d : virtio_stats_json()) {
    const uint64_t requests = d.value("requests_total", uint64_t{0});
    const uint64_t bytes_read = d.value("bytes_read", d.value("bytes", uint64_t{0}));  // rng: bytes it gave
    out << "virtio-" << d.value("device", std::string("?")) << " @0x" << std::hex << d.value("base", uint64_t{0})
        << std::dec << ": " << requests << " requests, " << d.value("notifications", uint64_t{0})
        << " notifications, " << d.value("interrupts", uint64_t{0}) << " interrupts, "
        << bytes_read << " bytes read, " << d.value("bytes_written", uint64_t{0})
        << " bytes written" << (d.value("device_failed", false) ? ", FAILED" : "") << "\n";
  }
  out << "cost breakdown (target cycles):\n";
  if (t.contains("cost_cycles"))
    for (auto it = t["cost_cycles"].begin(); it != t["cost_cycles"].end(); ++it)
      out << "  " << std::left << std::setw(32) << it.key() << it.value().get<uint64_t>() << "\n";
  const uint64_t hyp = get("hypervisor_cycles"), cycles = get("cycles");
  const uint64_t guest = cycles > hyp ? cycles - hyp : 0;
  out << "guest vs hypervisor: guest " << guest << " cycles (" << get("guest_instructions")
      << " instructions), hypervisor " << hyp << " cycles";
  if (cycles) out << " (" << std::fixed << std::setprecision(2) << 100.0 * static_cast<double>(hyp) / static_cast<double>(cycles) << "% of all cycles)";
  out << "\n";
  const nlohmann::json& lat = t["timer_latency"];
  if (lat.is_object() && lat.value("samples", uint64_t{0}) > 0) {
    const double n = static_cast<double>(lat["samples"].get<uint64_t>());
    out << "timer interrupt latency (deadline to guest handler): " << lat["samples"].get<uint64_t>()
        << " samples, mean " << std::fixed << std::setprecision(0) << lat["total_ps"].get<uint64_t>() / n / 1000.0
        << " ns, max " << lat["max_ps"].get<uint64_t>() / 1000 << " ns\n";
  }
  if (stop_.stopped) out << "VM stopped: " << stop_.reason << " (exit code " << stop_.exit_code << ")\n";
}

}  // namespace rvh::hyp
