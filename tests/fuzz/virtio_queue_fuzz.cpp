// virtio_queue_fuzz.cpp -- the device side of a split virtqueue
// (hyp/virtio_queue.*), which walks descriptor chains a guest wrote into
// its RAM: a hostile guest chooses every ring, descriptor and index.
//
// Guest RAM is the tail of the input (at most 64 KiB, at guest-physical
// 0x80000000) in a buffer of exactly that size, so the sanitizers catch
// any access beyond it. Input:
//   u8   bit 0 VIRTIO_F_EVENT_IDX, bit 1 VIRTIO_F_INDIRECT_DESC negotiated;
//        bits 7:4 log2 of the queue size (capped at 10: 1..1024)
//   u16  descriptor table, u16 available ring, u16 used ring: offsets from
//        the RAM base (so they may lie partly or wholly outside RAM)
//   16 ops, one byte each: bits 2:0 the operation, bits 7:3 an argument
//        0-2 pop one chain and, if well formed, return it with push_used
//        3   needs_interrupt   4 enable_notifications   5 has_available
//        6   the driver moves avail.idx on by the argument
//        7   pop until empty (at most 2 * size chains)
//   the rest: guest RAM contents
//
// Checks, besides the sanitizers: a popped chain has a head below the
// queue size, at least one buffer and at most size + kMaxSize of them,
// every buffer entirely guest RAM (first and last byte readable), the
// readable ones before the writable ones, byte counts that add up and stay
// within kMaxChainBytes; last_avail moves by one per chain and the used
// index by one per push; a malformed chain gives one line naming the queue.
#include <algorithm>
#include <cstdint>
#include <string>

#include "hyp/virtio_queue.h"
#include "tests/fuzz/fuzz_sc_main.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/virtio_test_util.h"

namespace {

using rvh::hyp::virtio::Chain;
using rvh::hyp::virtio::SplitQueue;
using rvh::hyp::virtio::test::TestRam;

constexpr uint64_t kRamBase = 0x80000000;
constexpr size_t kMaxRam = 64 * 1024;
const std::string kName = "vm0 virtio-blk queue 0";

void check_chain(TestRam& ram, const SplitQueue& q, const Chain& c) {
  FUZZ_CHECK(c.head < q.size, "head %u with queue size %u", c.head, q.size);
  FUZZ_CHECK(!c.buffers.empty(), "a chain without buffers");
  FUZZ_CHECK(c.buffers.size() <= size_t{q.size} + SplitQueue::kMaxSize, "%zu buffers",
             c.buffers.size());
  uint64_t readable = 0, writable = 0;
  bool seen_writable = false;
  for (const auto& b : c.buffers) {
    uint8_t byte;
    FUZZ_CHECK(b.len == 0 || (ram.read(b.gpa, &byte, 1) && ram.read(b.gpa + b.len - 1, &byte, 1)),
               "buffer 0x%llx+%u is not guest RAM", static_cast<unsigned long long>(b.gpa), b.len);
    FUZZ_CHECK(b.len == 0 || ram.contains(b.gpa, b.len), "buffer 0x%llx+%u is not guest RAM",
               static_cast<unsigned long long>(b.gpa), b.len);
    FUZZ_CHECK(!seen_writable || b.device_writable, "readable buffer after a writable one");
    seen_writable |= b.device_writable;
    (b.device_writable ? writable : readable) += b.len;
  }
  FUZZ_CHECK(readable == c.readable_bytes && writable == c.writable_bytes,
             "byte counts %llu/%llu, buffers say %llu/%llu",
             static_cast<unsigned long long>(c.readable_bytes),
             static_cast<unsigned long long>(c.writable_bytes),
             static_cast<unsigned long long>(readable), static_cast<unsigned long long>(writable));
  FUZZ_CHECK(readable + writable <= SplitQueue::kMaxChainBytes, "%llu bytes in a chain",
             static_cast<unsigned long long>(readable + writable));
}

void check_report(const std::string& error) {
  FUZZ_CHECK(error.compare(0, kName.size() + 2, kName + ": ") == 0, "report not naming the queue: %s",
             error.c_str());
  FUZZ_CHECK(error.find('\n') == std::string::npos, "report of several lines: %s", error.c_str());
}

// Pops one chain; false when the ring is empty.
bool pop_one(TestRam& ram, SplitQueue& q) {
  Chain c;
  std::string error;
  const uint16_t before = q.last_avail();
  switch (q.pop(ram, c, error)) {
    case SplitQueue::Pop::kEmpty:
      FUZZ_CHECK(q.last_avail() == before, "an empty pop moved last_avail");
      return false;
    case SplitQueue::Pop::kMalformed:
      check_report(error);
      return false;
    case SplitQueue::Pop::kChain:
      break;
  }
  FUZZ_CHECK(q.last_avail() == static_cast<uint16_t>(before + 1), "last_avail %u after %u",
             q.last_avail(), before);
  check_chain(ram, q, c);
  const uint16_t used = q.used_idx();
  const uint32_t written = static_cast<uint32_t>(std::min<uint64_t>(c.writable_bytes, UINT32_MAX));
  if (q.push_used(ram, c.head, written, error))
    FUZZ_CHECK(q.used_idx() == static_cast<uint16_t>(used + 1), "used index %u after %u",
               q.used_idx(), used);
  else
    check_report(error);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rvh::fuzz::ByteReader in(data, size);
  const uint8_t flags = in.u8();
  SplitQueue q;
  q.name = kName;
  q.event_idx = flags & 1;
  q.indirect = flags & 2;
  q.size = static_cast<uint16_t>(1u << std::min(flags >> 4, 10));
  q.desc_gpa = kRamBase + in.u16();
  q.avail_gpa = kRamBase + in.u16();
  q.used_gpa = kRamBase + in.u16();
  q.ready = true;
  uint8_t ops[16];
  for (uint8_t& op : ops) op = in.u8();
  const std::string bytes = in.bytes(kMaxRam);
  TestRam ram(kRamBase, bytes.size());
  ram.write(kRamBase, bytes.data(), bytes.size());

  for (uint8_t op : ops) {
    const unsigned arg = op >> 3;
    switch (op & 7) {
      case 0: case 1: case 2: pop_one(ram, q); break;
      case 3: q.needs_interrupt(ram); break;
      case 4: q.enable_notifications(ram); break;
      case 5: q.has_available(ram); break;
      case 6: {
        const uint64_t idx = ram.get(q.avail_gpa + 2, 2);
        if (idx != ~0ull) ram.put(q.avail_gpa + 2, idx + arg, 2);
        break;
      }
      case 7:
        for (unsigned i = 0; i < 2u * q.size && pop_one(ram, q); ++i) {
        }
        break;
    }
  }
  return 0;
}
