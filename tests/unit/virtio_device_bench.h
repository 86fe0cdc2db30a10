// virtio_device_bench.h -- a virtio device model (virtio-blk, virtio-rng)
// behind a real MmioTransport over buffer-backed guest RAM, driven the way a
// guest driver does it: the status handshake and queue setup through the
// registers (virtio spec v1.2 §3.1.1, §4.2.3), chains written into the
// rings, QueueNotify, and simulated time to let the device's thread work.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "hyp/virtio_mmio.h"
#include "tests/unit/virtio_test_util.h"

namespace rvh::hyp::virtio::test {

constexpr uint32_t kStatusAck = 1, kStatusDriver = 2, kStatusDriverOk = 4, kStatusFeaturesOk = 8,
                   kStatusNeedsReset = 0x40;

// One buffer of a chain the test submits.
struct Seg {
  uint64_t gpa;
  uint32_t len;
  bool writable;
};

class DeviceBench {
 public:
  static constexpr uint64_t kRam = 0x80000000;
  static constexpr uint64_t kBuffers = kRam + 0x10000;  // request buffers from here
  static constexpr uint16_t kQueueSize = 16;
  static constexpr uint64_t kHartHz = 1'000'000'000;    // 1 cycle = 1 ns

  DeviceBench(std::unique_ptr<Device> device, bool event_idx = false)
      : device_(device.get()),
        transport_(std::string("vm0 virtio-") + device_->kind(), std::move(device), ram,
                   [this](bool level) { irq.push_back(level); }, event_idx, kHartHz) {}

  TestRam ram{kRam, 4 << 20};
  TestDriver drv{ram, kQueueSize, kRam, kRam + 0x1000, kRam + 0x2000};
  std::vector<bool> irq;  // levels driven on the interrupt line

  MmioTransport& transport() { return transport_; }
  Device& device() { return *device_; }

  uint32_t reg(uint64_t offset) {
    uint8_t b[4] = {};
    transport_.read(offset, b, 4);
    return b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
  }
  void set_reg(uint64_t offset, uint32_t v, const sc_core::sc_time& delay = sc_core::SC_ZERO_TIME) {
    const uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    transport_.write(offset, b, 4, delay);
  }
  uint64_t config(uint32_t offset, unsigned len) {
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i += 4) {
      uint8_t b[4] = {};
      transport_.read(0x100 + offset + i, b, 4);
      for (unsigned k = 0; k < 4 && i + k < len; ++k) v |= uint64_t{b[k]} << (8 * (i + k));
    }
    return v;
  }
  uint64_t offered_features() {
    set_reg(0x014, 0);
    const uint64_t lo = reg(0x010);
    set_reg(0x014, 1);
    return lo | uint64_t{reg(0x010)} << 32;
  }

  // Reset, feature negotiation (everything offered), queue 0 set up,
  // DRIVER_OK. The rings start empty.
  void handshake() {
    set_reg(0x070, 0);
    for (uint64_t a = drv.desc; a < drv.used + 0x1000; a += 8) ram.put(a, 0, 8);
    drv.avail_idx = 0;
    next_desc_ = 0;
    next_buffer_ = kBuffers;
    set_reg(0x070, kStatusAck);
    set_reg(0x070, kStatusAck | kStatusDriver);
    const uint64_t features = offered_features();
    set_reg(0x024, 0);
    set_reg(0x020, static_cast<uint32_t>(features));
    set_reg(0x024, 1);
    set_reg(0x020, static_cast<uint32_t>(features >> 32));
    set_reg(0x070, kStatusAck | kStatusDriver | kStatusFeaturesOk);
    ASSERT_TRUE(reg(0x070) & kStatusFeaturesOk);
    set_reg(0x030, 0);
    ASSERT_GE(reg(0x034), kQueueSize);
    set_reg(0x038, kQueueSize);
    set_reg(0x080, static_cast<uint32_t>(drv.desc));
    set_reg(0x084, static_cast<uint32_t>(drv.desc >> 32));
    set_reg(0x090, static_cast<uint32_t>(drv.avail));
    set_reg(0x094, static_cast<uint32_t>(drv.avail >> 32));
    set_reg(0x0a0, static_cast<uint32_t>(drv.used));
    set_reg(0x0a4, static_cast<uint32_t>(drv.used >> 32));
    set_reg(0x044, 1);
    set_reg(0x070, kStatusAck | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
    ASSERT_EQ(reg(0x070) & kStatusDriverOk, kStatusDriverOk);
  }

  // Guest RAM for a buffer of `len` bytes, filled with `fill`.
  uint64_t alloc(uint32_t len, uint8_t fill = 0) {
    const uint64_t gpa = next_buffer_;
    next_buffer_ += (len + 15) & ~15ull;
    const std::vector<uint8_t> bytes(len, fill);
    ram.write(gpa, bytes.data(), len);
    return gpa;
  }
  // Writes the chain into the descriptor table and makes it available;
  // returns its head.
  uint16_t submit(const std::vector<Seg>& segs) {
    const uint16_t head = next_desc_;
    for (size_t i = 0; i < segs.size(); ++i) {
      const uint16_t d = static_cast<uint16_t>((head + i) % kQueueSize);
      const bool last = i + 1 == segs.size();
      const uint16_t flags = static_cast<uint16_t>((segs[i].writable ? kWrite : 0) | (last ? 0 : kNext));
      drv.set_desc(d, segs[i].gpa, segs[i].len, flags, static_cast<uint16_t>((d + 1) % kQueueSize));
    }
    next_desc_ = static_cast<uint16_t>((head + segs.size()) % kQueueSize);
    drv.make_available(head);
    return head;
  }
  void notify(const sc_core::sc_time& delay = sc_core::SC_ZERO_TIME) { set_reg(0x050, 0, delay); }

  // Lets simulated time pass (the device thread's service times).
  static void run(const sc_core::sc_time& t = sc_core::sc_time(1, sc_core::SC_MS)) { sc_core::sc_start(t); }

  std::vector<uint8_t> bytes(uint64_t gpa, size_t len) {
    std::vector<uint8_t> v(len);
    ram.read(gpa, v.data(), len);
    return v;
  }

 private:
  Device* device_;
  MmioTransport transport_;
  uint16_t next_desc_ = 0;
  uint64_t next_buffer_ = kBuffers;
};

}  // namespace rvh::hyp::virtio::test
