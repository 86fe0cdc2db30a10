// platform/memory.cpp: see memory.h.
#include "platform/memory.h"

#include <sys/mman.h>

#include <cstring>
#include <new>

#include "cpu/zeroed_array.h"

namespace rvh {

HostPages::HostPages(const char* name, uint64_t size) : size_(size) {
  if (size == 0) return;
  // Zero pages, committed as touched, 2 MiB aligned with transparent huge
  // pages where the host allows them: fewer first-touch faults and host
  // TLB misses on guest memory (cpu/zeroed_array.h).
  if (size > static_cast<uint64_t>(SIZE_MAX)) throw MemoryAllocationError(name, size);
  try {
    data_ = static_cast<uint8_t*>(map_zero_pages(static_cast<size_t>(size)));
  } catch (const std::bad_alloc&) {
    throw MemoryAllocationError(name, size);
  }
}

HostPages::~HostPages() {
  if (data_) munmap(data_, static_cast<size_t>(size_));
}

Memory::Memory(sc_core::sc_module_name name, uint64_t size, bool read_only, sc_core::sc_time read_latency,
               sc_core::sc_time write_latency)
    : Memory(name, size, read_only, MemoryLatency{read_latency, write_latency, read_latency, write_latency}) {}

Memory::Memory(sc_core::sc_module_name name, uint64_t size, bool read_only, const MemoryLatency& latency)
    : sc_core::sc_module(name),
      socket("socket"),
      data_(basename(), size),
      read_only_(read_only),
      latency_(latency) {
  socket.register_b_transport(this, &Memory::b_transport);
  socket.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Memory::transport_dbg);
}

bool Memory::write(uint64_t offset, const uint8_t* src, uint64_t len) {
  if (offset > data_.size() || len > data_.size() - offset) return false;
  std::memcpy(data_.data() + offset, src, len);
  return true;
}

bool Memory::read(uint64_t offset, uint8_t* dst, uint64_t len) const {
  if (offset > data_.size() || len > data_.size() - offset) return false;
  std::memcpy(dst, data_.data() + offset, len);
  return true;
}

void Memory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const unsigned len = trans.get_data_length();
  if (addr > data_.size() || len > data_.size() - addr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (trans.get_byte_enable_ptr() || trans.get_streaming_width() < len) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (trans.is_read()) {
    std::memcpy(trans.get_data_ptr(), data_.data() + addr, len);
    delay += latency_.read;
  } else if (trans.is_write()) {
    if (read_only_) {
      trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    std::memcpy(data_.data() + addr, trans.get_data_ptr(), len);
    delay += latency_.write;
  }
  trans.set_dmi_allowed(true);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Memory::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(data_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(data_.size() - 1);
  dmi.set_granted_access(read_only_ ? tlm::tlm_dmi::DMI_ACCESS_READ : tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
  dmi.set_read_latency(latency_.dmi_read);
  dmi.set_write_latency(latency_.dmi_write);
  return true;
}

unsigned Memory::transport_dbg(tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  uint64_t len = trans.get_data_length();
  if (addr >= data_.size()) return 0;
  if (len > data_.size() - addr) len = data_.size() - addr;
  if (trans.is_read())
    std::memcpy(trans.get_data_ptr(), data_.data() + addr, len);
  else if (trans.is_write() && !read_only_)
    std::memcpy(data_.data() + addr, trans.get_data_ptr(), len);
  return static_cast<unsigned>(len);
}

}  // namespace rvh
