// platform/vm_report.cpp: see vm_report.h.
#include "platform/vm_report.h"

namespace rvh {
namespace {
// Adds the numbers of `part` into `total` (objects recursively).
void add_numbers(nlohmann::json& total, const nlohmann::json& part) {
  if (total.is_null()) total = nlohmann::json::object();
  for (auto it = part.begin(); it != part.end(); ++it) {
    if (it.key() == "id" || it.key() == "max_ps") continue;
    if (it.value().is_number_unsigned())
      total[it.key()] = total.value(it.key(), uint64_t{0}) + it.value().get<uint64_t>();
    else if (it.value().is_object())
      add_numbers(total[it.key()], it.value());
  }
}
}  // namespace

nlohmann::json hypervisor_stats_json(Soc& soc) {
  auto& vms = soc.vms();
  if (vms.empty()) return nlohmann::json();
  nlohmann::json j;
  if (vms.size() == 1) {
    j = vms.front()->stats_json();
  } else {
    nlohmann::json total = nlohmann::json::object(), vcpus = nlohmann::json::array(), each = nlohmann::json::array();
    uint64_t max_latency = 0;
    for (auto& vm : vms) {
      nlohmann::json v = vm->stats_json();
      add_numbers(total, v["vm"]);
      max_latency = std::max(max_latency, v["vm"]["timer_latency"].value("max_ps", uint64_t{0}));
      for (nlohmann::json c : v["vcpus"]) {
        c["vm"] = vm->name;
        vcpus.push_back(c);
      }
      each.push_back(v);
    }
    if (total["timer_latency"].is_null()) total["timer_latency"] = nlohmann::json::object();
    total["timer_latency"]["max_ps"] = max_latency;
    j["vm"] = total;
    j["vcpus"] = vcpus;
    j["vms"] = each;
    j["costs"] = vms.front()->config().costs.to_json();
  }
  j["scheduler"] = soc.scheduler()->stats_json();
  return j;
}

void print_vm_summary(Soc& soc, std::ostream& out) {
  out << "\n== VMs ==\n";
  for (auto& vm : soc.vms()) {
    const auto& st = vm->stop_info();
    out << "  " << vm->name << ": " << vm->config().num_vcpus << " vCPU" << (vm->config().num_vcpus == 1 ? "" : "s")
        << ", VMID " << vm->config().vmid << ": ";
    if (st.stopped)
      out << "stopped, " << st.reason.substr(0, st.reason.find('\n')) << " (exit status " << st.exit_code << ")\n";
    else
      out << "still running\n";
  }
  const hyp::SchedulerStats& s = soc.scheduler()->stats();
  out << "scheduler: " << soc.scheduler()->num_harts() << " harts, " << s.vcpu_switches << " vCPU switches, "
      << s.vm_switches << " VM switches, " << s.gstage_flushes << " G-stage flushes, " << s.preemptions
      << " preemptions, " << s.migrations << " migrations\n";
}

}  // namespace rvh
