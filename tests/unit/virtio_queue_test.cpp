// Unit tests for the split virtqueue (hyp/virtio_queue.cpp, virtio spec v1.2
// §2.7): chains as a driver builds them (plain, read+write, indirect, a
// direct chain ending in an indirect table), the used ring, index
// wrap-around past 65535, interrupt suppression (EVENT_IDX used_event and
// VIRTQ_AVAIL_F_NO_INTERRUPT), notification suppression (avail_event), and
// every malformed chain a hostile guest can make, each with its one-line
// report.
#include "tests/unit/gtest_sc_main.h"

#include <string>

#include "hyp/virtio_queue.h"
#include "tests/unit/virtio_test_util.h"

namespace rvh::hyp::virtio {
namespace {

using test::kIndirect;
using test::kNext;
using test::kWrite;

constexpr uint64_t kRam = 0x80000000;
constexpr uint64_t kBuf = kRam + 0x10000;  // data buffers
constexpr uint64_t kTable = kRam + 0x8000;  // an indirect table

class SplitQueueTest : public ::testing::Test {
 protected:
  SplitQueueTest() : ram(kRam, 1 << 20), drv{ram, 8, kRam, kRam + 0x1000, kRam + 0x2000} {
    q.name = "vm0 virtio-blk queue 0";
    drv.configure(q);
  }

  // Pops one chain that must be well formed.
  Chain pop_ok() {
    Chain c;
    std::string error;
    EXPECT_EQ(q.pop(ram, c, error), SplitQueue::Pop::kChain) << error;
    return c;
  }
  // Pops a malformed chain; returns the report.
  std::string pop_malformed() {
    Chain c;
    std::string error;
    EXPECT_EQ(q.pop(ram, c, error), SplitQueue::Pop::kMalformed);
    return error;
  }
  void push(uint16_t head, uint32_t written) {
    std::string error;
    ASSERT_TRUE(q.push_used(ram, head, written, error)) << error;
  }
  // One chain (descriptor 0, 16 readable bytes) through the queue: made
  // available, popped, used.
  void cycle_one() {
    drv.make_available(0);
    const Chain c = pop_ok();
    push(c.head, 0);
  }

  test::TestRam ram;
  test::TestDriver drv;
  SplitQueue q;
};

TEST_F(SplitQueueTest, EmptyUntilTheDriverMakesAChainAvailable) {
  Chain c;
  std::string error;
  EXPECT_FALSE(q.has_available(ram));
  EXPECT_EQ(q.pop(ram, c, error), SplitQueue::Pop::kEmpty);
  drv.set_desc(3, kBuf, 16, 0);
  drv.make_available(3);
  EXPECT_TRUE(q.has_available(ram));
  q.ready = false;
  EXPECT_EQ(q.pop(ram, c, error), SplitQueue::Pop::kEmpty);  // not ready: nothing to do
  EXPECT_FALSE(q.has_available(ram));
}

TEST_F(SplitQueueTest, PlainChain) {
  drv.set_desc(3, kBuf, 16, kNext, 5);
  drv.set_desc(5, kBuf + 0x100, 32, 0);
  drv.make_available(3);
  const Chain c = pop_ok();
  EXPECT_EQ(c.head, 3);
  ASSERT_EQ(c.buffers.size(), 2u);
  EXPECT_EQ(c.buffers[0].gpa, kBuf);
  EXPECT_EQ(c.buffers[0].len, 16u);
  EXPECT_FALSE(c.buffers[0].device_writable);
  EXPECT_EQ(c.buffers[1].gpa, kBuf + 0x100);
  EXPECT_EQ(c.buffers[1].len, 32u);
  EXPECT_EQ(c.readable_bytes, 48u);
  EXPECT_EQ(c.writable_bytes, 0u);
  EXPECT_EQ(q.last_avail(), 1);
  EXPECT_FALSE(q.has_available(ram));

  Chain none;
  std::string error;
  EXPECT_EQ(q.pop(ram, none, error), SplitQueue::Pop::kEmpty);

  push(3, 0);
  EXPECT_EQ(drv.used_idx(), 1);
  EXPECT_EQ(drv.used_id(0), 3u);
  EXPECT_EQ(drv.used_len(0), 0u);
  EXPECT_EQ(q.used_idx(), 1);
}

TEST_F(SplitQueueTest, ReadWriteChain) {
  // A virtio-blk request: header (readable), data and status (writable).
  drv.set_desc(0, kBuf, 16, kNext, 1);
  drv.set_desc(1, kBuf + 0x1000, 512, kNext | kWrite, 2);
  drv.set_desc(2, kBuf + 0x2000, 1, kWrite);
  drv.make_available(0);
  const Chain c = pop_ok();
  ASSERT_EQ(c.buffers.size(), 3u);
  EXPECT_FALSE(c.buffers[0].device_writable);
  EXPECT_TRUE(c.buffers[1].device_writable);
  EXPECT_TRUE(c.buffers[2].device_writable);
  EXPECT_EQ(c.readable_bytes, 16u);
  EXPECT_EQ(c.writable_bytes, 513u);
  push(c.head, 513);
  EXPECT_EQ(drv.used_len(0), 513u);
}

TEST_F(SplitQueueTest, ChainsComeInRingOrder) {
  for (uint16_t i = 0; i < 8; ++i) drv.set_desc(i, kBuf + 16 * i, 16, 0);
  for (uint16_t head : {6, 2, 7}) drv.make_available(head);
  EXPECT_EQ(pop_ok().head, 6);
  EXPECT_EQ(pop_ok().head, 2);
  EXPECT_EQ(pop_ok().head, 7);
  // The device may return them out of order.
  push(2, 1);
  push(7, 2);
  push(6, 3);
  EXPECT_EQ(drv.used_idx(), 3);
  EXPECT_EQ(drv.used_id(0), 2u);
  EXPECT_EQ(drv.used_id(1), 7u);
  EXPECT_EQ(drv.used_id(2), 6u);
  EXPECT_EQ(drv.used_len(2), 3u);
}

TEST_F(SplitQueueTest, IndirectTable) {
  q.indirect = true;
  // WRITE on the descriptor that refers to the table is ignored (§2.7.5.3.2).
  drv.set_desc(4, kTable, 3 * 16, kIndirect | kWrite);
  drv.set_desc(kTable, 0, kBuf, 16, kNext, 2);
  drv.set_desc(kTable, 2, kBuf + 0x1000, 4096, kNext | kWrite, 1);
  drv.set_desc(kTable, 1, kBuf + 0x3000, 1, kWrite);
  drv.make_available(4);
  const Chain c = pop_ok();
  EXPECT_EQ(c.head, 4);
  ASSERT_EQ(c.buffers.size(), 3u);
  EXPECT_EQ(c.buffers[0].gpa, kBuf);
  EXPECT_FALSE(c.buffers[0].device_writable);
  EXPECT_EQ(c.buffers[1].gpa, kBuf + 0x1000);
  EXPECT_EQ(c.buffers[2].gpa, kBuf + 0x3000);
  EXPECT_EQ(c.readable_bytes, 16u);
  EXPECT_EQ(c.writable_bytes, 4097u);
}

TEST_F(SplitQueueTest, DirectDescriptorsFollowedByAnIndirectTable) {
  // §2.7.5.3.2: zero or more chained descriptors, then one indirect one.
  q.indirect = true;
  drv.set_desc(0, kBuf, 16, kNext, 1);
  drv.set_desc(1, kTable, 2 * 16, kIndirect);
  drv.set_desc(kTable, 0, kBuf + 0x100, 8, kNext, 1);
  drv.set_desc(kTable, 1, kBuf + 0x200, 64, kWrite);
  drv.make_available(0);
  const Chain c = pop_ok();
  ASSERT_EQ(c.buffers.size(), 3u);
  EXPECT_EQ(c.readable_bytes, 24u);
  EXPECT_EQ(c.writable_bytes, 64u);
}

TEST_F(SplitQueueTest, AnIndirectTableMayHoldMoreDescriptorsThanTheQueue) {
  q.indirect = true;
  drv.set_desc(0, kTable, 32 * 16, kIndirect);
  for (uint16_t i = 0; i < 32; ++i)
    drv.set_desc(kTable, i, kBuf + 0x100 * i, 0x100, i < 31 ? kNext : 0, i + 1);
  drv.make_available(0);
  const Chain c = pop_ok();
  EXPECT_EQ(c.buffers.size(), 32u);
  EXPECT_EQ(c.readable_bytes, 32u * 0x100);
}

TEST_F(SplitQueueTest, ZeroLengthBufferIsAccepted) {
  drv.set_desc(0, kBuf, 0, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_ok().buffers.size(), 1u);
}

TEST_F(SplitQueueTest, IndicesWrapAround65535) {
  drv.set_desc(0, kBuf, 16, 0);
  for (unsigned i = 0; i < 65534; ++i) cycle_one();
  EXPECT_EQ(q.last_avail(), 65534);
  EXPECT_EQ(drv.used_idx(), 65534);
  // Four chains at once across the wrap: avail.idx goes 65534 -> 2.
  for (uint16_t head : {1, 2, 3, 4}) {
    drv.set_desc(head, kBuf + 16 * head, 16, 0);
    drv.make_available(head);
  }
  EXPECT_EQ(drv.avail_idx, 2);
  for (uint16_t head : {1, 2, 3, 4}) {
    const Chain c = pop_ok();
    EXPECT_EQ(c.head, head);
    push(c.head, head);
  }
  EXPECT_EQ(q.last_avail(), 2);
  EXPECT_EQ(q.used_idx(), 2);
  EXPECT_EQ(drv.used_idx(), 2);
  // Slots are index % 8: 65534 -> 6, 65535 -> 7, 0 -> 0, 1 -> 1.
  EXPECT_EQ(drv.used_id(65534), 1u);
  EXPECT_EQ(drv.used_id(65535), 2u);
  EXPECT_EQ(drv.used_id(0), 3u);
  EXPECT_EQ(drv.used_id(1), 4u);
  EXPECT_FALSE(q.has_available(ram));
}

TEST_F(SplitQueueTest, EventIdxInterruptsWhenUsedEventIsCrossed) {
  q.event_idx = true;
  drv.set_desc(0, kBuf, 16, 0);
  drv.set_avail_flags(1);  // ignored with EVENT_IDX (§2.7.7.2)
  drv.set_used_event(2);   // "interrupt me when used.idx passes 2"
  cycle_one();             // used.idx 1
  EXPECT_FALSE(q.needs_interrupt(ram));
  cycle_one();             // 2
  EXPECT_FALSE(q.needs_interrupt(ram));
  cycle_one();             // 3: entry 2 was written
  EXPECT_TRUE(q.needs_interrupt(ram));
  EXPECT_FALSE(q.needs_interrupt(ram));  // nothing new since
  // A batch that jumps over used_event still interrupts once.
  drv.set_used_event(4);
  cycle_one();
  cycle_one();
  cycle_one();  // 6
  EXPECT_TRUE(q.needs_interrupt(ram));
  // used_event behind: no interrupt (the driver is not waiting).
  cycle_one();  // 7
  EXPECT_FALSE(q.needs_interrupt(ram));
}

TEST_F(SplitQueueTest, EventIdxAcrossTheWrap) {
  q.event_idx = true;
  drv.set_desc(0, kBuf, 16, 0);
  for (unsigned i = 0; i < 65535; ++i) cycle_one();
  drv.set_used_event(0);
  q.needs_interrupt(ram);  // signalled up to 65535
  cycle_one();             // used.idx 65535 -> 0: entry 65535 written
  EXPECT_FALSE(q.needs_interrupt(ram));
  cycle_one();             // 0 -> 1: entry 0 written
  EXPECT_TRUE(q.needs_interrupt(ram));
}

TEST_F(SplitQueueTest, NoInterruptFlagWithoutEventIdx) {
  drv.set_desc(0, kBuf, 16, 0);
  drv.set_used_event(100);  // ignored without EVENT_IDX
  cycle_one();
  EXPECT_TRUE(q.needs_interrupt(ram));
  EXPECT_FALSE(q.needs_interrupt(ram));  // nothing pushed since
  drv.set_avail_flags(1);  // VIRTQ_AVAIL_F_NO_INTERRUPT
  cycle_one();
  EXPECT_FALSE(q.needs_interrupt(ram));
  drv.set_avail_flags(0);
  cycle_one();
  EXPECT_TRUE(q.needs_interrupt(ram));
}

TEST_F(SplitQueueTest, EnableNotificationsWritesAvailEventWithEventIdx) {
  drv.set_desc(0, kBuf, 16, 0);
  ram.put(drv.used + 4 + 8 * 8, 0xbeef, 2);
  EXPECT_TRUE(q.enable_notifications(ram));
  EXPECT_EQ(drv.avail_event(), 0xbeef);  // without EVENT_IDX: untouched

  q.event_idx = true;
  drv.make_available(0);
  drv.make_available(0);
  EXPECT_TRUE(q.enable_notifications(ram));
  EXPECT_EQ(drv.avail_event(), 2);  // notify when entry 2 is made available

  q.used_gpa = 0x1000;  // not RAM
  EXPECT_FALSE(q.enable_notifications(ram));
}

TEST_F(SplitQueueTest, ResetForgetsEverything) {
  drv.set_desc(0, kBuf, 16, 0);
  cycle_one();
  q.event_idx = q.indirect = true;
  q.reset();
  EXPECT_FALSE(q.ready);
  EXPECT_FALSE(q.event_idx);
  EXPECT_FALSE(q.indirect);
  EXPECT_EQ(q.size, 0);
  EXPECT_EQ(q.desc_gpa, 0u);
  EXPECT_EQ(q.last_avail(), 0);
  EXPECT_EQ(q.used_idx(), 0);
  EXPECT_EQ(q.name, "vm0 virtio-blk queue 0");
}

// ---- malformed chains: kMalformed with a one-line report ----

TEST_F(SplitQueueTest, BufferOutsideGuestRam) {
  drv.set_desc(0, kBuf, 16, kNext, 5);
  drv.set_desc(5, 0x90000000, 4096, kWrite);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 5: buffer 0x90000000+4096 is outside guest RAM");
}

TEST_F(SplitQueueTest, BufferRunningPastTheEndOfGuestRam) {
  const uint64_t end = kRam + ram.size();
  drv.set_desc(0, end - 100, 101, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: descriptor 0: buffer 0x800fff9c+101 is "
                             "outside guest RAM");
}

TEST_F(SplitQueueTest, BufferBelowGuestRam) {
  drv.set_desc(0, kRam - 1, 2, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 0: buffer 0x7fffffff+2 is outside guest RAM");
}

TEST_F(SplitQueueTest, BufferWrappingTheAddressSpace) {
  drv.set_desc(0, 0xfffffffffffff000ull, 0x2000, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: descriptor 0: buffer 0xfffffffffffff000+8192 "
                             "wraps around the address space");
}

TEST_F(SplitQueueTest, DescriptorLoop) {
  drv.set_desc(0, kBuf, 16, kNext, 1);
  drv.set_desc(1, kBuf, 16, kNext, 2);
  drv.set_desc(2, kBuf, 16, kNext, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 2: the chain has more than 8 descriptors (a loop)");
}

TEST_F(SplitQueueTest, DescriptorPointingAtItself) {
  drv.set_desc(3, kBuf, 16, kNext, 3);
  drv.make_available(3);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 3: the chain has more than 8 descriptors (a loop)");
}

TEST_F(SplitQueueTest, NextIndexBeyondTheQueue) {
  drv.set_desc(0, kBuf, 16, kNext, 8);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 0: next index 8 is not below the queue size 8");
}

TEST_F(SplitQueueTest, HeadIndexBeyondTheQueue) {
  drv.make_available(0xffff);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: available ring entry 0: head descriptor "
                             "65535 is not below the queue size 8");
}

TEST_F(SplitQueueTest, NestedIndirectTable) {
  q.indirect = true;
  drv.set_desc(0, kTable, 2 * 16, kIndirect);
  drv.set_desc(kTable, 0, kBuf, 16, kNext, 1);
  drv.set_desc(kTable, 1, kTable + 0x100, 16, kIndirect);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 0, indirect entry 1: nested indirect table");
}

TEST_F(SplitQueueTest, IndirectWithoutTheFeature) {
  drv.set_desc(2, kTable, 16, kIndirect);
  drv.set_desc(kTable, 0, kBuf, 16, 0);
  drv.make_available(2);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: descriptor 2: indirect table but "
                             "VIRTIO_F_INDIRECT_DESC was not negotiated");
}

TEST_F(SplitQueueTest, IndirectWithNext) {
  q.indirect = true;
  drv.set_desc(0, kTable, 16, kIndirect | kNext, 1);
  drv.set_desc(1, kBuf, 16, 0);
  drv.set_desc(kTable, 0, kBuf, 16, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 0: indirect table with the NEXT flag");
}

TEST_F(SplitQueueTest, BadIndirectTableLengths) {
  q.indirect = true;
  for (uint32_t len : {0u, 8u, 24u, 16u * 1025}) {
    SCOPED_TRACE(len);
    drv.set_desc(0, kTable, len, kIndirect);
    drv.set_desc(kTable, 0, kBuf, 16, 0);
    drv.make_available(0);
    EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: descriptor 0: indirect table length " +
                                   std::to_string(len) +
                                   " is not a non-zero multiple of 16 up to 16384");
    drv.set_avail_idx(q.last_avail());  // take it back for the next one
  }
}

TEST_F(SplitQueueTest, IndirectTableOutsideGuestRam) {
  q.indirect = true;
  drv.set_desc(0, 0x1000, 64, kIndirect);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 0: indirect table 0x1000+64 is outside guest RAM");
}

TEST_F(SplitQueueTest, LoopInsideAnIndirectTable) {
  q.indirect = true;
  drv.set_desc(0, kTable, 2 * 16, kIndirect);
  drv.set_desc(kTable, 0, kBuf, 16, kNext, 1);
  drv.set_desc(kTable, 1, kBuf, 16, kNext, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: descriptor 0, indirect entry 0: the chain "
                             "has more than 2 descriptors (a loop)");
}

TEST_F(SplitQueueTest, NextBeyondAnIndirectTable) {
  q.indirect = true;
  drv.set_desc(0, kTable, 2 * 16, kIndirect);
  drv.set_desc(kTable, 0, kBuf, 16, kNext, 2);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: descriptor 0, indirect entry 0: next index 2 "
                             "is not below the indirect table's 2 entries");
}

TEST_F(SplitQueueTest, ChainHoldingTooManyBytes) {
  // 5 buffers of 16 MiB (the same RAM each time) are 80 MiB > 64 MiB.
  test::TestRam big(kRam, 17 << 20);
  test::TestDriver d{big, 8, kRam, kRam + 0x1000, kRam + 0x2000};
  d.configure(q);
  for (uint16_t i = 0; i < 5; ++i) d.set_desc(i, kRam + (1 << 20), 16 << 20, i < 4 ? kNext : 0, i + 1);
  d.make_available(0);
  Chain c;
  std::string error;
  EXPECT_EQ(q.pop(big, c, error), SplitQueue::Pop::kMalformed);
  EXPECT_EQ(error, "vm0 virtio-blk queue 0: descriptor 4: the chain holds more than 67108864 bytes");
}

TEST_F(SplitQueueTest, ReadableAfterWritable) {
  drv.set_desc(0, kBuf, 16, kNext | kWrite, 1);
  drv.set_desc(1, kBuf + 16, 16, 0);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: descriptor 1: device-readable buffer after a device-writable one");
}

TEST_F(SplitQueueTest, AvailableIndexMoreThanSizeAhead) {
  drv.set_desc(0, kBuf, 16, 0);
  drv.set_avail_idx(9);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: available index 9 is 9 entries ahead of the "
                             "device's 0 (queue size 8)");
}

TEST_F(SplitQueueTest, AvailableIndexGoingBackwards) {
  drv.set_desc(0, kBuf, 16, 0);
  cycle_one();
  drv.set_avail_idx(0);  // 65535 entries "ahead"
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: available index 0 is 65535 entries ahead of "
                             "the device's 1 (queue size 8)");
}

TEST_F(SplitQueueTest, FullRingIsNotMalformed) {
  for (uint16_t i = 0; i < 8; ++i) {
    drv.set_desc(i, kBuf, 16, 0);
    drv.make_available(i);
  }
  for (int i = 0; i < 8; ++i) pop_ok();
}

TEST_F(SplitQueueTest, RingsOutsideGuestRam) {
  q.avail_gpa = 0x2000;
  EXPECT_EQ(pop_malformed(),
            "vm0 virtio-blk queue 0: available ring at 0x2000 is outside guest RAM");
  EXPECT_TRUE(q.has_available(ram));  // so that the device pops and reports it

  drv.configure(q);
  q.desc_gpa = kRam + ram.size() - 16 * 4;  // entries 4.. are outside
  drv.set_desc(q.desc_gpa, 0, kBuf, 16, kNext, 4);
  drv.make_available(0);
  EXPECT_EQ(pop_malformed(), "vm0 virtio-blk queue 0: descriptor 4: descriptor table at "
                             "0x800fffc0 is outside guest RAM");

  q.used_gpa = 0x3000;
  std::string error;
  EXPECT_FALSE(q.push_used(ram, 0, 0, error));
  EXPECT_EQ(error, "vm0 virtio-blk queue 0: used ring at 0x3000 is outside guest RAM");
}

}  // namespace
}  // namespace rvh::hyp::virtio
