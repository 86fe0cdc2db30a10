// platform/assigned_devices.cpp: device assignment (Soc::assign_device;
// docs/io.md "Device assignment"): a device a library user attached to the
// SoC becomes a VM's, at the same addresses and PLIC source, with its
// interrupt forwarded by the hypervisor (hyp/assigned_irq.h).
#include <algorithm>
#include <stdexcept>

#include "platform/soc.h"

namespace rvh {
namespace {
const UserDevice* find_device(const PlatformConfig& c, const std::string& name) {
  for (const UserDevice& d : c.user_devices)
    if (d.name == name) return &d;
  return nullptr;
}
}  // namespace

void Soc::assign_device(const std::string& name, unsigned vm) {
  if (!find_device(params_.config, name))
    throw std::invalid_argument("Soc::assign_device: no device '" + name + "'; attach it with attach_device first");
  for (const auto& a : assignments_)
    if (a.first == name)
      throw std::invalid_argument("Soc::assign_device: '" + name + "' is already assigned to VM " +
                                  std::to_string(a.second));
  if (!vms_.empty()) throw std::logic_error("Soc::assign_device: call it before start_hypervisor");
  assignments_.emplace_back(name, vm);
}

void Soc::assign_devices_to(unsigned vm_index, hyp::VmConfig& config) const {
  for (const auto& [name, vm] : assignments_) {
    if (vm != vm_index) continue;
    const UserDevice& d = *find_device(params_.config, name);
    config.assigned.push_back(hyp::AssignedDevice{d.name, d.base, d.size, d.plic_source});
  }
}

void Soc::describe_assigned(const hyp::VmConfig& config, PlatformConfig& guest) const {
  for (const hyp::AssignedDevice& a : config.assigned) guest.user_devices.push_back(*find_device(params_.config, a.name));
}

void Soc::forward_assigned_irqs() {
  for (const auto& [name, vm] : assignments_)
    if (vm >= vms_.size())
      throw LoadError("device '" + name + "' is assigned to VM " + std::to_string(vm) + ", but there are " +
                      std::to_string(vms_.size()) + " VMs");
  bool any_irq = false;
  for (auto& vm : vms_)
    for (const hyp::AssignedDevice& a : vm->config().assigned) any_irq = any_irq || a.plic_source != 0;
  if (!any_irq) return;
  // The hypervisor's accesses to the physical PLIC's registers, as the host
  // kernel's PLIC driver makes them (straight to its target socket).
  auto plic = [this](uint64_t offset, uint32_t value, bool write) -> uint32_t {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(offset);
    p.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    p.set_data_length(4);
    p.set_streaming_width(4);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    static_cast<sc_core::sc_export<tlm::tlm_fw_transport_if<>>&>(plic_.socket)->b_transport(p, delay);
    return p.is_response_error() ? 0 : value;
  };
  assigned_irq_ = std::make_unique<hyp::AssignedIrqForwarder>("assigned_irq", seip_[0], plic);
  for (auto& vm : vms_)
    for (const hyp::AssignedDevice& a : vm->config().assigned)
      if (a.plic_source) assigned_irq_->route(a.plic_source, *vm);
}

}  // namespace rvh
