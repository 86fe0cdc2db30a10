// test_finisher_test.cpp -- unit tests for rvh::TestFinisher (sifive,test0).
#include "peripherals/test_finisher.h"
#include "tests/unit/periph_test_util.h"

#include <vector>

using namespace sc_core;
using rvh::FinisherEvent;
using rvh::TestFinisher;
using rvh::test::TlmProbe;
using rvh::test::settle;

namespace {

struct Bench {
    TestFinisher fin{"finisher"};
    TestFinisher fin_default{"finisher_default"};  // no callback: prints + sc_stop()
    TlmProbe bus{"bus"}, bus_default{"bus_default"};
    std::vector<FinisherEvent> events;

    Bench() {
        bus.sock.bind(fin.socket);
        bus_default.sock.bind(fin_default.socket);
        fin.set_callback([this](FinisherEvent e) { events.push_back(e); });
    }
};

Bench& bench() {
    static Bench* b = new Bench;
    return *b;
}

}  // namespace

TEST(TestFinisher, PassFailReset) {
    Bench& b = bench();
    settle();
    EXPECT_FALSE(b.fin.has_event());
    EXPECT_EQ(b.bus.write(0, 0x5555, 4), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.bus.last_delay, sc_time(10, SC_NS));
    ASSERT_EQ(b.events.size(), 1u);
    EXPECT_EQ(b.events[0].kind, FinisherEvent::Kind::Pass);
    EXPECT_EQ(b.events[0].code, 0u);

    b.bus.write32(0, (42u << 16) | 0x3333);
    ASSERT_EQ(b.events.size(), 2u);
    EXPECT_EQ(b.events[1].kind, FinisherEvent::Kind::Fail);
    EXPECT_EQ(b.events[1].code, 42u);
    EXPECT_TRUE(b.fin.has_event());
    EXPECT_EQ(b.fin.last_event().code, 42u);

    b.bus.write32(0, (0xffffu << 16) | 0x3333);
    ASSERT_EQ(b.events.size(), 3u);
    EXPECT_EQ(b.events[2].code, 0xffffu);

    b.bus.write32(0, 0x7777);
    ASSERT_EQ(b.events.size(), 4u);
    EXPECT_EQ(b.events[3].kind, FinisherEvent::Kind::Reset);

    // A 16-bit write works too (as on QEMU).
    b.bus.write(0, 0x5555, 2);
    ASSERT_EQ(b.events.size(), 5u);
    EXPECT_EQ(b.events[4].kind, FinisherEvent::Kind::Pass);
}

TEST(TestFinisher, OtherValuesAreIgnoredAndReadsReturnZero) {
    Bench& b = bench();
    const size_t n = b.events.size();
    EXPECT_EQ(b.bus.write(0, 0x1234, 4), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.bus.write(0, 0x5556, 4), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.events.size(), n);
    EXPECT_EQ(b.bus.read32(0), 0u);
    EXPECT_EQ(b.bus.last_status, tlm::TLM_OK_RESPONSE);
}

TEST(TestFinisher, BadAccessesGetErrorResponses) {
    Bench& b = bench();
    const size_t n = b.events.size();
    uint8_t buf[8] = {0x55, 0x55, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(b.bus.access(tlm::TLM_WRITE_COMMAND, 0, buf, 8), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_WRITE_COMMAND, 0, buf, 1), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_WRITE_COMMAND, 4, buf, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.events.size(), n);
}

// Stops the simulation: later cases of the same run only use b_transport.
TEST(TestFinisher, WithoutCallbackItStopsTheSimulation) {
    Bench& b = bench();
    settle();
    EXPECT_EQ(sc_get_status(), SC_PAUSED);
    b.bus_default.write32(0, (7u << 16) | 0x3333);
    EXPECT_TRUE(b.fin_default.has_event());
    EXPECT_EQ(b.fin_default.last_event().kind, FinisherEvent::Kind::Fail);
    EXPECT_EQ(b.fin_default.last_event().code, 7u);
    EXPECT_TRUE(sc_end_of_simulation_invoked() || sc_get_status() == SC_STOPPED);
}
