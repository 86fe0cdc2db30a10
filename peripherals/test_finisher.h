// test_finisher.h -- SiFive test device ("sifive,test0", syscon-poweroff/reboot)
// as on QEMU virt at base 0x100000 (window 0x1000).
//
//   offset  width  access  meaning
//   0x0     32     RW      write: 0x5555             -> pass (exit code 0)
//                                 (code << 16) | 0x3333 -> fail with exit code `code`
//                                 0x7777             -> reset
//                          other values are ignored (one warning line).
//                          2- and 4-byte accesses (a 2-byte write carries code 0).
//                          Reads return 0.
//
// Anything else in the window gets TLM_ADDRESS_ERROR_RESPONSE.
//
// On a pass/fail/reset write the device records the event (last_event()) and
// calls the callback set with set_callback(). With no callback it prints one
// line on stderr and calls sc_core::sc_stop().
#ifndef RVH_PERIPHERALS_TEST_FINISHER_H
#define RVH_PERIPHERALS_TEST_FINISHER_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <functional>

#include "peripherals/register_bank.h"

namespace rvh {

struct FinisherEvent {
    enum class Kind { Pass, Fail, Reset };
    Kind kind = Kind::Pass;
    uint32_t code = 0;  // exit code: 0 for Pass and Reset, value >> 16 for Fail
};

class TestFinisher : public sc_core::sc_module {
public:
    static constexpr uint32_t kPass = 0x5555;
    static constexpr uint32_t kFail = 0x3333;
    static constexpr uint32_t kReset = 0x7777;
    static constexpr uint64_t kSize = 0x1000;

    tlm_utils::simple_target_socket<TestFinisher> socket;

    explicit TestFinisher(sc_core::sc_module_name name,
                          sc_core::sc_time access_latency = sc_core::sc_time(10, sc_core::SC_NS));

    void set_callback(std::function<void(FinisherEvent)> cb) { m_callback = std::move(cb); }
    bool has_event() const { return m_has_event; }
    FinisherEvent last_event() const { return m_last; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void on_write(uint32_t value);

    sc_core::sc_time m_latency;
    std::function<void(FinisherEvent)> m_callback;
    FinisherEvent m_last;
    bool m_has_event = false;
    RegisterBank m_bank;
};

}  // namespace rvh

#endif  // RVH_PERIPHERALS_TEST_FINISHER_H
