// uart16550.cpp -- see uart16550.h for the register table and the I/O model.
#include "peripherals/uart16550.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace rvh {

namespace {

// ---- Terminal raw mode, restored at exit and on fatal signals. ----
// One terminal at most (the process's stdin in practice); async-signal-safe
// restore (tcsetattr is async-signal-safe).
struct TerminalState {
    volatile sig_atomic_t raw = 0;
    int fd = -1;
    struct termios saved {};
    bool hooks_installed = false;
};
TerminalState g_term;
const int kRestoreSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT,
                               SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction g_old_actions[NSIG];

void restore_terminal() {
    if (g_term.raw) {
        tcsetattr(g_term.fd, TCSAFLUSH, &g_term.saved);
        g_term.raw = 0;
    }
}

void restore_on_signal(int sig) {
    restore_terminal();
    // Hand the signal to whoever had it before us (default action: terminate
    // or dump core); it is delivered again once this handler returns.
    sigaction(sig, &g_old_actions[sig], nullptr);
    raise(sig);
}

void enter_raw_terminal(int fd) {
    if (g_term.raw || !isatty(fd)) return;
    struct termios t {};
    if (tcgetattr(fd, &t) != 0) return;
    g_term.saved = t;
    g_term.fd = fd;
    if (!g_term.hooks_installed) {
        g_term.hooks_installed = true;
        std::atexit(restore_terminal);
        for (int sig : kRestoreSignals) {
            struct sigaction sa {};
            sa.sa_handler = restore_on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(sig, &sa, &g_old_actions[sig]);
        }
    }
    t.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ECHONL | IEXTEN);  // keep ISIG
    t.c_iflag &= ~static_cast<tcflag_t>(ICRNL | INLCR | IGNCR | IXON | ISTRIP | BRKINT | PARMRK);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSAFLUSH, &t) == 0) g_term.raw = 1;
}

void stdout_sink(uint8_t b) {
    for (;;) {
        const ssize_t n = ::write(1, &b, 1);
        if (n == 1 || (n < 0 && errno != EINTR && errno != EAGAIN)) return;
    }
}

constexpr size_t kHostQueueLimit = 64 * 1024;

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

Uart16550::~Uart16550() { stop_input(); }

void Uart16550::start_of_simulation() {
    if (!m_opts.read_input || m_reader.joinable()) return;
    if (m_opts.raw_terminal) enter_raw_terminal(m_opts.input_fd);
    m_reader_active = true;
    m_reader = std::thread(&Uart16550::reader_main, this);
}

void Uart16550::stop_input() {
    m_stop = true;
    if (m_reader.joinable()) m_reader.join();
    m_reader_active = false;
    if (m_opts.read_input && g_term.raw && g_term.fd == m_opts.input_fd) restore_terminal();
}

void Uart16550::reader_main() {
    uint8_t buf[256];
    const int fd = m_opts.input_fd;
    while (!m_stop.load(std::memory_order_relaxed)) {
        bool full;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            full = m_input.size() >= kHostQueueLimit;
        }
        if (full) {  // the guest is not reading: wait without consuming more input
            ::usleep(10000);
            continue;
        }
        struct pollfd pfd {fd, POLLIN, 0};
        const int r = ::poll(&pfd, 1, 100);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (r == 0) continue;
        if (pfd.revents & POLLNVAL) break;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            break;
        }
        if (n == 0) break;  // EOF: input just stops
        std::lock_guard<std::mutex> lock(m_mutex);
        m_input.insert(m_input.end(), buf, buf + n);
        m_has_input.store(true, std::memory_order_release);
    }
    m_reader_active = false;
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
    if (m_rx_count_fifo >= rx_capacity()) return;
    std::lock_guard<std::mutex> lock(m_mutex);
    while (!m_input.empty() && m_rx_count_fifo < rx_capacity()) {
        rx_push(m_input.front());
        m_input.pop_front();
    }
    m_has_input = !m_input.empty();
}

void Uart16550::poll() {
    pull_input();
    update_irq();
    // Keep polling while input can still arrive or is waiting for FIFO room.
    if (m_reader_active.load(std::memory_order_relaxed) ||
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

void Uart16550::rx_push(uint8_t b) {
    if (m_rx_count_fifo >= rx_capacity()) {
        m_lsr_err |= 0x02;  // overrun: the new character is lost
        return;
    }
    m_rx[(m_rx_head + m_rx_count_fifo) % kFifoSize] = b;
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
    m_bank.transport(trans);
    trans.set_dmi_allowed(false);
    delay += m_opts.access_latency;
}

}  // namespace rvh
