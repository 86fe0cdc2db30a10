// examples/crc_accelerator.h: a user-written TLM-2.0 peripheral for the
// library example (docs/library.md): a CRC-32 accelerator with an interrupt.
// It uses nothing of rvh-vp: a simple_target_socket and an sc_out<bool>.
//
// Registers (offsets from the device base; 32-bit, except DATA which also
// takes 1- and 2-byte writes; other sizes, misaligned or unknown offsets get
// TLM_ADDRESS_ERROR_RESPONSE, which the hart takes as an access fault):
//
//   off   access  name     meaning
//   0x00  R       ID       0x43524341 ("CRCA")
//   0x04  RW      CTRL     bit 0 IRQ_EN: drive the interrupt line while DONE
//   0x08  W       CMD      1 START: CRC the loaded bytes; 2 CLEAR: drop them
//   0x0c  W       DATA     append the written bytes (little-endian) to the input
//   0x10  R       STATUS   bit 0 BUSY, bit 1 DONE
//         W                writing bit 1 clears DONE (and the interrupt)
//   0x14  R       RESULT   CRC-32 (IEEE 802.3, as zlib's crc32) of the last run
//                          once it is DONE; 0 while BUSY
//   0x18  R       COUNT    bytes loaded
//   0x1c  R       LATENCY  modelled compute time in ns per byte
//
// START while BUSY, DATA while BUSY or with kCapacity bytes loaded get
// TLM_GENERIC_ERROR_RESPONSE. A run takes COUNT * LATENCY ns of simulated
// time from the (annotated) time of the START write; STATUS and RESULT are
// evaluated at the accessing initiator's local time, and the interrupt line
// rises at the completion time (level: stays high until DONE is cleared or
// IRQ_EN is cleared). The line is written only by this module's own method,
// so the signal has one writer.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

class CrcAccelerator : public sc_core::sc_module {
 public:
  static constexpr uint32_t kId = 0x43524341;
  static constexpr uint64_t kRegId = 0x00, kRegCtrl = 0x04, kRegCmd = 0x08, kRegData = 0x0c,
                            kRegStatus = 0x10, kRegResult = 0x14, kRegCount = 0x18, kRegLatency = 0x1c;
  static constexpr uint64_t kSize = 0x1000;  // the window it is mapped with
  static constexpr size_t kCapacity = 1024;  // input bytes
  static sc_core::sc_time access_latency() { return sc_core::sc_time(10, sc_core::SC_NS); }

  tlm_utils::simple_target_socket<CrcAccelerator> socket;
  sc_core::sc_out<bool> irq;

  SC_HAS_PROCESS(CrcAccelerator);

  CrcAccelerator(sc_core::sc_module_name name, uint32_t ns_per_byte)
      : sc_core::sc_module(name), socket("socket"), irq("irq"), ns_per_byte_(ns_per_byte) {
    socket.register_b_transport(this, &CrcAccelerator::b_transport);
    SC_METHOD(drive_irq);
    sensitive << irq_update_ << done_event_;
    dont_initialize();
  }

  unsigned runs() const { return runs_; }

 private:
  uint32_t ns_per_byte_;
  std::vector<uint8_t> input_;
  bool irq_en_ = false;
  bool started_ = false;  // a run was started and its DONE not yet cleared
  sc_core::sc_time done_at_;
  uint32_t crc_ = 0;
  unsigned runs_ = 0;
  sc_core::sc_event irq_update_, done_event_;

  bool busy(const sc_core::sc_time& t) const { return started_ && t < done_at_; }
  bool done(const sc_core::sc_time& t) const { return started_ && t >= done_at_; }

  void drive_irq() { irq.write(irq_en_ && done(sc_core::sc_time_stamp())); }

  static uint32_t crc32(const std::vector<uint8_t>& bytes) {
    uint32_t crc = 0xffffffffu;
    for (uint8_t b : bytes) {
      crc ^= b;
      for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
  }

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    // The access reaches the device at the initiator's local time `now` and
    // takes effect there; the response comes back access_latency() later. The
    // hart synchronizes after a device access, so a line change scheduled
    // at `now` has settled (signal update, PLIC gateway) when it continues.
    const sc_core::sc_time at = delay;
    const sc_core::sc_time now = sc_core::sc_time_stamp() + at;
    delay += access_latency();
    trans.set_dmi_allowed(false);
    const uint64_t off = trans.get_address();
    const unsigned len = trans.get_data_length();
    const bool ok_size = len == 4 || (off == kRegData && trans.is_write() && (len == 1 || len == 2));
    if (!ok_size || off % len != 0 || trans.get_byte_enable_ptr() || trans.get_streaming_width() != len) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    uint8_t* data = trans.get_data_ptr();
    tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
    if (trans.is_read()) {
      uint32_t v = 0;
      switch (off) {
        case kRegId: v = kId; break;
        case kRegCtrl: v = irq_en_ ? 1 : 0; break;
        case kRegStatus: v = (busy(now) ? 1u : 0u) | (done(now) ? 2u : 0u); break;
        case kRegResult: v = busy(now) ? 0 : crc_; break;
        case kRegCount: v = static_cast<uint32_t>(input_.size()); break;
        case kRegLatency: v = ns_per_byte_; break;
        default: status = tlm::TLM_ADDRESS_ERROR_RESPONSE; break;
      }
      std::memcpy(data, &v, 4);  // the host and RISC-V are both little-endian
    } else if (trans.is_write()) {
      uint32_t v = 0;
      std::memcpy(&v, data, len);
      switch (off) {
        case kRegCtrl: irq_en_ = v & 1; break;
        case kRegCmd: status = command(v, now, at); break;
        case kRegData:
          if (busy(now) || input_.size() + len > kCapacity) {
            status = tlm::TLM_GENERIC_ERROR_RESPONSE;
            break;
          }
          input_.insert(input_.end(), data, data + len);
          break;
        case kRegStatus:
          if ((v & 2) && done(now)) started_ = false;
          break;
        default: status = tlm::TLM_ADDRESS_ERROR_RESPONSE; break;
      }
      irq_update_.notify(at);  // CTRL, CMD or STATUS may change the line
    } else {
      status = tlm::TLM_COMMAND_ERROR_RESPONSE;
    }
    trans.set_response_status(status);
  }

  tlm::tlm_response_status command(uint32_t cmd, const sc_core::sc_time& now, const sc_core::sc_time& at) {
    if (busy(now)) return tlm::TLM_GENERIC_ERROR_RESPONSE;
    if (cmd == 1) {  // START
      const sc_core::sc_time latency(static_cast<double>(input_.size()) * ns_per_byte_, sc_core::SC_NS);
      crc_ = crc32(input_);
      started_ = true;
      done_at_ = now + latency;
      done_event_.notify(at + latency);
      ++runs_;
      return tlm::TLM_OK_RESPONSE;
    }
    if (cmd == 2) {  // CLEAR
      input_.clear();
      return tlm::TLM_OK_RESPONSE;
    }
    return tlm::TLM_GENERIC_ERROR_RESPONSE;
  }
};
