// hyp/virtio_queue.cpp: the device side of a split virtqueue (virtio spec
// v1.2 §2.7). Ring layout (all little-endian):
//   descriptor table  16 bytes each: le64 addr, le32 len, le16 flags, le16 next
//   available ring    le16 flags, le16 idx, le16 ring[size], le16 used_event
//   used ring         le16 flags, le16 idx, {le32 id, le32 len} ring[size],
//                     le16 avail_event
// The indices are free-running 16-bit counters; a slot is index % size
// (size is a power of 2, so this holds across the wrap at 65536).
//
// Guest RAM is one contiguous range (the VM's), so a buffer is guest RAM
// when its first and its last byte are.
#include "hyp/virtio_queue.h"
#include "hyp/little_endian.h"

#include <cinttypes>
#include <cstdio>

namespace rvh::hyp::virtio {
namespace {

constexpr uint16_t kDescNext = 1, kDescWrite = 2, kDescIndirect = 4;  // §2.7.5
constexpr uint16_t kAvailNoInterrupt = 1;                            // §2.7.6
constexpr uint64_t kDescBytes = 16, kUsedElemBytes = 8;

struct Desc {
  uint64_t addr = 0;
  uint32_t len = 0;
  uint16_t flags = 0;
  uint16_t next = 0;
};


bool read_u16(GuestMemory& mem, uint64_t gpa, uint16_t& v) {
  uint8_t b[2];
  if (!mem.read(gpa, b, 2)) return false;
  v = static_cast<uint16_t>(load_le(b, 2));
  return true;
}

bool write_u16(GuestMemory& mem, uint64_t gpa, uint16_t v) {
  uint8_t b[2];
  store_le(b, v, 2);
  return mem.write(gpa, b, 2);
}

bool read_desc(GuestMemory& mem, uint64_t gpa, Desc& d) {
  uint8_t b[kDescBytes];
  if (!mem.read(gpa, b, sizeof b)) return false;
  d.addr = load_le(b, 8);
  d.len = static_cast<uint32_t>(load_le(b + 8, 4));
  d.flags = static_cast<uint16_t>(load_le(b + 12, 2));
  d.next = static_cast<uint16_t>(load_le(b + 14, 2));
  return true;
}

// [gpa, gpa+len) is guest RAM; len 0 is an empty range. The caller has
// checked that gpa+len does not wrap.
bool in_ram(GuestMemory& mem, uint64_t gpa, uint64_t len) {
  if (len == 0) return true;
  uint8_t byte;
  return mem.read(gpa, &byte, 1) && mem.read(gpa + len - 1, &byte, 1);
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// "0x90000000+4096"
std::string range(uint64_t gpa, uint64_t len) { return hex(gpa) + "+" + std::to_string(len); }

// §2.7.10: whether the used index moving from old_idx to new_idx crossed
// event_idx (the driver's used_event), all modulo 2^16.
bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx) {
  return static_cast<uint16_t>(new_idx - event_idx - 1) < static_cast<uint16_t>(new_idx - old_idx);
}

}  // namespace

void SplitQueue::reset() {
  size = 0;
  desc_gpa = avail_gpa = used_gpa = 0;
  ready = false;
  event_idx = false;
  indirect = false;
  last_avail_ = used_idx_ = signalled_used_ = 0;
}

SplitQueue::Pop SplitQueue::pop(GuestMemory& mem, Chain& out, std::string& error) {
  if (!ready) return Pop::kEmpty;
  auto fail = [&](const std::string& where, const std::string& what) {
    error = name + ": " + where + what;
    return Pop::kMalformed;
  };
  if (size == 0 || size > kMaxSize || (size & (size - 1)) != 0)
    return fail("", "queue size " + std::to_string(size) + " is not a power of 2 up to " +
                        std::to_string(kMaxSize));

  uint16_t avail_idx = 0;
  if (!read_u16(mem, avail_gpa + 2, avail_idx))
    return fail("", "available ring at " + hex(avail_gpa) + " is outside guest RAM");
  const uint16_t pending = static_cast<uint16_t>(avail_idx - last_avail_);
  if (pending == 0) return Pop::kEmpty;
  // §2.7.6: the driver never has more than `size` chains outstanding.
  if (pending > size)
    return fail("", "available index " + std::to_string(avail_idx) + " is " +
                        std::to_string(pending) + " entries ahead of the device's " +
                        std::to_string(last_avail_) + " (queue size " + std::to_string(size) + ")");
  const uint64_t slot_gpa = avail_gpa + 4 + 2ull * (last_avail_ % size);
  uint16_t head = 0;
  if (!read_u16(mem, slot_gpa, head))
    return fail("", "available ring at " + hex(avail_gpa) + " is outside guest RAM");
  if (head >= size)
    return fail("", "available ring entry " + std::to_string(last_avail_ % size) +
                        ": head descriptor " + std::to_string(head) +
                        " is not below the queue size " + std::to_string(size));

  out.head = head;
  out.buffers.clear();
  out.readable_bytes = out.writable_bytes = 0;

  // Walk the chain: first through the queue's table, then (after a
  // descriptor with INDIRECT, which ends the direct chain) through the
  // indirect table from its entry 0 (§2.7.5.3).
  uint64_t table = desc_gpa;
  uint32_t table_entries = size;
  uint32_t index = head;
  int indirect_of = -1;  // the direct descriptor that refers to the table we walk
  uint32_t walked = 0;   // descriptors of the current table in this chain
  bool seen_writable = false;
  uint64_t total = 0;
  for (;;) {
    const std::string where =
        indirect_of < 0 ? "descriptor " + std::to_string(index) + ": "
                        : "descriptor " + std::to_string(indirect_of) + ", indirect entry " +
                              std::to_string(index) + ": ";
    // A chain of more descriptors than its table has must revisit one.
    if (++walked > table_entries)
      return fail(where, "the chain has more than " + std::to_string(table_entries) +
                             " descriptors (a loop)");
    Desc d;
    if (!read_desc(mem, table + kDescBytes * index, d))
      return fail(where, "descriptor table at " + hex(table) + " is outside guest RAM");

    if (d.flags & kDescIndirect) {
      // §2.7.5.3.1: only with VIRTIO_F_INDIRECT_DESC, one level, no NEXT;
      // its WRITE flag is ignored.
      if (indirect_of >= 0) return fail(where, "nested indirect table");
      if (!indirect) return fail(where, "indirect table but VIRTIO_F_INDIRECT_DESC was not negotiated");
      if (d.flags & kDescNext) return fail(where, "indirect table with the NEXT flag");
      if (d.len == 0 || d.len % kDescBytes != 0 || d.len > kDescBytes * kMaxSize)
        return fail(where, "indirect table length " + std::to_string(d.len) +
                               " is not a non-zero multiple of 16 up to " +
                               std::to_string(kDescBytes * kMaxSize));
      if (d.addr + d.len < d.addr || !in_ram(mem, d.addr, d.len))
        return fail(where, "indirect table " + range(d.addr, d.len) + " is outside guest RAM");
      table = d.addr;
      table_entries = static_cast<uint32_t>(d.len / kDescBytes);
      indirect_of = static_cast<int>(index);
      index = 0;
      walked = 0;
      continue;
    }

    if (d.addr + d.len < d.addr)
      return fail(where, "buffer " + range(d.addr, d.len) + " wraps around the address space");
    if (!in_ram(mem, d.addr, d.len))
      return fail(where, "buffer " + range(d.addr, d.len) + " is outside guest RAM");
    total += d.len;
    if (total > kMaxChainBytes)
      return fail(where, "the chain holds more than " + std::to_string(kMaxChainBytes) + " bytes");
    const bool writable = d.flags & kDescWrite;
    // §2.7.4.2: device-readable buffers come before device-writable ones.
    if (!writable && seen_writable)
      return fail(where, "device-readable buffer after a device-writable one");
    seen_writable |= writable;
    out.buffers.push_back(Buffer{d.addr, d.len, writable});
    (writable ? out.writable_bytes : out.readable_bytes) += d.len;

    if (!(d.flags & kDescNext)) break;
    if (d.next >= table_entries)
      return fail(where, "next index " + std::to_string(d.next) + " is not below " +
                             (indirect_of < 0 ? "the queue size " : "the indirect table's ") +
                             std::to_string(table_entries) + (indirect_of < 0 ? "" : " entries"));
    index = d.next;
  }
  ++last_avail_;
  return Pop::kChain;
}

bool SplitQueue::push_used(GuestMemory& mem, uint16_t head, uint32_t written, std::string& error) {
  if (size == 0) {
    error = name + ": used buffer pushed on a queue that is not set up";
    return false;
  }
  uint8_t elem[kUsedElemBytes];
  store_le(elem, head, 4);
  store_le(elem + 4, written, 4);
  // §2.7.8.2: the element before the index that publishes it.
  const uint64_t elem_gpa = used_gpa + 4 + kUsedElemBytes * (used_idx_ % size);
  const uint16_t next = static_cast<uint16_t>(used_idx_ + 1);
  if (!mem.write(elem_gpa, elem, sizeof elem) || !write_u16(mem, used_gpa + 2, next)) {
    error = name + ": used ring at " + hex(used_gpa) + " is outside guest RAM";
    return false;
  }
  used_idx_ = next;
  return true;
}

bool SplitQueue::needs_interrupt(GuestMemory& mem) {
  const uint16_t old_used = signalled_used_;
  signalled_used_ = used_idx_;
  if (old_used == used_idx_ || size == 0) return false;
  if (event_idx) {
    uint16_t used_event = 0;
    // A used_event outside RAM: interrupt, the safe side for the driver.
    if (!read_u16(mem, avail_gpa + 4 + 2ull * size, used_event)) return true;
    return vring_need_event(used_event, used_idx_, old_used);
  }
  uint16_t flags = 0;
  if (!read_u16(mem, avail_gpa, flags)) return true;
  return !(flags & kAvailNoInterrupt);
}

bool SplitQueue::enable_notifications(GuestMemory& mem) {
  if (!event_idx || size == 0) return true;
  uint16_t avail_idx = 0;
  if (!read_u16(mem, avail_gpa + 2, avail_idx)) return false;
  // §2.7.10: the driver notifies when it makes entry avail_event available.
  return write_u16(mem, used_gpa + 4 + kUsedElemBytes * size, avail_idx);
}

bool SplitQueue::has_available(GuestMemory& mem) {
  if (!ready || size == 0) return false;
  uint16_t avail_idx = 0;
  // Unreadable: say yes, so that pop() reports the broken ring.
  if (!read_u16(mem, avail_gpa + 2, avail_idx)) return true;
  return avail_idx != last_avail_;
}

}  // namespace rvh::hyp::virtio
