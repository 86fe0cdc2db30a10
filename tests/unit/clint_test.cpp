// clint_test.cpp -- unit tests for rvh::Clint (ACLINT MSWI + MTIMER).
#include "peripherals/clint.h"
#include "tests/unit/periph_test_util.h"

#include <cstdint>
#include <limits>
#include <memory>

using namespace sc_core;
using rvh::Clint;
using rvh::test::EdgeRecorder;
using rvh::test::TlmProbe;
using rvh::test::settle;

namespace {

constexpr uint64_t kMsip0 = 0x0000, kMsip1 = 0x0004;
constexpr uint64_t kCmp0 = 0x4000, kCmp1 = 0x4008;
constexpr uint64_t kMtime = 0xBFF8;

struct Bench {
    // 2 harts at 10 MHz (100 ns per tick).
    Clint clint{"clint", 2, 10000000};
    // 1 hart at 3 MHz: the SystemC resolution (1 ps) is not a multiple of the tick.
    Clint clint3{"clint3", 1, 3000000};
    TlmProbe bus{"bus"}, bus3{"bus3"};
    sc_signal<bool> msip[2], mtip[2], msip3, mtip3;
    EdgeRecorder mtip0_rec{"mtip0_rec"}, mtip1_rec{"mtip1_rec"}, mtip3_rec{"mtip3_rec"};

    Bench() {
        bus.sock.bind(clint.socket);
        bus3.sock.bind(clint3.socket);
        for (int h = 0; h < 2; ++h) {
            clint.msip_irq[h].bind(msip[h]);
            clint.mtip_irq[h].bind(mtip[h]);
        }
        clint3.msip_irq[0].bind(msip3);
        clint3.mtip_irq[0].bind(mtip3);
        mtip0_rec.in.bind(mtip[0]);
        mtip1_rec.in.bind(mtip[1]);
        mtip3_rec.in.bind(mtip3);
    }
};

// `fresh` tells whether this is the first test case of the process (reset
// values can only be checked then).
Bench& bench(bool* fresh = nullptr) {
    static int uses = 0;
    if (fresh) *fresh = (uses == 0);
    ++uses;
    static Bench* b = new Bench;  // never destroyed: SystemC owns the hierarchy
    return *b;
}

}  // namespace

TEST(Clint, ResetState) {
    bool fresh = false;
    Bench& b = bench(&fresh);
    if (!fresh) GTEST_SKIP() << "reset values are only visible in the first case of a run";
    settle();
    EXPECT_EQ(sc_time_stamp(), SC_ZERO_TIME);
    EXPECT_EQ(b.bus.read64(kMtime), 0u);
    EXPECT_EQ(b.bus.read64(kCmp0), std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(b.bus.read64(kCmp1), std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(b.bus.read32(kMsip0), 0u);
    EXPECT_FALSE(b.mtip[0].read());
    EXPECT_FALSE(b.mtip[1].read());
    EXPECT_FALSE(b.msip[0].read());
    // Latency is annotated.
    EXPECT_EQ(b.bus.last_delay, sc_time(10, SC_NS));
    EXPECT_EQ(b.bus.last_status, tlm::TLM_OK_RESPONSE);
}

TEST(Clint, MtimeFollowsSystemCTimeAndAnnotatedDelay) {
    Bench& b = bench();
    settle();
    const sc_time t0 = sc_time_stamp();
    b.bus.write64(kMtime, 0);     // mtime = floor((t - t0) * 10 MHz) from here on
    sc_start(sc_time(1, SC_US));  // now = t0 + 1 us
    EXPECT_EQ(b.bus.read64(kMtime), 10u);
    // A decoupled initiator 250 ns ahead sees 1.25 us -> floor(12.5) = 12.
    EXPECT_EQ(b.bus.read(kMtime, 8, sc_time(250, SC_NS)), 12u);
    EXPECT_EQ(b.bus.read(kMtime, 4, sc_time(250, SC_NS)), 12u);  // low half
    EXPECT_EQ(b.bus.read(kMtime + 4, 4), 0u);                    // high half
    EXPECT_EQ(b.clint.mtime_at(t0 + sc_time(1.25, SC_US)), 12u);
    EXPECT_EQ(b.clint.mtime_at(t0 + sc_time(1299, SC_NS)), 12u);
    EXPECT_EQ(b.clint.mtime_at(t0 + sc_time(1300, SC_NS)), 13u);
}

TEST(Clint, MtipRisesExactlyWhenMtimeReachesMtimecmp) {
    Bench& b = bench();
    settle();
    b.mtip0_rec.edges.clear();
    b.mtip1_rec.edges.clear();
    const sc_time t0 = sc_time_stamp();
    b.bus.write64(kMtime, 0);    // mtime = 0 at t0
    b.bus.write64(kCmp0, 1000);  // 1000 ticks at 10 MHz = 100 us
    EXPECT_EQ(b.bus.last_status, tlm::TLM_OK_RESPONSE);
    settle();
    EXPECT_FALSE(b.mtip[0].read());
    EXPECT_EQ(b.clint.mtimecmp(0), 1000u);
    sc_start(sc_time(99, SC_US));
    EXPECT_FALSE(b.mtip[0].read());
    sc_start(sc_time(50, SC_US));  // now t0 + 149 us
    ASSERT_EQ(b.mtip0_rec.edges.size(), 1u);
    EXPECT_EQ(b.mtip0_rec.edges[0].first, t0 + sc_time(100, SC_US));
    EXPECT_TRUE(b.mtip0_rec.edges[0].second);
    EXPECT_TRUE(b.mtip[0].read());
    EXPECT_FALSE(b.mtip[1].read());  // other hart unaffected
    EXPECT_TRUE(b.mtip1_rec.edges.empty());

    // Writing a later compare value drops MTIP (one delta after the access).
    b.bus.write64(kCmp0, 2000);  // t0 + 200 us
    settle();
    EXPECT_FALSE(b.mtip[0].read());
    sc_start(sc_time(101, SC_US));  // now t0 + 250 us
    ASSERT_EQ(b.mtip0_rec.edges.size(), 3u);
    EXPECT_EQ(b.mtip0_rec.edges[1].first, t0 + sc_time(149, SC_US));
    EXPECT_FALSE(b.mtip0_rec.edges[1].second);
    EXPECT_EQ(b.mtip0_rec.edges[2].first, t0 + sc_time(200, SC_US));
    EXPECT_TRUE(b.mtip0_rec.edges[2].second);

    // A compare value in the past raises MTIP at once; reset value clears it.
    b.bus.write64(kCmp0, std::numeric_limits<uint64_t>::max());
    settle();
    EXPECT_FALSE(b.mtip[0].read());
    b.bus.write64(kCmp1, 5);
    settle();
    EXPECT_TRUE(b.mtip[1].read());
    b.bus.write64(kCmp1, std::numeric_limits<uint64_t>::max());
    settle();
    EXPECT_FALSE(b.mtip[1].read());
}

TEST(Clint, RescheduleToEarlierAndLaterCompare) {
    Bench& b = bench();
    settle();
    const sc_time t0 = sc_time_stamp();
    b.bus.write64(kMtime, 2500);
    b.mtip1_rec.edges.clear();
    b.bus.write64(kCmp1, 2500 + 100);  // +10 us
    b.bus.write64(kCmp1, 2500 + 50);   // earlier: +5 us
    settle();
    b.bus.write64(kCmp1, 2500 + 70);  // later again: +7 us
    sc_start(sc_time(20, SC_US));
    ASSERT_EQ(b.mtip1_rec.edges.size(), 1u);
    EXPECT_EQ(b.mtip1_rec.edges[0].first, t0 + sc_time(7, SC_US));
    b.bus.write64(kCmp1, std::numeric_limits<uint64_t>::max());
    settle();
    EXPECT_FALSE(b.mtip[1].read());
}

TEST(Clint, MtimecmpHalvesAreAccessible) {
    Bench& b = bench();
    settle();
    b.bus.write32(kCmp1, 0x89abcdef);
    b.bus.write32(kCmp1 + 4, 0x01234567);
    EXPECT_EQ(b.bus.read64(kCmp1), 0x0123456789abcdefull);
    EXPECT_EQ(b.bus.read32(kCmp1), 0x89abcdefu);
    EXPECT_EQ(b.bus.read32(kCmp1 + 4), 0x01234567u);
    b.bus.write32(kCmp1 + 4, 0xffffffff);
    EXPECT_EQ(b.bus.read64(kCmp1), 0xffffffff89abcdefull);
    b.bus.write64(kCmp1, std::numeric_limits<uint64_t>::max());
    settle();
    EXPECT_FALSE(b.mtip[1].read());
}

TEST(Clint, MtimeWritesAdjustTheCounter) {
    Bench& b = bench();
    settle();
    const sc_time t0 = sc_time_stamp();
    b.bus.write64(kMtime, 5000);
    EXPECT_EQ(b.bus.read64(kMtime), 5000u);
    EXPECT_EQ(b.clint.mtime_at(t0 + sc_time(1, SC_US)), 5010u);
    b.mtip0_rec.edges.clear();
    b.bus.write64(kCmp0, 5100);  // 10 us from now
    sc_start(sc_time(30, SC_US));
    ASSERT_EQ(b.mtip0_rec.edges.size(), 1u);
    EXPECT_EQ(b.mtip0_rec.edges[0].first, t0 + sc_time(10, SC_US));
    EXPECT_EQ(b.bus.read64(kMtime), 5300u);

    // Writing mtime backwards drops MTIP and reschedules it.
    b.bus.write64(kMtime, 5000);  // cmp 5100 is 10 us away again
    const sc_time t1 = sc_time_stamp();
    settle();
    EXPECT_FALSE(b.mtip[0].read());
    sc_start(sc_time(20, SC_US));
    ASSERT_EQ(b.mtip0_rec.edges.size(), 3u);
    EXPECT_EQ(b.mtip0_rec.edges[2].first, t1 + sc_time(10, SC_US));
    EXPECT_TRUE(b.mtip[0].read());

    // 32-bit half writes to mtime.
    b.bus.write32(kMtime + 4, 0x2);
    b.bus.write32(kMtime, 0x10);
    EXPECT_EQ(b.bus.read64(kMtime), 0x200000010ull);
    // Write at an annotated local time: the value holds at that time.
    b.bus.write(kMtime, 100, 8, sc_time(1, SC_US));
    EXPECT_EQ(b.clint.mtime_at(sc_time_stamp() + sc_time(1, SC_US)), 100u);
    EXPECT_EQ(b.clint.mtime_at(sc_time_stamp() + sc_time(2, SC_US)), 110u);
    b.bus.write64(kCmp0, std::numeric_limits<uint64_t>::max());
    settle();
    EXPECT_FALSE(b.mtip[0].read());
}

TEST(Clint, MsipBitZeroOnly) {
    Bench& b = bench();
    settle();
    b.bus.write32(kMsip0, 1);
    settle();
    EXPECT_TRUE(b.msip[0].read());
    EXPECT_FALSE(b.msip[1].read());
    EXPECT_TRUE(b.clint.msip(0));
    EXPECT_EQ(b.bus.read32(kMsip0), 1u);
    b.bus.write32(kMsip1, 0xffffffff);
    settle();
    EXPECT_TRUE(b.msip[1].read());
    EXPECT_EQ(b.bus.read32(kMsip1), 1u);
    b.bus.write32(kMsip0, 0xfffffffe);
    settle();
    EXPECT_FALSE(b.msip[0].read());
    EXPECT_EQ(b.bus.read32(kMsip0), 0u);
    b.bus.write32(kMsip1, 0);
    settle();
    EXPECT_FALSE(b.msip[1].read());
}

TEST(Clint, NonDivisibleTimebaseIsExact) {
    Bench& b = bench();
    settle();
    const sc_time t0 = sc_time_stamp();
    // Make mtime exactly 0 at t0 + (annotated 0): write mtime = 0.
    b.bus3.write64(kMtime, 0);
    const uint64_t raw0 = b.clint3.mtime_at(t0);
    EXPECT_EQ(raw0, 0u);
    b.bus3.write64(kCmp0, 7);
    sc_start(sc_time(10, SC_US));
    ASSERT_EQ(b.mtip3_rec.edges.size(), 1u);
    const sc_time edge = b.mtip3_rec.edges[0].first;
    // mtime reaches 7 exactly at this edge and not 1 ps earlier.
    EXPECT_GE(b.clint3.mtime_at(edge), 7u);
    EXPECT_LT(b.clint3.mtime_at(edge - sc_time(1, SC_PS)), 7u);
    EXPECT_GT(edge, t0 + sc_time(2, SC_US));  // 7 / 3 MHz = 2.33 us
    EXPECT_LT(edge, t0 + sc_time(2.34, SC_US));
}

TEST(Clint, BadAccessesGetErrorResponses) {
    Bench& b = bench();
    uint8_t buf[8] = {};
    // msip is 32-bit only.
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, kMsip0, buf, 8), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_WRITE_COMMAND, kMsip0, buf, 1), tlm::TLM_BURST_ERROR_RESPONSE);
    // mtime takes 4 or 8 bytes, aligned.
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, kMtime, buf, 2), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, kCmp0 + 2, buf, 4),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Hart 2 does not exist; gaps are unmapped.
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, 0x0008, buf, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, kCmp1 + 8, buf, 8),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, 0xFFF8, buf, 8), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Odd lengths and byte enables.
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, kMtime, buf, 3), tlm::TLM_BURST_ERROR_RESPONSE);
    tlm::tlm_generic_payload gp;
    uint8_t be[4] = {0xff, 0xff, 0xff, 0xff};
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(kMsip0);
    gp.set_data_ptr(buf);
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    gp.set_byte_enable_ptr(be);
    gp.set_byte_enable_length(4);
    sc_time d = SC_ZERO_TIME;
    b.bus.sock->b_transport(gp, d);
    EXPECT_EQ(gp.get_response_status(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    // Still a good device afterwards.
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, kMsip0, buf, 4), tlm::TLM_OK_RESPONSE);
    EXPECT_GT(b.clint.registers().error_count(), 0u);
}
