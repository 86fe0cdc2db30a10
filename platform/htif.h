// platform/htif.h: Spike's host-target interface for bare-metal programs
// whose ELF defines `tohost` (and `fromhost`): the program writes a command
// to tohost and the host acts on it. Supported commands:
//   (code << 1) | 1           exit with status `code` (riscv-tests' pass = 1 << 1 | 1 -> 0)
//   device 1, command 1       console putchar (low byte), acknowledged in fromhost
//   an even pointer           syscall block: SYS_write (64) to fd 1/2, SYS_exit (93)
// tohost is polled from simulated RAM every `poll` of simulated time.
#pragma once
#include <cstdint>
#include <functional>

#include <systemc>

#include "platform/memory.h"

namespace rvh {

class Htif : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Htif);
  Htif(sc_core::sc_module_name name, Memory& ram, uint64_t ram_base, uint64_t tohost, uint64_t fromhost,
       std::function<void(int code)> on_exit, sc_core::sc_time poll = sc_core::sc_time(10, sc_core::SC_US));

 private:
  Memory& ram_;
  uint64_t ram_base_, tohost_, fromhost_;
  std::function<void(int)> on_exit_;
  sc_core::sc_time poll_;

  void run();
  bool read64(uint64_t addr, uint64_t& v) const;
  void write64(uint64_t addr, uint64_t v);
  void syscall(uint64_t block);
};

}  // namespace rvh
