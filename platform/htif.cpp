// platform/htif.cpp: see htif.h.
#include "platform/htif.h"

#include <unistd.h>

#include <vector>

namespace rvh {

Htif::Htif(sc_core::sc_module_name name, Memory& ram, uint64_t ram_base, uint64_t tohost, uint64_t fromhost,
           std::function<void(int)> on_exit, sc_core::sc_time poll)
    : sc_core::sc_module(name), ram_(ram), ram_base_(ram_base), tohost_(tohost), fromhost_(fromhost),
      on_exit_(std::move(on_exit)), poll_(poll) {
  SC_THREAD(run);
}

bool Htif::read64(uint64_t addr, uint64_t& v) const {
  uint8_t b[8];
  if (addr < ram_base_ || !ram_.read(addr - ram_base_, b, 8)) return false;
  v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | b[i];
  return true;
}

void Htif::write64(uint64_t addr, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  if (addr >= ram_base_) ram_.write(addr - ram_base_, b, 8);
}

void Htif::syscall(uint64_t block) {
  uint64_t args[4] = {};
  for (int i = 0; i < 4; ++i)
    if (!read64(block + 8 * i, args[i])) return;
  const uint64_t which = args[0];
  int64_t ret = -1;
  if (which == 93) {  // SYS_exit
    on_exit_(static_cast<int>(args[1]));
    return;
  }
  if (which == 64 && (args[1] == 1 || args[1] == 2) && args[3] < (1u << 20)) {  // SYS_write
    std::vector<uint8_t> buf(args[3]);
    if (args[2] >= ram_base_ && ram_.read(args[2] - ram_base_, buf.data(), buf.size())) {
      ret = ::write(static_cast<int>(args[1]), buf.data(), buf.size());
    }
  }
  write64(block, static_cast<uint64_t>(ret));
  write64(fromhost_, 1);
}

void Htif::run() {
  for (;;) {
    sc_core::wait(poll_);
    uint64_t cmd = 0;
    if (!read64(tohost_, cmd) || cmd == 0) continue;
    write64(tohost_, 0);
    const unsigned device = static_cast<unsigned>(cmd >> 56);
    const unsigned command = static_cast<unsigned>((cmd >> 48) & 0xff);
    const uint64_t payload = cmd & ((1ull << 48) - 1);
    if (device == 0 && (payload & 1)) {
      on_exit_(static_cast<int>(payload >> 1));
      return;
    }
    if (device == 1 && command == 1) {
      const char c = static_cast<char>(payload & 0xff);
      if (::write(1, &c, 1) < 0) { /* console gone: nothing to do */ }
      write64(fromhost_, (1ull << 56) | (1ull << 48));
      continue;
    }
    if (device == 0) syscall(payload);
  }
}

}  // namespace rvh
