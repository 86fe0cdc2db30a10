// cpu/exit_handler.h: the hook through which a hosted hypervisor (hyp/)
// owns HS- and M-mode of a hart. With a handler installed, every trap that
// is not delegated to VS-mode enters HS-mode as the hardware would (sepc,
// scause, stval, htval, htinst, hstatus.SPV/SPVP/GVA, sstatus.SPP/SPIE/SIE,
// V=0) and then, instead of fetching from stvec, calls handle_exit(). The
// handler changes the hart's state and resumes the guest (Hart::enter_guest)
// or puts the hart to sleep (Hart::sleep_until_interrupt). It must not throw.
#pragma once

namespace rvh {

class Hart;

class ExitHandler {
 public:
  virtual ~ExitHandler() = default;
  virtual void handle_exit(Hart& hart, bool interrupt) = 0;
};

}  // namespace rvh
