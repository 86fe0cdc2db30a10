// clint.h -- SiFive CLINT / RISC-V ACLINT (MSWI + MTIMER) as on QEMU virt.
//
// Base 0x2000000 on the virt memory map, size 0x10000. Offsets below are from
// the device base. All data little-endian.
//
//   offset            width  access  meaning
//   0x0000 + 4*h      32     RW      msip[h]: bit 0 = machine software interrupt
//                                    pending for hart h (MSIP). Bits 31:1 read 0.
//                                    Only 4-byte accesses.
//   0x4000 + 8*h      64     RW      mtimecmp[h]: MTIP[h] = (mtime >= mtimecmp[h]).
//                                    4- or 8-byte accesses (32-bit halves at
//                                    +0 / +4). Resets to 0xFFFF_FFFF_FFFF_FFFF.
//   0xBFF8            64     RW      mtime: timebase ticks. 4- or 8-byte accesses.
//                                    Writing sets the counter from that instant on.
//
// Anything else in the window gets TLM_ADDRESS_ERROR_RESPONSE.
//
// Time: mtime is derived from SystemC time, never from instruction counts:
//     mtime(t) = floor(t * timebase_hz) + offset   (mod 2^64)
// where t is the SystemC time of the access plus the access's annotated delay
// (i.e. the initiator's local time under temporal decoupling), and writes to
// mtime adjust `offset`. mtime_at(t) gives the hart the value for its `time`
// CSR at its local time.
//
// Interrupt outputs (one per hart; driven only by this module's own process,
// so the signals keep a single writer):
//     msip_irq[h] = msip[h] & 1
//     mtip_irq[h] = mtime >= mtimecmp[h]
// MTIP is exact in simulated time: after every mtime/mtimecmp write the model
// computes the SystemC instant at which mtime reaches each mtimecmp and
// notifies one event for the earliest; no per-tick polling. Register writes
// change the outputs one delta cycle after the access (at the SystemC time of
// the access). A hart running ahead of SystemC time can check its own view
// without waiting with `mtime_at(local) >= mtimecmp(h)` / `msip(h)`.
#ifndef RVH_PERIPHERALS_CLINT_H
#define RVH_PERIPHERALS_CLINT_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <vector>

#include "peripherals/register_bank.h"

namespace rvh {

class Clint : public sc_core::sc_module {
public:
    static constexpr uint64_t kMsipBase = 0x0000;
    static constexpr uint64_t kMtimecmpBase = 0x4000;
    static constexpr uint64_t kMtime = 0xBFF8;
    static constexpr uint64_t kSize = 0x10000;
    static constexpr unsigned kMaxHarts = 4095;

    tlm_utils::simple_target_socket<Clint> socket;
    sc_core::sc_vector<sc_core::sc_out<bool>> msip_irq;
    sc_core::sc_vector<sc_core::sc_out<bool>> mtip_irq;

    Clint(sc_core::sc_module_name name, unsigned num_harts, uint64_t timebase_hz = 10000000,
          sc_core::sc_time access_latency = sc_core::sc_time(10, sc_core::SC_NS));

    // mtime at SystemC time t (e.g. a hart's local time). Cheap; no side effects.
    uint64_t mtime_at(const sc_core::sc_time& t) const;
    // Current register values (for a hart's decoupled view, debuggers, tests).
    uint64_t mtimecmp(unsigned hart) const { return m_mtimecmp.at(hart); }
    bool msip(unsigned hart) const { return m_msip.at(hart) != 0; }
    // Time at which mtime reaches `value` (>= t), or SC_ZERO_TIME with
    // `ok=false` if never within representable time. Exposed for tests/harts.
    sc_core::sc_time time_of_mtime(uint64_t value, const sc_core::sc_time& t, bool& ok) const;

    unsigned num_harts() const { return m_num_harts; }
    uint64_t timebase_hz() const { return m_timebase_hz; }
    const RegisterBank& registers() const { return m_bank; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void update();  // SC_METHOD: drives outputs, schedules the next MTIP edge
    uint64_t raw_ticks(const sc_core::sc_time& t) const;

    unsigned m_num_harts;
    uint64_t m_timebase_hz;
    sc_core::sc_time m_latency;
    uint64_t m_units_per_sec;   // SystemC time units (resolution) per second
    uint64_t m_units_per_tick;  // exact divisor if m_units_per_sec % timebase == 0, else 0

    std::vector<uint32_t> m_msip;
    std::vector<uint64_t> m_mtimecmp;
    uint64_t m_offset = 0;          // mtime = raw_ticks(t) + m_offset
    sc_core::sc_time m_access_time; // time of the access being decoded
    RegisterBank m_bank;
    sc_core::sc_event m_update_event;
};

}  // namespace rvh

#endif  // RVH_PERIPHERALS_CLINT_H
