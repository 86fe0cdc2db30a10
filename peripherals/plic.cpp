// plic.cpp -- see plic.h for the register table and the gateway model.
#include "peripherals/plic.h"

#include <stdexcept>
#include <string>

namespace rvh {

Plic::Plic(sc_core::sc_module_name name, unsigned num_harts, unsigned num_sources,
           unsigned priority_bits, sc_core::sc_time access_latency)
    : sc_core::sc_module(name),
      socket("socket"),
      irq_in("irq_in", num_sources + 1),
      ctx_irq("ctx_irq", 2 * num_harts),
      m_num_harts(num_harts),
      m_num_sources(num_sources),
      m_num_ctx(2 * num_harts),
      m_words(num_sources / 32 + 1),
      m_prio_mask(priority_bits >= 32 ? 0xFFFFFFFFu : ((1u << priority_bits) - 1)),
      m_latency(access_latency),
      m_bank(this->name()) {
    const std::string me(this->name());
    if (num_harts == 0 || 2 * num_harts > kMaxContexts)
        throw std::invalid_argument(me + ": num_harts must be 1.." + std::to_string(kMaxContexts / 2));
    if (num_sources == 0 || num_sources > kMaxSources)
        throw std::invalid_argument(me + ": num_sources must be 1.." + std::to_string(kMaxSources));
    if (priority_bits == 0 || priority_bits > 32)
        throw std::invalid_argument(me + ": priority_bits must be 1..32");

    m_priority.assign(num_sources + 1, 0);
    m_pending.assign(m_words, 0);
    m_busy.assign(num_sources + 1, 0);
    m_enable.assign(m_num_ctx * m_words, 0);
    m_threshold.assign(m_num_ctx, 0);
    m_ctx_level.assign(m_num_ctx, 0);
    m_word_mask.assign(m_words, 0);
    for (unsigned s = 1; s <= num_sources; ++s) m_word_mask[s / 32] |= 1u << (s % 32);

    // priority[0] reads 0; priority[1..N] WARL.
    m_bank.add("priority0", kPriorityBase, 4, RegAccess::RO, [] { return uint64_t{0}; }, nullptr);
    for (unsigned s = 1; s <= num_sources; ++s) {
        m_bank.add(
            "priority" + std::to_string(s), kPriorityBase + 4ull * s, 4, RegAccess::RW,
            [this, s] { return uint64_t{m_priority[s]}; },
            [this, s](uint64_t v, uint64_t) {
                m_priority[s] = static_cast<uint32_t>(v) & m_prio_mask;
                recompute();
            });
    }
    for (unsigned w = 0; w < m_words; ++w) {
        m_bank.add(
            "pending" + std::to_string(w), kPendingBase + 4ull * w, 4, RegAccess::RO,
            [this, w] { return uint64_t{m_pending[w]}; }, nullptr);
    }
    for (unsigned c = 0; c < m_num_ctx; ++c) {
        const std::string cs = std::to_string(c);
        for (unsigned w = 0; w < m_words; ++w) {
            m_bank.add(
                "enable" + cs + "_" + std::to_string(w), kEnableBase + kEnableStride * c + 4ull * w,
                4, RegAccess::RW, [this, c, w] { return uint64_t{m_enable[c * m_words + w]}; },
                [this, c, w](uint64_t v, uint64_t) {
                    m_enable[c * m_words + w] = static_cast<uint32_t>(v) & m_word_mask[w];
                    recompute();
                });
        }
        m_bank.add(
            "threshold" + cs, kContextBase + kContextStride * c, 4, RegAccess::RW,
            [this, c] { return uint64_t{m_threshold[c]}; },
            [this, c](uint64_t v, uint64_t) {
                m_threshold[c] = static_cast<uint32_t>(v) & m_prio_mask;
                recompute();
            });
        m_bank.add(
            "claim" + cs, kContextBase + kContextStride * c + 4, 4, RegAccess::RW,
            [this, c] { return uint64_t{claim(c)}; },
            [this, c](uint64_t v, uint64_t) { complete(c, static_cast<uint32_t>(v)); });
    }

    socket.register_b_transport(this, &Plic::b_transport);

    SC_HAS_PROCESS(Plic);
    SC_METHOD(on_lines);
    for (auto& in : irq_in) sensitive << in;
    SC_METHOD(drive);
    sensitive << m_drive_event;
}

bool Plic::pending(unsigned source) const {
    if (source > m_num_sources) throw std::out_of_range("Plic::pending");
    return (m_pending[source / 32] >> (source % 32)) & 1;
}

void Plic::sample_gateways() {
    for (unsigned s = 1; s <= m_num_sources; ++s) {
        if (!m_busy[s] && irq_in[s].read()) {
            m_busy[s] = 1;
            m_pending[s / 32] |= 1u << (s % 32);
        }
    }
}

void Plic::recompute() {
    bool changed = false;
    for (unsigned c = 0; c < m_num_ctx; ++c) {
        uint8_t level = 0;
        const uint32_t thr = m_threshold[c];
        for (unsigned w = 0; w < m_words && !level; ++w) {
            uint32_t bits = m_pending[w] & m_enable[c * m_words + w];
            while (bits) {
                const unsigned b = static_cast<unsigned>(__builtin_ctz(bits));
                bits &= bits - 1;
                if (m_priority[w * 32 + b] > thr) {
                    level = 1;
                    break;
                }
            }
        }
        if (level != m_ctx_level[c]) {
            m_ctx_level[c] = level;
            changed = true;
        }
    }
    if (changed) m_drive_event.notify(sc_core::SC_ZERO_TIME);
}

uint32_t Plic::claim(unsigned ctx) {
    unsigned best = 0;
    uint32_t best_prio = m_threshold[ctx];
    for (unsigned w = 0; w < m_words; ++w) {
        uint32_t bits = m_pending[w] & m_enable[ctx * m_words + w];
        while (bits) {
            const unsigned b = static_cast<unsigned>(__builtin_ctz(bits));
            bits &= bits - 1;
            const unsigned s = w * 32 + b;
            if (m_priority[s] > best_prio) {  // strict: ties keep the lowest id
                best_prio = m_priority[s];
                best = s;
            }
        }
    }
    if (best) {
        m_pending[best / 32] &= ~(1u << (best % 32));
        recompute();
    }
    return best;
}

void Plic::complete(unsigned ctx, uint32_t source) {
    if (source == 0 || source > m_num_sources || !enabled(ctx, source)) return;
    m_busy[source] = 0;
    if (irq_in[source].read()) {
        m_busy[source] = 1;
        m_pending[source / 32] |= 1u << (source % 32);
    }
    recompute();
}

void Plic::on_lines() {
    sample_gateways();
    recompute();
}

void Plic::drive() {
    for (unsigned c = 0; c < m_num_ctx; ++c) ctx_irq[c].write(m_ctx_level[c] != 0);
}

void Plic::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    m_bank.transport(trans);
    trans.set_dmi_allowed(false);
    delay += m_latency;
}

}  // namespace rvh
