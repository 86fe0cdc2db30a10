// register_bank.h -- a small register table shared by the rvh peripherals.
//
// A RegisterBank maps device offsets to registers. Each register has an
// offset, a width in bytes (1, 2, 4 or 8), an access mode, the set of access
// sizes it accepts, and read/write callbacks. The bank decodes a TLM generic
// payload (address = offset from the device base) and sets its response:
//
//   - byte enables are not supported            -> TLM_BYTE_ENABLE_ERROR_RESPONSE
//   - streaming width < data length             -> TLM_BURST_ERROR_RESPONSE
//   - no register at the offset, or an access
//     that is not naturally aligned / crosses
//     the register's end                        -> TLM_ADDRESS_ERROR_RESPONSE
//   - a size the register does not accept       -> TLM_BURST_ERROR_RESPONSE
//   - TLM_IGNORE_COMMAND                        -> TLM_OK_RESPONSE, no effect
//
// Errors print one warning line on stderr naming the device, the offset and
// the size (the first kMaxWarnings per bank; later ones are counted only).
//
// An access narrower than the register (e.g. a 32-bit half of a 64-bit
// register, when the register accepts size 4) reads the whole register and
// extracts the bytes, or calls the write callback with the bytes shifted into
// register position plus a mask of the bits written. Write callbacks merge
// with `(old & ~mask) | (value & mask)`.
//
// Access modes: RO registers ignore writes (the write callback is not called),
// WO registers read as zero. Data is little-endian, as the RISC-V platform
// and the TLM-2.0 convention on a little-endian host require.
//
// Lookups are a binary search over a vector built at construction; no
// allocation happens per access.
#ifndef RVH_PERIPHERALS_REGISTER_BANK_H
#define RVH_PERIPHERALS_REGISTER_BANK_H

#include <tlm>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rvh {

enum class RegAccess : uint8_t { RO, WO, RW };

// Access sizes, OR-able (they are their own byte counts).
enum : uint8_t { kSize1 = 1, kSize2 = 2, kSize4 = 4, kSize8 = 8 };

class RegisterBank {
public:
    using ReadFn = std::function<uint64_t()>;
    // value and mask are in register bit positions (already shifted).
    using WriteFn = std::function<void(uint64_t value, uint64_t mask)>;

    struct Register {
        uint64_t offset;
        unsigned width;  // bytes: 1, 2, 4 or 8
        uint8_t sizes;   // OR of accepted access sizes (kSize*)
        RegAccess access;
        std::string name;
        ReadFn read;
        WriteFn write;
    };

    static constexpr unsigned kMaxWarnings = 16;

    explicit RegisterBank(std::string owner) : m_owner(std::move(owner)) {}

    // Adds a register. sizes == 0 means "only full-width accesses".
    // Throws std::logic_error on overlap or a bad width (construction bug).
    void add(std::string name, uint64_t offset, unsigned width, RegAccess access,
             ReadFn read, WriteFn write, uint8_t sizes = 0);

    // Decodes and performs the access, sets the response status.
    void transport(tlm::tlm_generic_payload& trans);

    const std::vector<Register>& registers() const { return m_regs; }
    const std::string& owner() const { return m_owner; }
    uint64_t error_count() const { return m_errors; }

    // Updates the owner name used in warnings (e.g. once the module is named).
    void set_owner(std::string owner) { m_owner = std::move(owner); }
    void set_warnings(bool on) { m_warn = on; }

private:
    const Register* find(uint64_t offset) const;
    void fail(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status,
              const char* why, const Register* reg);

    std::string m_owner;
    std::vector<Register> m_regs;  // sorted by offset, non-overlapping
    uint64_t m_errors = 0;
    bool m_warn = true;
};

}  // namespace rvh

#endif  // RVH_PERIPHERALS_REGISTER_BANK_H
