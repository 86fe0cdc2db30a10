// virtio_test_util.h -- helpers for the virtio unit tests: guest RAM as a
// byte buffer (a GuestMemory), and the driver's side of a split virtqueue
// (descriptor table, available ring, used ring) written into it the way a
// guest driver would (virtio spec v1.2 §2.7, little-endian).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "hyp/virtio_queue.h"

namespace rvh::hyp::virtio::test {

constexpr uint16_t kNext = 1, kWrite = 2, kIndirect = 4;  // VIRTQ_DESC_F_*

// Guest RAM [base, base + size).
class TestRam : public GuestMemory {
 public:
  TestRam(uint64_t base, uint64_t size) : base_(base), bytes_(size) {}
  bool contains(uint64_t gpa, uint64_t len) const {
    return gpa >= base_ && len <= bytes_.size() && gpa - base_ <= bytes_.size() - len;
  }
  bool read(uint64_t gpa, void* buf, uint64_t len) override {
    if (!contains(gpa, len)) return false;
    if (len) std::memcpy(buf, &bytes_[gpa - base_], len);
    return true;
  }
  bool write(uint64_t gpa, const void* buf, uint64_t len) override {
    if (!contains(gpa, len)) return false;
    if (len) std::memcpy(&bytes_[gpa - base_], buf, len);
    return true;
  }
  uint64_t get(uint64_t gpa, unsigned bytes) {
    uint8_t b[8] = {};
    if (!read(gpa, b, bytes)) return ~0ull;
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i) v |= uint64_t{b[i]} << (8 * i);
    return v;
  }
  void put(uint64_t gpa, uint64_t v, unsigned bytes) {
    uint8_t b[8];
    for (unsigned i = 0; i < bytes; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    write(gpa, b, bytes);
  }
  uint64_t base() const { return base_; }
  uint64_t size() const { return bytes_.size(); }

 private:
  uint64_t base_;
  std::vector<uint8_t> bytes_;
};

// The driver's view of one queue of `size` entries: the descriptor table,
// the available and the used ring at the given guest-physical addresses.
struct TestDriver {
  TestRam& ram;
  uint16_t size;
  uint64_t desc, avail, used;
  uint16_t avail_idx = 0;

  void set_desc(uint64_t table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                uint16_t next = 0) {
    const uint64_t d = table + 16ull * i;
    ram.put(d, addr, 8);
    ram.put(d + 8, len, 4);
    ram.put(d + 12, flags, 2);
    ram.put(d + 14, next, 2);
  }
  void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next = 0) {
    set_desc(desc, i, addr, len, flags, next);
  }
  // Puts `head` in the available ring and publishes it.
  void make_available(uint16_t head) {
    ram.put(avail + 4 + 2ull * (avail_idx % size), head, 2);
    set_avail_idx(static_cast<uint16_t>(avail_idx + 1));
  }
  void set_avail_idx(uint16_t idx) {
    avail_idx = idx;
    ram.put(avail + 2, idx, 2);
  }
  void set_avail_flags(uint16_t flags) { ram.put(avail, flags, 2); }
  void set_used_event(uint16_t v) { ram.put(avail + 4 + 2ull * size, v, 2); }
  uint16_t used_idx() { return static_cast<uint16_t>(ram.get(used + 2, 2)); }
  uint32_t used_id(uint16_t i) { return static_cast<uint32_t>(ram.get(used + 4 + 8ull * (i % size), 4)); }
  uint32_t used_len(uint16_t i) {
    return static_cast<uint32_t>(ram.get(used + 8 + 8ull * (i % size), 4));
  }
  uint16_t avail_event() { return static_cast<uint16_t>(ram.get(used + 4 + 8ull * size, 2)); }

  // Sets up `q` (as the transport does) for this layout.
  void configure(SplitQueue& q) const {
    q.size = size;
    q.desc_gpa = desc;
    q.avail_gpa = avail;
    q.used_gpa = used;
    q.ready = true;
  }
};

}  // namespace rvh::hyp::virtio::test
