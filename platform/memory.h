// platform/memory.h: RAM and ROM as TLM-2.0 targets with DMI. The host-side
// backdoor (write/read/host_pointer) is for the loaders and HTIF, not for
// simulated software.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace rvh {

// Access latencies: b_transport adds read/write to the caller's delay; a DMI
// grant carries dmi_read/dmi_write, which the initiator adds per access.
struct MemoryLatency {
  sc_core::sc_time read = sc_core::SC_ZERO_TIME, write = sc_core::SC_ZERO_TIME;
  sc_core::sc_time dmi_read = sc_core::SC_ZERO_TIME, dmi_write = sc_core::SC_ZERO_TIME;
};

// The host could not give a Memory its bytes (the mapping was refused). bytes() is
// what was asked; main names the option that asked for it (-m, --guest-memory).
class MemoryAllocationError : public std::runtime_error {
 public:
  MemoryAllocationError(const std::string& name, uint64_t bytes)
      : std::runtime_error(name + ": cannot allocate " + std::to_string(bytes) + " bytes on this host"),
        bytes_(bytes) {}
  uint64_t bytes() const { return bytes_; }

 private:
  uint64_t bytes_;
};

// Zero-filled host memory that costs only what is touched: an anonymous
// private mapping without swap reservation (MAP_NORESERVE), so that -m 64G
// on a smaller host starts at once; the kernel supplies zero pages on first
// touch. Unmapped when destroyed.
class HostPages {
 public:
  HostPages(const char* name, uint64_t size);
  ~HostPages();
  HostPages(const HostPages&) = delete;
  HostPages& operator=(const HostPages&) = delete;
  uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

class Memory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Memory> socket;

  // read_only: a ROM (writes from the bus get TLM_COMMAND_ERROR_RESPONSE).
  // The two-latency form uses the same latencies for b_transport and DMI.
  // Throws MemoryAllocationError if the host cannot allocate `size` bytes.
  Memory(sc_core::sc_module_name name, uint64_t size, bool read_only = false,
         sc_core::sc_time read_latency = sc_core::SC_ZERO_TIME,
         sc_core::sc_time write_latency = sc_core::SC_ZERO_TIME);
  Memory(sc_core::sc_module_name name, uint64_t size, bool read_only, const MemoryLatency& latency);

  uint64_t size() const { return data_.size(); }
  // Backdoor access by offset; false if out of range.
  bool write(uint64_t offset, const uint8_t* src, uint64_t len);
  bool read(uint64_t offset, uint8_t* dst, uint64_t len) const;
  uint8_t* host_pointer(uint64_t offset) { return data_.data() + offset; }

 private:
  HostPages data_;
  bool read_only_;
  MemoryLatency latency_;

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
};

}  // namespace rvh
