// register_bank.cpp -- see register_bank.h.
#include "peripherals/register_bank.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace rvh {

void RegisterBank::add(std::string name, uint64_t offset, unsigned width, RegAccess access,
                       ReadFn read, WriteFn write, uint8_t sizes) {
    if (width != 1 && width != 2 && width != 4 && width != 8)
        throw std::logic_error(m_owner + ": register " + name + " has bad width");
    if (offset % width != 0)
        throw std::logic_error(m_owner + ": register " + name + " is not aligned");
    if (sizes == 0) sizes = static_cast<uint8_t>(width);
    if (sizes & ~(kSize1 | kSize2 | kSize4 | kSize8) || (sizes & ~((width << 1) - 1)))
        throw std::logic_error(m_owner + ": register " + name + " accepts sizes above its width");
    auto it = std::lower_bound(m_regs.begin(), m_regs.end(), offset,
                               [](const Register& r, uint64_t off) { return r.offset < off; });
    if (it != m_regs.end() && it->offset < offset + width)
        throw std::logic_error(m_owner + ": register " + name + " overlaps " + it->name);
    if (it != m_regs.begin()) {
        auto prev = it - 1;
        if (prev->offset + prev->width > offset)
            throw std::logic_error(m_owner + ": register " + name + " overlaps " + prev->name);
    }
    m_regs.insert(it, Register{offset, width, sizes, access, std::move(name), std::move(read),
                               std::move(write)});
}

const RegisterBank::Register* RegisterBank::find(uint64_t offset) const {
    // First register whose offset is > offset, then step back.
    auto it = std::upper_bound(m_regs.begin(), m_regs.end(), offset,
                               [](uint64_t off, const Register& r) { return off < r.offset; });
    if (it == m_regs.begin()) return nullptr;
    --it;
    if (offset < it->offset + it->width) return &*it;
    return nullptr;
}

void RegisterBank::fail(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status,
                        const char* why, const Register* reg) {
    trans.set_response_status(status);
    ++m_errors;
    if (!m_warn) return;
    if (m_errors <= kMaxWarnings) {
        const char* op = trans.is_read() ? "read" : "write";
        if (reg) {
            std::fprintf(stderr,
                         "rvh: %s: %s of %u byte%s at offset 0x%llx is not supported (%s; "
                         "register %s is %u byte%s)\n",
                         m_owner.c_str(), op, trans.get_data_length(),
                         trans.get_data_length() == 1 ? "" : "s",
                         static_cast<unsigned long long>(trans.get_address()), why,
                         reg->name.c_str(), reg->width, reg->width == 1 ? "" : "s");
        } else {
            std::fprintf(stderr, "rvh: %s: %s of %u byte%s at offset 0x%llx is not supported (%s)\n",
                         m_owner.c_str(), op, trans.get_data_length(),
                         trans.get_data_length() == 1 ? "" : "s",
                         static_cast<unsigned long long>(trans.get_address()), why);
        }
        if (m_errors == kMaxWarnings)
            std::fprintf(stderr, "rvh: %s: further access warnings suppressed\n", m_owner.c_str());
    }
}

void RegisterBank::transport(tlm::tlm_generic_payload& trans) {
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t addr = trans.get_address();
    const unsigned len = trans.get_data_length();
    unsigned char* data = trans.get_data_ptr();

    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (trans.get_byte_enable_ptr() != nullptr) {
        fail(trans, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE, "byte enables are not supported",
             nullptr);
        return;
    }
    if (trans.get_streaming_width() < len) {
        fail(trans, tlm::TLM_BURST_ERROR_RESPONSE, "streaming is not supported", nullptr);
        return;
    }
    if (len != 1 && len != 2 && len != 4 && len != 8) {
        fail(trans, tlm::TLM_BURST_ERROR_RESPONSE, "size must be 1, 2, 4 or 8 bytes", nullptr);
        return;
    }
    const Register* reg = find(addr);
    if (!reg) {
        fail(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, "no register at this offset", nullptr);
        return;
    }
    if (!(reg->sizes & len)) {
        fail(trans, tlm::TLM_BURST_ERROR_RESPONSE, "access size not accepted", reg);
        return;
    }
    if (addr % len != 0 || addr + len > reg->offset + reg->width) {
        fail(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE, "misaligned", reg);
        return;
    }

    const unsigned shift = static_cast<unsigned>(addr - reg->offset) * 8;
    const uint64_t lane = (len == 8) ? ~uint64_t{0} : ((uint64_t{1} << (len * 8)) - 1);
    if (cmd == tlm::TLM_READ_COMMAND) {
        uint64_t v = 0;
        if (reg->access != RegAccess::WO && reg->read) v = reg->read();
        v = (v >> shift) & lane;
        for (unsigned i = 0; i < len; ++i) data[i] = static_cast<unsigned char>(v >> (8 * i));
    } else {
        uint64_t v = 0;
        for (unsigned i = 0; i < len; ++i) v |= uint64_t{data[i]} << (8 * i);
        if (reg->access != RegAccess::RO && reg->write) reg->write(v << shift, lane << shift);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rvh
