// clint.cpp -- see clint.h for the register table and the time model.
#include "peripherals/clint.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace rvh {

using u128 = unsigned __int128;

Clint::Clint(sc_core::sc_module_name name, unsigned num_harts, uint64_t timebase_hz,
             sc_core::sc_time access_latency)
    : sc_core::sc_module(name),
      socket("socket"),
      msip_irq("msip_irq", num_harts),
      mtip_irq("mtip_irq", num_harts),
      m_num_harts(num_harts),
      m_timebase_hz(timebase_hz),
      m_latency(access_latency),
      m_msip(num_harts, 0),
      m_mtimecmp(num_harts, std::numeric_limits<uint64_t>::max()),
      m_bank(this->name()) {
    if (num_harts == 0 || num_harts > kMaxHarts)
        throw std::invalid_argument(std::string(this->name()) +
                                    ": num_harts must be 1.." + std::to_string(kMaxHarts));
    if (timebase_hz == 0)
        throw std::invalid_argument(std::string(this->name()) + ": timebase_hz must be > 0");

    m_units_per_sec = sc_core::sc_time(1, sc_core::SC_SEC).value();
    m_units_per_tick = (m_units_per_sec % m_timebase_hz == 0) ? m_units_per_sec / m_timebase_hz : 0;

    for (unsigned h = 0; h < num_harts; ++h) {
        const std::string hs = std::to_string(h);
        m_bank.add(
            "msip" + hs, kMsipBase + 4ull * h, 4, RegAccess::RW,
            [this, h] { return uint64_t{m_msip[h]}; },
            [this, h](uint64_t v, uint64_t mask) {
                m_msip[h] = static_cast<uint32_t>(((m_msip[h] & ~mask) | (v & mask)) & 1);
                m_update_event.notify(sc_core::SC_ZERO_TIME);
            });
        m_bank.add(
            "mtimecmp" + hs, kMtimecmpBase + 8ull * h, 8, RegAccess::RW,
            [this, h] { return m_mtimecmp[h]; },
            [this, h](uint64_t v, uint64_t mask) {
                m_mtimecmp[h] = (m_mtimecmp[h] & ~mask) | (v & mask);
                m_update_event.notify(sc_core::SC_ZERO_TIME);
            },
            kSize4 | kSize8);
    }
    m_bank.add(
        "mtime", kMtime, 8, RegAccess::RW, [this] { return mtime_at(m_access_time); },
        [this](uint64_t v, uint64_t mask) {
            const uint64_t cur = mtime_at(m_access_time);
            const uint64_t next = (cur & ~mask) | (v & mask);
            m_offset = next - raw_ticks(m_access_time);
            m_update_event.notify(sc_core::SC_ZERO_TIME);
        },
        kSize4 | kSize8);

    socket.register_b_transport(this, &Clint::b_transport);

    SC_HAS_PROCESS(Clint);
    SC_METHOD(update);
    sensitive << m_update_event;
}

uint64_t Clint::raw_ticks(const sc_core::sc_time& t) const {
    const uint64_t v = t.value();
    if (m_units_per_tick) return v / m_units_per_tick;
    return static_cast<uint64_t>(static_cast<u128>(v) * m_timebase_hz / m_units_per_sec);
}

uint64_t Clint::mtime_at(const sc_core::sc_time& t) const { return raw_ticks(t) + m_offset; }

sc_core::sc_time Clint::time_of_mtime(uint64_t value, const sc_core::sc_time& t, bool& ok) const {
    ok = true;
    const uint64_t now_mtime = mtime_at(t);
    if (now_mtime >= value) return t;
    const uint64_t raw_now = raw_ticks(t);
    const uint64_t d = value - now_mtime;
    if (raw_now > std::numeric_limits<uint64_t>::max() - d) {
        ok = false;
        return sc_core::SC_ZERO_TIME;
    }
    const u128 target = static_cast<u128>(raw_now) + d;  // first raw tick count that satisfies
    // Smallest time value u with floor(u * tb / ups) >= target: u = ceil(target * ups / tb).
    const u128 num = target * m_units_per_sec;
    const u128 units = (num + m_timebase_hz - 1) / m_timebase_hz;
    if (units > std::numeric_limits<uint64_t>::max()) {
        ok = false;
        return sc_core::SC_ZERO_TIME;
    }
    return sc_core::sc_time::from_value(static_cast<uint64_t>(units));
}

void Clint::update() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const uint64_t mtime = mtime_at(now);
    bool have_next = false;
    sc_core::sc_time next;
    for (unsigned h = 0; h < m_num_harts; ++h) {
        msip_irq[h].write(m_msip[h] & 1);
        const bool mtip = mtime >= m_mtimecmp[h];
        mtip_irq[h].write(mtip);
        if (!mtip) {
            bool ok = false;
            const sc_core::sc_time when = time_of_mtime(m_mtimecmp[h], now, ok);
            if (ok && (!have_next || when < next)) {
                next = when;
                have_next = true;
            }
        }
    }
    m_update_event.cancel();
    if (have_next) m_update_event.notify(next - now);
}

void Clint::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    m_access_time = sc_core::sc_time_stamp() + delay;
    m_bank.transport(trans);
    trans.set_dmi_allowed(false);
    delay += m_latency;
}

}  // namespace rvh
