// uart16550.h -- NS16550A UART as on QEMU virt (base 0x10000000, PLIC source 10).
//
// reg-shift 0, reg-io-width 1: eight 1-byte registers; wider accesses get
// TLM_BURST_ERROR_RESPONSE, offsets 0x8..0xFF TLM_ADDRESS_ERROR_RESPONSE.
//
//   off  DLAB  access  name  meaning
//   0    0     R       RBR   receive buffer: pops the RX FIFO (last byte if empty)
//   0    0     W       THR   transmit: byte goes to the output sink at once
//                            (to the RX FIFO in loopback mode)
//   0    1     RW      DLL   divisor latch low (stored only; timing is not modelled)
//   1    0     RW      IER   bit0 ERBFI rx data, bit1 ETBEI THR empty, bit2 ELSI line
//                            status, bit3 EDSSI modem status; bits 7:4 read 0
//   1    1     RW      DLM   divisor latch high
//   2    -     R       IIR   bits 7:6 = 11 when FIFOs are enabled; bits 3:0 id:
//                            0x6 line status (OE) > 0x4 rx data at/above trigger level
//                            = 0xC rx data below trigger level (char timeout, reported
//                            at once) > 0x2 THR empty > 0x0 modem status; 0x1 none.
//                            Reading IIR while it reports 0x2 clears the THRE interrupt.
//   2    -     W       FCR   bit0 FIFO enable (changing it clears both FIFOs), bit1
//                            clear RX FIFO, bit2 clear TX FIFO, bits 7:6 RX trigger
//                            level 1/4/8/14. FIFOs are 16 bytes (1 byte when disabled).
//   3    -     RW      LCR   line control; bit7 DLAB. Other bits stored only.
//   4    -     RW      MCR   bit0 DTR, bit1 RTS, bit2 OUT1, bit3 OUT2, bit4 LOOP;
//                            bits 7:5 read 0
//   5    -     R       LSR   bit0 DR, bit1 OE (cleared on read), bit5 THRE = 1,
//                            bit6 TEMT = 1 (transmission is instantaneous); writes ignored
//   6    -     R       MSR   bits 7:4 DCD RI DSR CTS (loopback: OUT2 OUT1 DTR RTS;
//                            otherwise DCD|DSR|CTS = 0xB0), bits 3:0 deltas, cleared on
//                            read; writes ignored
//   7    -     RW      SCR   scratch
//
// irq = (IIR id != 0x1), driven only by this module's own process, one delta
// after the access that changes it.
//
// Output: every transmitted byte goes to the output sink (default: the write()
// system call on fd 1, one byte at a time, so output is never held back).
// Replace it with set_output(); transmit_time() tells the sink when the byte
// left, in simulated time.
//
// Input: the host end of the line is a console (platform/console.h: a
// terminal, a pty, a socket, ...), which owns every host thread and file
// descriptor. It hands bytes over with host_receive() from any thread, into
// an input buffer of at most Uart16550Options::input_buffer bytes, and says
// with set_host_input_open() whether more can still arrive. The SystemC side
// moves buffered bytes into the RX FIFO while it has room, on register
// accesses and from a method that polls every poll_interval of simulated time
// while input can still arrive or is waiting (it stops once the input is
// closed and drained, so a finished input never keeps the simulation alive).
// In loopback mode the receiver is disconnected from the host input.
// push_input() injects bytes from the SystemC thread (sc_main, a process, or
// between sc_start calls).
//
// Early input: by default a FIFO reset (FCR bit 1, or switching the FIFOs on
// or off) gives the received bytes the guest has not read back to the front
// of the input buffer, so keys typed before the guest's driver is ready reach
// it once the driver has reset the FIFO. With drop_early (rvh-vp
// --serial-drop-early) the UART behaves as hardware does: a FIFO reset
// discards them, and until the driver is ready (it reads RBR or enables the
// receive interrupt) input goes into the RX FIFO as it arrives and what does
// not fit is an overrun (lost, LSR.OE). After that, input waits in the buffer
// while the FIFO is full in both modes.
#ifndef RVH_PERIPHERALS_UART16550_H
#define RVH_PERIPHERALS_UART16550_H

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "peripherals/register_bank.h"

namespace rvh {

struct Uart16550Options {
    // Host input waiting for the guest, at most (host_receive takes no more).
    size_t input_buffer = 64 * 1024;
    bool drop_early = false;  // hardware-faithful early input (see above)
    sc_core::sc_time poll_interval = sc_core::sc_time(1, sc_core::SC_MS);
    sc_core::sc_time access_latency = sc_core::sc_time(10, sc_core::SC_NS);
};

class Uart16550 : public sc_core::sc_module {
public:
    using OutputSink = std::function<void(uint8_t)>;

    static constexpr unsigned kFifoSize = 16;
    static constexpr uint64_t kSize = 0x100;
    // Register offsets.
    enum : uint64_t { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
                      LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

    tlm_utils::simple_target_socket<Uart16550> socket;
    sc_core::sc_out<bool> irq;

    explicit Uart16550(sc_core::sc_module_name name,
                       const Uart16550Options& options = Uart16550Options());

    void set_output(OutputSink sink) { m_sink = std::move(sink); }
    // Queues bytes as if they had arrived on the input; SystemC thread only.
    void push_input(const std::string& bytes);
    // Takes the next received byte, from the RX FIFO first, then from the
    // host input queue (a console that reads besides the registers, e.g. the
    // SBI debug console of a hosted hypervisor). -1 when nothing is waiting.
    int take_input_byte();
    // Writes bytes to the output sink as the transmitter does.
    void write_output(const uint8_t* data, size_t len);
    // The simulated time of the byte being transmitted now (for the output
    // sink): the time of the access, the initiator's local time included.
    sc_core::sc_time transmit_time() const { return sc_core::sc_time_stamp() + m_access_delay; }

    // ---- The host end (a console). Thread-safe: any thread may call. ----
    // Appends up to `len` bytes to the input buffer; returns how many were
    // taken (fewer when the buffer is full).
    size_t host_receive(const uint8_t* data, size_t len);
    // Free room in the input buffer, in bytes.
    size_t host_input_space();
    // Whether input can still arrive (false at end of file, or with no
    // console). Open it before sc_start: once the periodic poll has stopped,
    // only push_input() starts it again.
    void set_host_input_open(bool open) { m_input_open.store(open, std::memory_order_relaxed); }
    bool host_input_open() const { return m_input_open.load(std::memory_order_relaxed); }

    uint64_t tx_count() const { return m_tx_count; }
    uint64_t rx_count() const { return m_rx_count; }
    uint16_t divisor() const { return static_cast<uint16_t>(m_dll | (m_dlm << 8)); }
    unsigned rx_fifo_level() const { return m_rx_count_fifo; }
    bool irq_level() const { return m_irq_level; }
    // Whether the interrupt line can still rise without a register access:
    // only received input can do it (IER ERBFI or ELSI set, not in
    // loopback), and only while host input is queued or can still arrive
    // (a console is open and has not reached end of file).
    bool input_may_interrupt() const {
        return (m_ier & 0x05) && !loopback() &&
               (m_input_open.load(std::memory_order_relaxed) || m_has_input.load(std::memory_order_relaxed) ||
                m_rx_count_fifo > 0);
    }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void poll();        // SC_METHOD: pulls host input periodically
    void drive_irq();   // SC_METHOD: the only writer of `irq`

    bool dlab() const { return m_lcr & 0x80; }
    bool loopback() const { return m_mcr & 0x10; }
    bool fifo_enabled() const { return m_fcr & 0x01; }
    unsigned rx_capacity() const { return fifo_enabled() ? kFifoSize : 1; }
    unsigned rx_trigger() const;
    uint8_t iir_id() const;
    uint8_t msr_status() const;
    void set_mcr(uint8_t v);
    void write_fcr(uint8_t v);
    void transmit(uint8_t b);
    void rx_push(uint8_t b, bool from_host = false);  // sets OE if full
    uint8_t rx_pop();
    void rx_clear();  // a FIFO reset (see "Early input" above)
    void pull_input();
    void deliver_early_input();  // drop_early before the driver is ready
    void update_irq();

    Uart16550Options m_opts;
    OutputSink m_sink;
    RegisterBank m_bank;

    // Registers.
    uint8_t m_ier = 0, m_lcr = 0, m_mcr = 0, m_fcr = 0, m_scr = 0, m_dll = 0, m_dlm = 0;
    uint8_t m_lsr_err = 0;    // OE
    uint8_t m_msr_delta = 0;  // bits 3:0
    uint8_t m_last_rx = 0;
    bool m_thr_ipending = false;
    std::array<uint8_t, kFifoSize> m_rx{};
    std::array<bool, kFifoSize> m_rx_from_host{};  // came from the host input (not loopback)
    bool m_driver_ready = false;  // the guest read RBR or enabled ERBFI
    sc_core::sc_time m_access_delay = sc_core::SC_ZERO_TIME;  // during b_transport
    unsigned m_rx_head = 0, m_rx_count_fifo = 0;

    bool m_irq_level = false;
    uint64_t m_tx_count = 0, m_rx_count = 0;
    sc_core::sc_event m_irq_event, m_kick;

    // Host input.
    std::mutex m_mutex;
    std::deque<uint8_t> m_input;      // guarded by m_mutex
    std::atomic<bool> m_has_input{false};
    std::atomic<bool> m_input_open{false};  // a console can still deliver input
};

}  // namespace rvh

#endif  // RVH_PERIPHERALS_UART16550_H
