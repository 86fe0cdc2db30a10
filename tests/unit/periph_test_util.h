// periph_test_util.h -- helpers for the peripheral unit tests.
//
// - sc_main that runs the GoogleTest cases. libsystemc.so defines main() and
//   needs sc_main; whichever main() the link picks (libsystemc's or
//   gtest_main's), the tests run. Include this header in exactly one
//   translation unit per test executable.
// - TlmProbe: a tiny TLM-2.0 initiator. Tests call read()/write() directly
//   from the test body between sc_start() calls (the peripherals never wait()
//   in b_transport, so no process context is needed).
// - EdgeRecorder: records (time, value) of every change of a bool signal.
//
// SystemC allows one elaboration per process, so each test executable builds
// one bench (lazily, on first use, before the first sc_start) and the test
// cases run as sequential phases against it. ctest (gtest_discover_tests)
// runs every case in its own process, so each case must also pass alone:
// set up the state you need (e.g. write mtime) instead of relying on earlier
// cases.
#ifndef RVH_TESTS_UNIT_PERIPH_TEST_UTIL_H
#define RVH_TESTS_UNIT_PERIPH_TEST_UTIL_H

#include <gtest/gtest.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "tests/unit/gtest_sc_main.h"

namespace rvh::test {

struct TlmProbe : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<TlmProbe> sock;
    sc_core::sc_time last_delay;
    tlm::tlm_response_status last_status = tlm::TLM_INCOMPLETE_RESPONSE;

    explicit TlmProbe(sc_core::sc_module_name n) : sc_core::sc_module(n), sock("sock") {}

    tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, uint8_t* data,
                                    unsigned len,
                                    sc_core::sc_time delay = sc_core::SC_ZERO_TIME) {
        tlm::tlm_generic_payload gp;
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(data);
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sock->b_transport(gp, delay);
        last_delay = delay;
        last_status = gp.get_response_status();
        return last_status;
    }
    uint64_t read(uint64_t addr, unsigned len, sc_core::sc_time delay = sc_core::SC_ZERO_TIME) {
        uint8_t buf[8] = {};
        access(tlm::TLM_READ_COMMAND, addr, buf, len, delay);
        uint64_t v = 0;
        for (unsigned i = 0; i < len && i < 8; ++i) v |= uint64_t{buf[i]} << (8 * i);
        return v;
    }
    tlm::tlm_response_status write(uint64_t addr, uint64_t value, unsigned len,
                                   sc_core::sc_time delay = sc_core::SC_ZERO_TIME) {
        uint8_t buf[8] = {};
        for (unsigned i = 0; i < len && i < 8; ++i) buf[i] = static_cast<uint8_t>(value >> (8 * i));
        return access(tlm::TLM_WRITE_COMMAND, addr, buf, len, delay);
    }
    uint32_t read32(uint64_t a) { return static_cast<uint32_t>(read(a, 4)); }
    uint64_t read64(uint64_t a) { return read(a, 8); }
    uint8_t read8(uint64_t a) { return static_cast<uint8_t>(read(a, 1)); }
    void write32(uint64_t a, uint32_t v) { write(a, v, 4); }
    void write64(uint64_t a, uint64_t v) { write(a, v, 8); }
    void write8(uint64_t a, uint8_t v) { write(a, v, 1); }
};

struct EdgeRecorder : sc_core::sc_module {
    sc_core::sc_in<bool> in;
    std::vector<std::pair<sc_core::sc_time, bool>> edges;

    explicit EdgeRecorder(sc_core::sc_module_name n) : sc_core::sc_module(n), in("in") {
        SC_HAS_PROCESS(EdgeRecorder);
        SC_METHOD(on_change);
        sensitive << in;
        dont_initialize();
    }
    void on_change() { edges.emplace_back(sc_core::sc_time_stamp(), in.read()); }
};

// Runs all delta cycles pending at the current time (sc_start(SC_ZERO_TIME)
// runs a single delta cycle).
inline void settle() {
    if (sc_core::sc_end_of_simulation_invoked()) return;  // after sc_stop()
    if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_core::sc_start(sc_core::SC_ZERO_TIME);
    for (int i = 0; i < 100 && sc_core::sc_pending_activity_at_current_time(); ++i)
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
}
inline void run(const sc_core::sc_time& t) { sc_core::sc_start(t); }

}  // namespace rvh::test

#endif  // RVH_TESTS_UNIT_PERIPH_TEST_UTIL_H
