// debug/gdb_session.h: one GDB connection's command dispatcher (GDB manual,
// appendix "Remote Protocol", all-stop mode). Socket-free: the owner feeds it
// the bytes it reads and sends what it returns; it calls the Target for
// everything it needs to know or do.
//
// The owner's loop, in short:
//   Session s(target);              // a new Session per connection; starts halted
//   s.stop({thread, 5});            // optional: what `?` reports (returns "" while halted)
//   send(s.feed(bytes, n));         // for every read; may call target.resume()
//   while (s.running()) {
//     run a slice; read; send(s.feed(...));
//     if (s.interrupt_requested() || a breakpoint hit) { halt; send(s.stop(event)); }
//   }
//   s.detached(): remove nothing more, run freely and close; s.killed(): end.
//
// Packets (each answered as the manual says): ? qSupported
// qXfer:features:read:target.xml qAttached qC qfThreadInfo qsThreadInfo
// qThreadExtraInfo T H(g|c) g G p P m M X c C s S vCont? vCont Z0-Z4 z0-z4
// qRcmd D k vKill vMustReplyEmpty qSymbol QStartNoAckMode; anything else
// (qOffsets, qTStatus, !, ...) gets the empty "unsupported" reply.
//
// Resuming: vCont gives each thread the leftmost action naming it (or no
// thread, or -1); c/C continue every thread, s/S step the current thread
// alone, and after Hc N (N > 0) both resume thread N alone. Signals of C, S
// and vCont are ignored. An address (c ADDR) is written to "pc" first.
//
// May include: the C++ standard library and debug/ only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "debug/gdb_packet.h"
#include "debug/gdb_target.h"

namespace rvh::gdb {

class Session {
 public:
  enum class State {
    kHalted,    // the target is stopped; packets are answered
    kRunning,   // resumed; only 0x03 matters until stop()
    kDetached,  // GDB detached (D): the target runs freely; input is ignored
    kKilled,    // GDB killed the target (k, vKill); input is ignored
    kExited,    // exited()/terminated() was reported; input is ignored
  };

  explicit Session(Target& target);

  // Where diagnostics go (bad checksums, oversized packets, junk, malformed
  // commands), one line each without a newline. Default: stderr, prefixed
  // "rvh-vp: gdb: ".
  void set_logger(std::function<void(const std::string&)> logger);

  // Takes bytes from GDB (any chunking); returns the bytes to send back
  // (acks and framed replies, possibly several packets), maybe "".
  std::string feed(const char* bytes, size_t size);
  std::string feed(std::string_view bytes) { return feed(bytes.data(), bytes.size()); }

  // The target stopped. While running: returns the O packets of
  // event.console_text and the stop reply ("T05thread:1;swbreak:;"...), and
  // the session is halted with event.thread as the current thread. While
  // halted: only records the event as the answer to `?` and returns "".
  // Otherwise "".
  std::string stop(const StopEvent& event);
  // The program ended: "W<code>" / "X<signal>" (a kill by signal); the
  // session then ignores its input.
  std::string exited(int code);
  std::string terminated(int signal);

  State state() const { return state_; }
  bool halted() const { return state_ == State::kHalted; }
  bool running() const { return state_ == State::kRunning; }
  bool detached() const { return state_ == State::kDetached; }
  bool killed() const { return state_ == State::kKilled; }
  // GDB sent 0x03 while the target runs; cleared by stop().
  bool interrupt_requested() const { return interrupt_requested_; }
  bool no_ack_mode() const { return no_ack_; }
  // The thread g/p/m... apply to (Hg; after a stop, the stopped thread).
  int current_thread() const;

 private:
  // One packet's reply payload ("" = unsupported). `reply` false: the result
  // is framed already (several packets) or "" for no reply at all.
  std::string dispatch(const std::string& packet, bool& reply);
  std::string handle_query(const std::string& packet);
  std::string handle_v(const std::string& packet, bool& reply);
  std::string handle_set_thread(const std::string& packet);
  std::string handle_read_registers();
  std::string handle_write_registers(const std::string& hex);
  std::string handle_read_register(const std::string& args);
  std::string handle_write_register(const std::string& args);
  std::string handle_read_memory(const std::string& args);
  std::string handle_write_memory(const std::string& args, bool binary);
  std::string handle_breakpoint(const std::string& packet);
  std::string handle_continue(const std::string& packet, bool& reply);
  std::string handle_vcont(const std::string& args, bool& reply);
  std::string handle_xfer_features(const std::string& args);
  std::string handle_monitor(const std::string& hex, bool& reply);
  std::string handle_supported(const std::string& features);

  std::string stop_reply(const StopEvent& event) const;
  // `packet` framed, remembered for a resend on '-'.
  std::string send(const std::string& payload);
  std::string console_packets(const std::string& text);
  const RegisterInfo* find_register(unsigned regnum);
  const std::vector<const RegisterInfo*>& g_registers();
  bool thread_exists(int thread);
  int first_thread();
  void resume(const std::vector<ResumeAction>& actions);
  void log(const std::string& message);

  Target& target_;
  std::function<void(const std::string&)> logger_;
  PacketParser parser_;
  std::vector<PacketEvent> events_;
  State state_ = State::kHalted;
  bool no_ack_ = false;
  bool interrupt_requested_ = false;
  bool gdb_swbreak_ = false;  // GDB announced swbreak+/hwbreak+ in qSupported
  bool gdb_hwbreak_ = false;
  int general_thread_ = 0;    // Hg; 0 = the stopped thread
  int continue_thread_ = -1;  // Hc; -1 = all, 0 = any
  bool have_stop_ = false;
  StopEvent last_stop_;
  std::string last_sent_;     // the last framed packet, for '-'
  unsigned resends_ = 0;      // '-' answered since last_sent_ was sent or acked
  std::string target_xml_;    // built on first use
  bool registers_indexed_ = false;
  std::map<unsigned, const RegisterInfo*> by_regnum_;
  std::vector<const RegisterInfo*> g_registers_;
};

}  // namespace rvh::gdb
