// uart16550.cpp -- see uart16550.h for the register table and the I/O model.
#include "peripherals/uart16550.h"

#include <algorithm>
#include <cerrno>

#include <unistd.h>

namespace rvh {

namespace {

void stdout_sink(uint8_t b) {
    for (;;) {
        const ssize_t n = ::write(1, &b, 1);
        if (n == 1 || (n < 0 && errno != EINTR && errno != EAGAIN)) return;
    }
}

}  // namespace

Uart16550::Uart16550(sc_core::sc_module_name name, const Uart16550Options& options)
    : sc_core::sc_module(name),
      socket("socket"),
      irq("irq"),
      m_opts(options),
      m_sink(stdout_sink),
      m_bank(this->name()) {
    using RA = RegAccess;
    m_bank.add(
        "rbr_thr_dll", RBR, 1, RA::RW,
        [this]() -> uint64_t {
            if (dlab()) return m_dll;
            m_driver_ready = true;
            const uint8_t b = rx_pop();
            update_irq();
            return b;
        },
        [this](uint64_t v, uint64_t) {
            if (dlab()) {
                m_dll = static_cast<uint8_t>(v);
                return;
            }
            transmit(static_cast<uint8_t>(v));
            update_irq();
        });
    m_bank.add(
        "ier_dlm", IER, 1, RA::RW, [this]() -> uint64_t { return dlab() ? m_dlm : m_ier; },
        [this](uint64_t v, uint64_t) {
            if (dlab()) {
                m_dlm = static_cast<uint8_t>(v);
                return;
            }
            m_ier = static_cast<uint8_t>(v & 0x0F);
            if (m_ier & 0x01) m_driver_ready = true;
            // THR is always empty: enabling ETBEI raises the THRE interrupt.
            m_thr_ipending = (m_ier & 0x02) != 0;
            update_irq();
        });
    m_bank.add(
        "iir_fcr", IIR, 1, RA::RW,
        [this]() -> uint64_t {
            pull_input();
            const uint8_t id = iir_id();
            if (id == 0x02) m_thr_ipending = false;
            update_irq();
            return static_cast<uint64_t>(id | (fifo_enabled() ? 0xC0 : 0x00));
        },
        [this](uint64_t v, uint64_t) { write_fcr(static_cast<uint8_t>(v)); });
    m_bank.add(
        "lcr", LCR, 1, RA::RW, [this]() -> uint64_t { return m_lcr; },
        [this](uint64_t v, uint64_t) { m_lcr = static_cast<uint8_t>(v); });
    m_bank.add(
        "mcr", MCR, 1, RA::RW, [this]() -> uint64_t { return m_mcr; },
        [this](uint64_t v, uint64_t) { set_mcr(static_cast<uint8_t>(v & 0x1F)); });
    m_bank.add(
        "lsr", LSR, 1, RA::RO,
        [this]() -> uint64_t {
            pull_input();
            uint8_t v = 0x60 | m_lsr_err;  // THRE | TEMT
            if (m_rx_count_fifo) v |= 0x01;
            m_lsr_err = 0;
            update_irq();
            return v;
        },
        nullptr);
    m_bank.add(
        "msr", MSR, 1, RA::RO,
        [this]() -> uint64_t {
            const uint8_t v = static_cast<uint8_t>(msr_status() | m_msr_delta);
            m_msr_delta = 0;
            update_irq();
            return v;
        },
        nullptr);
    m_bank.add(
        "scr", SCR, 1, RA::RW, [this]() -> uint64_t { return m_scr; },
        [this](uint64_t v, uint64_t) { m_scr = static_cast<uint8_t>(v); });

    socket.register_b_transport(this, &Uart16550::b_transport);

    SC_HAS_PROCESS(Uart16550);
    SC_METHOD(poll);
    sensitive << m_kick;
    SC_METHOD(drive_irq);
    sensitive << m_irq_event;
}

size_t Uart16550::host_receive(const uint8_t* data, size_t len) {
    std::lock_guard<std::mutex> lock(m_mutex);
    const size_t limit = m_opts.input_buffer;
    const size_t n = m_input.size() >= limit ? 0 : std::min(len, limit - m_input.size());
    m_input.insert(m_input.end(), data, data + n);
    if (!m_input.empty()) m_has_input.store(true, std::memory_order_release);
    return n;
}

size_t Uart16550::host_input_space() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_input.size() >= m_opts.input_buffer ? 0 : m_opts.input_buffer - m_input.size();
}

void Uart16550::push_input(const std::string& bytes) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_input.insert(m_input.end(), bytes.begin(), bytes.end());
        if (!m_input.empty()) m_has_input = true;
    }
    pull_input();
    update_irq();
    m_kick.notify(sc_core::SC_ZERO_TIME);
}

int Uart16550::take_input_byte() {
    pull_input();
    if (m_rx_count_fifo == 0) return -1;
    const int b = rx_pop();
    pull_input();
    update_irq();
    return b;
}

void Uart16550::write_output(const uint8_t* data, size_t len) {
    // Straight to the sink: no register state changes (no THRE interrupt).
    for (size_t i = 0; i < len; ++i)
        if (m_sink) m_sink(data[i]);
}

void Uart16550::pull_input() {
    if (!m_has_input.load(std::memory_order_acquire) || loopback()) return;
    if (m_opts.drop_early && !m_driver_ready) {
        deliver_early_input();
        return;
    }
    if (m_rx_count_fifo >= rx_capacity()) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    while (!m_input.empty() && m_rx_count_fifo < rx_capacity()) {
        rx_push(m_input.front(), true);
        m_input.pop_front();
    }
    m_has_input = !m_input.empty();
}

// drop_early, before the driver is ready: everything that arrived goes to
// the line at once; what the FIFO cannot hold is an overrun.
void Uart16550::deliver_early_input() {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (uint8_t b : m_input) rx_push(b, true);
    m_input.clear();
    m_has_input = false;
}

void Uart16550::rx_clear() {
    if (!m_opts.drop_early) {
        // Unread bytes from the host go back to the front of the input
        // buffer, in order; loopback bytes are discarded.
        std::lock_guard<std::mutex> lock(m_mutex);
        for (unsigned i = m_rx_count_fifo; i-- > 0;) {
            const unsigned slot = (m_rx_head + i) % kFifoSize;
            if (!m_rx_from_host[slot]) continue;
            m_input.push_front(m_rx[slot]);
            --m_rx_count;  // counted again when it is received again
        }
        if (!m_input.empty()) m_has_input = true;
    }
    m_rx_head = 0;
    m_rx_count_fifo = 0;
}

void Uart16550::poll() {
    pull_input();
    update_irq();
    // Keep polling while input can still arrive or is waiting for FIFO room.
    if (m_input_open.load(std::memory_order_relaxed) ||
        m_has_input.load(std::memory_order_relaxed))
        next_trigger(m_opts.poll_interval);
    // else: static sensitivity (m_kick from push_input)
}

void Uart16550::drive_irq() { irq.write(m_irq_level); }

void Uart16550::update_irq() {
    const bool level = iir_id() != 0x01;
    if (level != m_irq_level) {
        m_irq_level = level;
        m_irq_event.notify(sc_core::SC_ZERO_TIME);
    }
}

unsigned Uart16550::rx_trigger() const {
    static const unsigned levels[4] = {1, 4, 8, 14};
    return fifo_enabled() ? levels[m_fcr >> 6] : 1;
}

uint8_t Uart16550::iir_id() const {
    if ((m_ier & 0x04) && m_lsr_err) return 0x06;
    if ((m_ier & 0x01) && m_rx_count_fifo)
        return m_rx_count_fifo >= rx_trigger() ? 0x04 : 0x0C;
    if ((m_ier & 0x02) && m_thr_ipending) return 0x02;
    if ((m_ier & 0x08) && m_msr_delta) return 0x00;
    return 0x01;
}

uint8_t Uart16550::msr_status() const {
    if (!loopback()) return 0xB0;  // DCD | DSR | CTS: a connected terminal
    uint8_t v = 0;
    if (m_mcr & 0x02) v |= 0x10;  // RTS -> CTS
    if (m_mcr & 0x01) v |= 0x20;  // DTR -> DSR
    if (m_mcr & 0x04) v |= 0x40;  // OUT1 -> RI
    if (m_mcr & 0x08) v |= 0x80;  // OUT2 -> DCD
    return v;
}

void Uart16550::set_mcr(uint8_t v) {
    const uint8_t before = msr_status();
    m_mcr = v;
    const uint8_t after = msr_status();
    const uint8_t changed = before ^ after;
    if (changed & 0x10) m_msr_delta |= 0x01;                      // DCTS
    if (changed & 0x20) m_msr_delta |= 0x02;                      // DDSR
    if ((before & 0x40) && !(after & 0x40)) m_msr_delta |= 0x04;  // TERI (trailing edge)
    if (changed & 0x80) m_msr_delta |= 0x08;                      // DDCD
    pull_input();  // leaving loopback reconnects the input
    update_irq();
}

void Uart16550::write_fcr(uint8_t v) {
    const bool was_enabled = fifo_enabled();
    const bool enable = v & 0x01;
    if (enable != was_enabled) rx_clear();  // also clears TX (always empty)
    if (enable) {
        if (v & 0x02) rx_clear();
        // bit 2 (clear TX FIFO): nothing is ever queued for transmit.
        m_fcr = static_cast<uint8_t>(v & 0xC1);
    } else {
        m_fcr = 0;
    }
    pull_input();
    update_irq();
}

void Uart16550::transmit(uint8_t b) {
    ++m_tx_count;
    if (loopback()) {
        rx_push(b);
    } else if (m_sink) {
        m_sink(b);
    }
    // The byte left THR at once: THR is empty again.
    m_thr_ipending = true;
}

void Uart16550::rx_push(uint8_t b, bool from_host) {
    if (m_rx_count_fifo >= rx_capacity()) {
        m_lsr_err |= 0x02;  // overrun: the new character is lost
        return;
    }
    const unsigned slot = (m_rx_head + m_rx_count_fifo) % kFifoSize;
    m_rx[slot] = b;
    m_rx_from_host[slot] = from_host;
    ++m_rx_count_fifo;
    ++m_rx_count;
}

uint8_t Uart16550::rx_pop() {
    pull_input();
    if (m_rx_count_fifo) {
        m_last_rx = m_rx[m_rx_head];
        m_rx_head = (m_rx_head + 1) % kFifoSize;
        --m_rx_count_fifo;
        pull_input();
    }
    return m_last_rx;
}

void Uart16550::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    m_access_delay = delay;
    m_bank.transport(trans);
    m_access_delay = sc_core::SC_ZERO_TIME;
    trans.set_dmi_allowed(false);
    delay += m_opts.access_latency;
}

}  // namespace rvh
