// platform/bus.h: the system bus. Decodes addresses to targets, forwards
// b_transport with the target-relative address and an annotated latency,
// forwards DMI requests and invalidations (translating address ranges).
// An access to an unmapped address gets TLM_ADDRESS_ERROR_RESPONSE, which
// the hart turns into an access fault.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace rvh {

class Bus : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Bus> targ_socket;  // from initiators (harts)
  tlm_utils::multi_passthrough_initiator_socket<Bus> init_socket;  // to targets

  explicit Bus(sc_core::sc_module_name name, sc_core::sc_time latency = sc_core::sc_time(5, sc_core::SC_NS));

  // Map the next bound initiator_socket port (in bind order) at [base, base+size).
  void map(const std::string& name, uint64_t base, uint64_t size);

  struct Mapping {
    std::string name;
    uint64_t base, size;
    unsigned port;
  };
  const std::vector<Mapping>& mappings() const { return map_; }
  const Mapping* find(uint64_t addr) const;

 private:
  std::vector<Mapping> map_;
  sc_core::sc_time latency_;

  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);
};

}  // namespace rvh
