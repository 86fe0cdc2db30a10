// platform/bus.cpp: see bus.h.
#include "platform/bus.h"

namespace rvh {

Bus::Bus(sc_core::sc_module_name name, sc_core::sc_time latency)
    : sc_core::sc_module(name), targ_socket("targ_socket"), init_socket("init_socket"), latency_(latency) {
  targ_socket.register_b_transport(this, &Bus::b_transport);
  targ_socket.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
  targ_socket.register_transport_dbg(this, &Bus::transport_dbg);
  init_socket.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::map(const std::string& name, uint64_t base, uint64_t size) {
  map_.push_back(Mapping{name, base, size, static_cast<unsigned>(map_.size())});
}

const Bus::Mapping* Bus::find(uint64_t addr) const {
  for (const auto& m : map_)
    if (addr >= m.base && addr - m.base < m.size) return &m;
  return nullptr;
}

void Bus::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const Mapping* m = find(addr);
  if (!m || addr - m->base + trans.get_data_length() > m->size) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  delay += latency_;
  trans.set_address(addr - m->base);
  init_socket[m->port]->b_transport(trans, delay);
  trans.set_address(addr);
}

bool Bus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const uint64_t addr = trans.get_address();
  const Mapping* m = find(addr);
  if (!m) return false;
  trans.set_address(addr - m->base);
  const bool ok = init_socket[m->port]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(addr);
  if (!ok) return false;
  // Translate the granted range back to bus addresses, clipped to the mapping.
  uint64_t start = dmi.get_start_address() + m->base;
  uint64_t end = dmi.get_end_address() + m->base;
  if (end > m->base + m->size - 1) end = m->base + m->size - 1;
  dmi.set_start_address(start);
  dmi.set_end_address(end);
  return true;
}

unsigned Bus::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  const Mapping* m = find(addr);
  if (!m) return 0;
  trans.set_address(addr - m->base);
  const unsigned n = init_socket[m->port]->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

void Bus::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const auto& m : map_) {
    if (m.port != static_cast<unsigned>(port)) continue;
    const uint64_t s = m.base + start;
    const uint64_t e = end >= m.size - 1 ? m.base + m.size - 1 : m.base + end;
    for (unsigned i = 0; i < targ_socket.size(); ++i) targ_socket[i]->invalidate_direct_mem_ptr(s, e);
  }
}

}  // namespace rvh
