// hyp/costs.cpp: see costs.h.
#include "hyp/costs.h"

namespace rvh::hyp {
namespace {
// One table of (name, field), so that the JSON keys follow the fields.
template <typename F>
void for_each_field(HypCosts& c, F f) {
  f("gpr_save", c.gpr_save);
  f("csr_access", c.csr_access);
  f("switch_fixed", c.switch_fixed);
  f("sbi_call", c.sbi_call);
  f("sbi_ipi", c.sbi_ipi);
  f("sbi_rfence", c.sbi_rfence);
  f("sbi_hsm", c.sbi_hsm);
  f("sbi_console", c.sbi_console);
  f("csr_emulation", c.csr_emulation);
  f("wfi", c.wfi);
  f("wfi_wakeup", c.wfi_wakeup);
  f("redirect", c.redirect);
  f("insn_fetch", c.insn_fetch);
  f("mmio_kernel", c.mmio_kernel);
  f("mmio_user", c.mmio_user);
  f("gstage_map", c.gstage_map);
  f("host_interrupt", c.host_interrupt);
  f("ipi_delivery", c.ipi_delivery);
  f("vcpu_switch", c.vcpu_switch);
  f("vm_switch", c.vm_switch);
  f("gstage_flush", c.gstage_flush);
  f("time_slice_ns", c.time_slice_ns);
  f("virtio_request", c.virtio_request);
  f("virtio_per_kib", c.virtio_per_kib);
  f("assigned_irq", c.assigned_irq);
}
}  // namespace

nlohmann::json HypCosts::to_json() const {
  nlohmann::json j;
  HypCosts copy = *this;
  for_each_field(copy, [&](const char* name, uint64_t& v) { j[name] = v; });
  j["switch_gprs"] = switch_gprs;
  j["switch_csrs"] = switch_csrs;
  j["vmid_bits"] = vmid_bits;
  j["virtio_event_idx"] = virtio_event_idx;
  j["world_switch"] = world_switch();
  return j;
}

}  // namespace rvh::hyp
