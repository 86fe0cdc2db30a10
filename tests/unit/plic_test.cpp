// plic_test.cpp -- unit tests for rvh::Plic.
#include "peripherals/plic.h"
#include "tests/unit/periph_test_util.h"

#include <cstdint>
#include <memory>

using namespace sc_core;
using rvh::Plic;
using rvh::test::TlmProbe;
using rvh::test::settle;

namespace {

constexpr unsigned kHarts = 2, kSources = 95;
constexpr uint64_t prio(unsigned s) { return 4ull * s; }
constexpr uint64_t pending_word(unsigned w) { return 0x1000 + 4ull * w; }
constexpr uint64_t enable(unsigned ctx, unsigned w) { return 0x2000 + 0x80ull * ctx + 4ull * w; }
constexpr uint64_t threshold(unsigned ctx) { return 0x200000 + 0x1000ull * ctx; }
constexpr uint64_t claim(unsigned ctx) { return 0x200004 + 0x1000ull * ctx; }

struct Bench {
    Plic plic{"plic", kHarts, kSources, 3};
    TlmProbe bus{"bus"};
    sc_signal<bool> line[kSources + 1];
    sc_signal<bool> ctx[2 * kHarts];

    Bench() {
        bus.sock.bind(plic.socket);
        for (unsigned s = 0; s <= kSources; ++s) plic.irq_in[s].bind(line[s]);
        for (unsigned c = 0; c < 2 * kHarts; ++c) plic.ctx_irq[c].bind(ctx[c]);
    }
    void set_line(unsigned s, bool v) {
        line[s].write(v);
        settle();
    }
    void enable_source(unsigned c, unsigned s, bool on = true) {
        uint32_t w = bus.read32(enable(c, s / 32));
        if (on)
            w |= 1u << (s % 32);
        else
            w &= ~(1u << (s % 32));
        bus.write32(enable(c, s / 32), w);
    }
    void reset_all() {
        for (unsigned s = 1; s <= kSources; ++s) {
            line[s].write(false);
            bus.write32(prio(s), 0);
        }
        settle();
        for (unsigned c = 0; c < 2 * kHarts; ++c) {
            for (unsigned w = 0; w < 3; ++w) bus.write32(enable(c, w), 0xffffffff);
            // Drain anything pending and complete everything (frees gateways).
            for (unsigned s = 1; s <= kSources; ++s) bus.write32(prio(s), 1);
            bus.write32(threshold(c), 0);
            while (bus.read32(claim(c)) != 0) {
            }
            for (unsigned s = 1; s <= kSources; ++s) bus.write32(claim(c), s);
            for (unsigned s = 1; s <= kSources; ++s) bus.write32(prio(s), 0);
            for (unsigned w = 0; w < 3; ++w) bus.write32(enable(c, w), 0);
        }
        settle();
    }
};

// `fresh` tells whether this is the first test case of the process (reset
// values can only be checked then).
Bench& bench(bool* fresh = nullptr) {
    static int uses = 0;
    if (fresh) *fresh = (uses == 0);
    ++uses;
    static Bench* b = new Bench;
    return *b;
}

}  // namespace

TEST(Plic, ResetState) {
    bool fresh = false;
    Bench& b = bench(&fresh);
    if (!fresh) GTEST_SKIP() << "reset values are only visible in the first case of a run";
    settle();
    for (unsigned c = 0; c < 2 * kHarts; ++c) {
        EXPECT_FALSE(b.ctx[c].read());
        EXPECT_EQ(b.bus.read32(threshold(c)), 0u);
        EXPECT_EQ(b.bus.read32(claim(c)), 0u);
        EXPECT_EQ(b.bus.read32(enable(c, 0)), 0u);
    }
    EXPECT_EQ(b.bus.read32(prio(1)), 0u);
    EXPECT_EQ(b.bus.read32(pending_word(0)), 0u);
    EXPECT_EQ(b.bus.last_delay, sc_time(10, SC_NS));
}

TEST(Plic, PriorityAndThresholdAreWarl) {
    Bench& b = bench();
    b.bus.write32(prio(1), 0xffffffff);
    EXPECT_EQ(b.bus.read32(prio(1)), 7u);
    b.bus.write32(prio(1), 0x0d);
    EXPECT_EQ(b.bus.read32(prio(1)), 5u);
    b.bus.write32(prio(0), 7);  // source 0 does not exist
    EXPECT_EQ(b.bus.read32(prio(0)), 0u);
    b.bus.write32(threshold(1), 0xff);
    EXPECT_EQ(b.bus.read32(threshold(1)), 7u);
    // Source 0's enable bit is hardwired to 0.
    b.bus.write32(enable(0, 0), 0xffffffff);
    EXPECT_EQ(b.bus.read32(enable(0, 0)), 0xfffffffeu);
    b.bus.write32(enable(0, 2), 0xffffffff);  // sources 64..95 all exist
    EXPECT_EQ(b.bus.read32(enable(0, 2)), 0xffffffffu);
    b.reset_all();
}

TEST(Plic, ClaimOrderByPriorityThenLowestId) {
    Bench& b = bench();
    b.reset_all();
    const unsigned srcs[] = {3, 5, 7, 9, 40};
    const uint32_t prios[] = {2, 5, 5, 1, 6};
    for (int i = 0; i < 5; ++i) {
        b.bus.write32(prio(srcs[i]), prios[i]);
        b.enable_source(0, srcs[i]);  // hart 0, M-mode
    }
    settle();
    EXPECT_FALSE(b.ctx[0].read());
    for (unsigned s : srcs) b.line[s].write(true);
    settle();
    EXPECT_EQ(b.bus.read32(pending_word(0)), (1u << 3) | (1u << 5) | (1u << 7) | (1u << 9));
    EXPECT_EQ(b.bus.read32(pending_word(1)), 1u << 8);  // source 40
    EXPECT_TRUE(b.ctx[0].read());
    EXPECT_TRUE(b.plic.context_irq(0));
    EXPECT_FALSE(b.ctx[1].read());  // S-mode context of hart 0: nothing enabled
    EXPECT_FALSE(b.ctx[2].read());
    EXPECT_FALSE(b.ctx[3].read());

    EXPECT_EQ(b.bus.read32(claim(0)), 40u);
    EXPECT_EQ(b.bus.read32(claim(0)), 5u);
    EXPECT_EQ(b.bus.read32(claim(0)), 7u);
    EXPECT_EQ(b.bus.read32(claim(0)), 3u);
    EXPECT_EQ(b.bus.read32(pending_word(0)), 1u << 9);
    EXPECT_TRUE(b.plic.context_irq(0));
    EXPECT_EQ(b.bus.read32(claim(0)), 9u);
    EXPECT_EQ(b.bus.read32(claim(0)), 0u);
    EXPECT_EQ(b.bus.read32(pending_word(0)), 0u);
    settle();
    EXPECT_FALSE(b.ctx[0].read());
    // Lines are still high, but the gateways wait for completion.
    EXPECT_TRUE(b.plic.in_service(5));
    EXPECT_FALSE(b.plic.pending(5));
}

TEST(Plic, CompleteRearmsAStillHighLine) {
    Bench& b = bench();
    b.reset_all();
    for (unsigned s : {5u, 7u}) {
        b.bus.write32(prio(s), 1);
        b.enable_source(0, s);
        b.line[s].write(true);
    }
    settle();
    EXPECT_EQ(b.bus.read32(claim(0)), 5u);
    EXPECT_EQ(b.bus.read32(claim(0)), 7u);
    settle();
    EXPECT_FALSE(b.ctx[0].read());
    // Completion with the line still high: a new request at once.
    b.bus.write32(claim(0), 5);
    settle();
    EXPECT_TRUE(b.plic.pending(5));
    EXPECT_TRUE(b.ctx[0].read());
    EXPECT_EQ(b.bus.read32(claim(0)), 5u);
    // Line dropped before completion: no new request.
    b.set_line(7, false);
    b.bus.write32(claim(0), 7);
    settle();
    EXPECT_FALSE(b.plic.pending(7));
    EXPECT_FALSE(b.ctx[0].read());
    // Line rises again later: request.
    b.set_line(7, true);
    EXPECT_TRUE(b.plic.pending(7));
    EXPECT_TRUE(b.ctx[0].read());
    EXPECT_EQ(b.bus.read32(claim(0)), 7u);
    b.reset_all();
}

TEST(Plic, PendingIsLatchedWhenTheLineDropsBeforeTheClaim) {
    Bench& b = bench();
    b.reset_all();
    b.bus.write32(prio(11), 1);
    b.enable_source(0, 11);
    b.set_line(11, true);
    b.set_line(11, false);
    EXPECT_TRUE(b.plic.pending(11));
    EXPECT_TRUE(b.ctx[0].read());
    EXPECT_EQ(b.bus.read32(claim(0)), 11u);
    b.bus.write32(claim(0), 11);
    settle();
    EXPECT_FALSE(b.plic.pending(11));
    EXPECT_FALSE(b.ctx[0].read());
    b.reset_all();
}

TEST(Plic, ThresholdMasksLowerOrEqualPriorities) {
    Bench& b = bench();
    b.reset_all();
    b.bus.write32(prio(20), 4);
    b.bus.write32(prio(21), 5);
    b.enable_source(0, 20);
    b.enable_source(0, 21);
    b.bus.write32(threshold(0), 4);
    b.set_line(20, true);
    EXPECT_TRUE(b.plic.pending(20));
    EXPECT_FALSE(b.ctx[0].read());           // priority 4 <= threshold 4
    EXPECT_EQ(b.bus.read32(claim(0)), 0u);  // not claimable either
    EXPECT_TRUE(b.plic.pending(20));
    b.set_line(21, true);
    EXPECT_TRUE(b.ctx[0].read());
    EXPECT_EQ(b.bus.read32(claim(0)), 21u);
    settle();
    EXPECT_FALSE(b.ctx[0].read());
    // Lowering the threshold unmasks source 20.
    b.bus.write32(threshold(0), 3);
    settle();
    EXPECT_TRUE(b.ctx[0].read());
    EXPECT_EQ(b.bus.read32(claim(0)), 20u);
    b.reset_all();
}

TEST(Plic, PriorityZeroNeverInterrupts) {
    Bench& b = bench();
    b.reset_all();
    b.enable_source(0, 30);  // priority 0
    b.set_line(30, true);
    EXPECT_TRUE(b.plic.pending(30));
    EXPECT_FALSE(b.ctx[0].read());
    EXPECT_EQ(b.bus.read32(claim(0)), 0u);
    b.bus.write32(prio(30), 1);
    settle();
    EXPECT_TRUE(b.ctx[0].read());
    b.reset_all();
}

TEST(Plic, MachineAndSupervisorContextsAreSeparate) {
    Bench& b = bench();
    b.reset_all();
    b.bus.write32(prio(10), 3);
    b.enable_source(3, 10);  // hart 1, S-mode only
    b.set_line(10, true);
    EXPECT_FALSE(b.ctx[0].read());
    EXPECT_FALSE(b.ctx[1].read());
    EXPECT_FALSE(b.ctx[2].read());
    EXPECT_TRUE(b.ctx[3].read());
    EXPECT_EQ(b.bus.read32(claim(2)), 0u);  // hart 1 M-mode: not enabled
    EXPECT_EQ(b.bus.read32(claim(3)), 10u);
    settle();
    EXPECT_FALSE(b.ctx[3].read());
    // Completion from a context where the source is not enabled is ignored.
    b.bus.write32(claim(2), 10);
    settle();
    EXPECT_FALSE(b.plic.pending(10));
    EXPECT_TRUE(b.plic.in_service(10));
    b.bus.write32(claim(3), 10);  // proper completion: line still high
    settle();
    EXPECT_TRUE(b.plic.pending(10));
    EXPECT_TRUE(b.ctx[3].read());
    // Enabled in both M and S of hart 0 too: both see it; first claim wins.
    b.enable_source(0, 10);
    b.enable_source(1, 10);
    settle();
    EXPECT_TRUE(b.ctx[0].read());
    EXPECT_TRUE(b.ctx[1].read());
    EXPECT_EQ(b.bus.read32(claim(1)), 10u);
    EXPECT_EQ(b.bus.read32(claim(0)), 0u);
    settle();
    EXPECT_FALSE(b.ctx[0].read());
    EXPECT_FALSE(b.ctx[1].read());
    EXPECT_FALSE(b.ctx[3].read());
    b.reset_all();
}

TEST(Plic, BadAccessesGetErrorResponses) {
    Bench& b = bench();
    uint8_t buf[8] = {};
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, prio(1), buf, 8), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, prio(1), buf, 1), tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, prio(1) + 2, buf, 2),
              tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, prio(96), buf, 4),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, pending_word(3), buf, 4),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, enable(4, 0), buf, 4),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);  // context 4 does not exist
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, threshold(4), buf, 4),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(b.bus.access(tlm::TLM_READ_COMMAND, claim(0), buf, 4), tlm::TLM_OK_RESPONSE);
    // Writes to the pending bits are ignored.
    EXPECT_EQ(b.bus.write(pending_word(0), 0xffffffff, 4), tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(b.bus.read32(pending_word(0)), 0u);
}
