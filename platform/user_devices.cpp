// platform/user_devices.cpp: devices a library user attaches to the SoC
// (Soc::attach_device, Soc::plic_source; docs/library.md).
#include <cstdio>
#include <stdexcept>

#include "platform/device_tree.h"
#include "platform/hex_string.h"
#include "platform/soc.h"

namespace rvh {
namespace {

std::string hex(uint64_t v) { return hex_string(v); }

// Sockets can only be bound while the design is being elaborated.
void require_elaboration(const char* what) {
  const sc_core::sc_status st = sc_core::sc_get_status();
  if (st != sc_core::SC_ELABORATION && st != sc_core::SC_BEFORE_END_OF_ELABORATION)
    throw std::logic_error(std::string("Soc::") + what + ": call it before sc_start() (during elaboration)");
}

}  // namespace

void Soc::attach_device(const std::string& name, uint64_t base, uint64_t size, tlm::tlm_target_socket<>& socket,
                        const DeviceTreeEntry& dt) {
  require_elaboration("attach_device");
  UserDevice device{name, base, size, dt.compatible, dt.plic_source};
  try {
    check_user_device(device);
  } catch (const DeviceTreeError& e) {
    throw std::invalid_argument(std::string("Soc::attach_device: ") + e.what());
  }
  const uint64_t last = base + size - 1;
  for (const Bus::Mapping& m : bus_.mappings()) {
    if (m.name == name)
      throw std::invalid_argument("Soc::attach_device: the name '" + name + "' is already mapped");
    if (base <= m.base + m.size - 1 && m.base <= last)
      throw std::invalid_argument("Soc::attach_device: device '" + name + "' at " + hex(base) + ".." + hex(last) +
                                  " overlaps " + m.name + " at " + hex(m.base) + ".." + hex(m.base + m.size - 1));
  }
  bus_.map(name, base, size);
  bus_.init_socket.bind(socket);
  params_.config.user_devices.push_back(device);
}

sc_core::sc_signal<bool>& Soc::plic_source(unsigned n) {
  if (n == 0 || n > memmap::kPlicNumSources)
    throw std::invalid_argument("Soc::plic_source: " + std::to_string(n) + " is not a PLIC source (1.." +
                                std::to_string(memmap::kPlicNumSources) + ")");
  if (n == memmap::kUart0Irq)
    throw std::invalid_argument("Soc::plic_source: source " + std::to_string(n) + " is driven by UART0");
  user_plic_sources_.at(n) = true;  // a device may raise it at any time (platform/wake_check.cpp)
  return plic_sources_[n];
}

}  // namespace rvh
