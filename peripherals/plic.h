// plic.h -- RISC-V PLIC (SiFive layout) as on QEMU virt.
//
// Base 0xc000000 on the virt memory map, size 0x600000. Offsets below are from
// the device base; every register is 32 bits wide and takes only 4-byte,
// 4-aligned accesses (others: TLM_BURST/ADDRESS_ERROR_RESPONSE). N = num_sources,
// W = N/32 + 1 (32-bit words covering sources 0..N), C = 2 * num_harts.
//
//   offset                    width access meaning
//   0x000000                  32    RO     priority[0]: source 0 does not exist, reads 0
//   0x000000 + 4*s  (1<=s<=N) 32    RW     priority[s], WARL: masked to priority_bits
//                                          (0 = never interrupts)
//   0x001000 + 4*w  (w<W)     32    RO     pending bits, source s at word s/32 bit s%32
//                                          (writes ignored)
//   0x002000 + 0x80*c + 4*w   32    RW     enable bits of context c (c<C) for sources
//                                          32w..32w+31; bit 0 of word 0 and bits above N
//                                          read 0
//   0x200000 + 0x1000*c       32    RW     priority threshold of context c, WARL
//                                          (masked to priority_bits)
//   0x200004 + 0x1000*c       32    RW     read: claim -- returns the highest-priority
//                                          pending source enabled for c with priority >
//                                          threshold (ties: lowest id), or 0; clears its
//                                          pending bit. write: complete -- re-arms the
//                                          source's gateway (ignored if the source is not
//                                          enabled for c)
//
// Contexts: context 2h is hart h's M-mode external interrupt (MEIP), 2h+1 its
// S-mode one (SEIP).
//
// Gateways are level-triggered (PLIC spec): while a source's line is high and
// its gateway is idle, the gateway forwards one request (sets the pending bit)
// and becomes busy; the pending bit stays set even if the line drops; claim
// clears it; complete frees the gateway, and if the line is still high a new
// request is forwarded immediately.
//
// ctx_irq[c] = OR over sources s of pending[s] & enable[c][s] & (priority[s] >
// threshold[c]). It is driven only by this module's own process (single
// writer), one delta cycle after the register access or line change.
// `context_irq(c)` returns the level right away.
#ifndef RVH_PERIPHERALS_PLIC_H
#define RVH_PERIPHERALS_PLIC_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <vector>

#include "peripherals/register_bank.h"

namespace rvh {

class Plic : public sc_core::sc_module {
public:
    static constexpr uint64_t kPriorityBase = 0x000000;
    static constexpr uint64_t kPendingBase = 0x001000;
    static constexpr uint64_t kEnableBase = 0x002000;
    static constexpr uint64_t kEnableStride = 0x80;
    static constexpr uint64_t kContextBase = 0x200000;
    static constexpr uint64_t kContextStride = 0x1000;
    static constexpr uint64_t kSize = 0x600000;
    static constexpr unsigned kMaxSources = 1023;
    static constexpr unsigned kMaxContexts = 15872;

    tlm_utils::simple_target_socket<Plic> socket;
    sc_core::sc_vector<sc_core::sc_in<bool>> irq_in;    // num_sources + 1; [0] unused
    sc_core::sc_vector<sc_core::sc_out<bool>> ctx_irq;  // 2 * num_harts

    Plic(sc_core::sc_module_name name, unsigned num_harts, unsigned num_sources = 95,
         unsigned priority_bits = 3,
         sc_core::sc_time access_latency = sc_core::sc_time(10, sc_core::SC_NS));

    // Current output level of context c (no delta delay).
    bool context_irq(unsigned ctx) const { return m_ctx_level.at(ctx) != 0; }
    bool pending(unsigned source) const;
    bool in_service(unsigned source) const { return m_busy.at(source) != 0; }
    uint32_t priority(unsigned source) const { return m_priority.at(source); }
    uint32_t threshold(unsigned ctx) const { return m_threshold.at(ctx); }
    // Whether a new request from `source` would raise context ctx's line:
    // enabled for ctx, priority above its threshold, gateway not waiting
    // for a complete.
    bool would_signal(unsigned ctx, unsigned source) const {
        return enabled(ctx, source) && m_priority.at(source) > m_threshold.at(ctx) && !m_busy.at(source);
    }

    unsigned num_harts() const { return m_num_harts; }
    unsigned num_sources() const { return m_num_sources; }
    unsigned num_contexts() const { return m_num_ctx; }
    const RegisterBank& registers() const { return m_bank; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void on_lines();  // SC_METHOD: sensitive to all irq_in lines
    void drive();     // SC_METHOD: writes ctx_irq from m_ctx_level
    void sample_gateways();
    void recompute();  // m_ctx_level from state; schedules drive() if changed
    uint32_t claim(unsigned ctx);
    void complete(unsigned ctx, uint32_t source);
    bool enabled(unsigned ctx, unsigned source) const {
        return (m_enable[ctx * m_words + source / 32] >> (source % 32)) & 1;
    }

    unsigned m_num_harts;
    unsigned m_num_sources;
    unsigned m_num_ctx;
    unsigned m_words;
    uint32_t m_prio_mask;
    sc_core::sc_time m_latency;

    std::vector<uint32_t> m_priority;   // [source]
    std::vector<uint32_t> m_pending;    // [word]
    std::vector<uint8_t> m_busy;        // [source]: gateway forwarded, awaiting complete
    std::vector<uint32_t> m_enable;     // [ctx * m_words + word]
    std::vector<uint32_t> m_word_mask;  // [word]: valid source bits
    std::vector<uint32_t> m_threshold;  // [ctx]
    std::vector<uint8_t> m_ctx_level;   // [ctx]
    RegisterBank m_bank;
    sc_core::sc_event m_drive_event;
};

}  // namespace rvh

#endif  // RVH_PERIPHERALS_PLIC_H
