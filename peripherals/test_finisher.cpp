// test_finisher.cpp -- see test_finisher.h for the register table.
#include "peripherals/test_finisher.h"

#include <cstdio>

namespace rvh {

TestFinisher::TestFinisher(sc_core::sc_module_name name, sc_core::sc_time access_latency)
    : sc_core::sc_module(name), socket("socket"), m_latency(access_latency), m_bank(this->name()) {
    m_bank.add(
        "finisher", 0x0, 4, RegAccess::RW, [] { return uint64_t{0}; },
        [this](uint64_t v, uint64_t mask) { on_write(static_cast<uint32_t>(v & mask)); },
        kSize2 | kSize4);
    socket.register_b_transport(this, &TestFinisher::b_transport);
}

void TestFinisher::on_write(uint32_t value) {
    FinisherEvent ev;
    switch (value & 0xFFFF) {
    case kPass:
        ev.kind = FinisherEvent::Kind::Pass;
        break;
    case kFail:
        ev.kind = FinisherEvent::Kind::Fail;
        ev.code = value >> 16;
        break;
    case kReset:
        ev.kind = FinisherEvent::Kind::Reset;
        break;
    default:
        std::fprintf(stderr, "rvh: %s: ignoring write of 0x%x (expected 0x5555 pass, "
                     "(code<<16)|0x3333 fail, 0x7777 reset)\n", name(), value);
        return;
    }
    m_last = ev;
    m_has_event = true;
    if (m_callback) {
        m_callback(ev);
        return;
    }
    switch (ev.kind) {
    case FinisherEvent::Kind::Pass:
        std::fprintf(stderr, "rvh: %s: PASS\n", name());
        break;
    case FinisherEvent::Kind::Fail:
        std::fprintf(stderr, "rvh: %s: FAIL (exit code %u)\n", name(), ev.code);
        break;
    case FinisherEvent::Kind::Reset:
        std::fprintf(stderr, "rvh: %s: reset requested (stopping)\n", name());
        break;
    }
    sc_core::sc_stop();
}

void TestFinisher::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    m_bank.transport(trans);
    trans.set_dmi_allowed(false);
    delay += m_latency;
}

}  // namespace rvh
