// platform/vcd_trace.cpp: see vcd_trace.h.
#include "platform/vcd_trace.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include "platform/soc.h"

namespace rvh {
namespace {

uint64_t to_ps(const sc_core::sc_time& t) { return static_cast<uint64_t>(t.to_seconds() * 1e12 + 0.5); }

// A new directory only this process uses, for SystemC's file.
std::string make_private_dir(const OutputFile& out) {
  const char* env = std::getenv("TMPDIR");
  const std::string base = env && *env ? env : "/tmp";
  std::string name = base + "/rvh-vp-vcd-XXXXXX";
  std::vector<char> buf(name.begin(), name.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throw OutputError(out.message("cannot make a temporary directory in " + base + " (" + std::strerror(errno) +
                                  "); set TMPDIR to a writable directory"));
  return buf.data();
}

constexpr uint64_t kVsBits[3] = {csr::kMipVSSIP, csr::kMipVSTIP, csr::kMipVSEIP};

}  // namespace

VcdTrace::VcdTrace(sc_core::sc_module_name name, OutputFile out, Soc& soc)
    : sc_core::sc_module(name), out_(std::move(out)) {
  temp_dir_ = make_private_dir(out_);
  // SystemC appends ".vcd": it writes temp_file().
  file_ = sc_core::sc_create_vcd_trace_file((temp_dir_ + "/trace").c_str());
  if (!file_) {
    remove_temp();
    throw OutputError(out_.message("SystemC cannot create the VCD trace"));
  }
  file_->set_time_unit(1, sc_core::SC_PS);

  for (auto& h : soc.harts()) {
    const unsigned id = h->config().hart_id;
    const std::string p = "hart" + std::to_string(id);
    const auto lines = soc.irq_lines(id);
    static const char* const kLineNames[4] = {".msip", ".mtip", ".meip", ".seip"};
    for (unsigned i = 0; i < 4; ++i) sc_core::sc_trace(file_, *lines[i], p + kLineNames[i]);

    HartSignals s;
    s.hart = h.get();
    s.last_mode = {0, static_cast<uint8_t>(h->priv), static_cast<uint8_t>(h->virt), static_cast<uint8_t>(h->asleep())};
    const uint64_t vs = h->effective_mip();
    s.last_irq = {0, (vs & kVsBits[0]) != 0, (vs & kVsBits[1]) != 0, (vs & kVsBits[2]) != 0};
    s.priv = std::make_unique<sc_core::sc_signal<sc_dt::sc_uint<2>>>((p + "_priv").c_str(), s.last_mode.a);
    s.v = std::make_unique<sc_core::sc_signal<bool>>((p + "_v").c_str(), s.last_mode.b);
    s.wfi = std::make_unique<sc_core::sc_signal<bool>>((p + "_wfi").c_str(), s.last_mode.c);
    s.vssip = std::make_unique<sc_core::sc_signal<bool>>((p + "_vssip").c_str(), s.last_irq.a);
    s.vstip = std::make_unique<sc_core::sc_signal<bool>>((p + "_vstip").c_str(), s.last_irq.b);
    s.vseip = std::make_unique<sc_core::sc_signal<bool>>((p + "_vseip").c_str(), s.last_irq.c);
    sc_core::sc_trace(file_, *s.priv, p + ".priv");
    sc_core::sc_trace(file_, *s.v, p + ".v");
    sc_core::sc_trace(file_, *s.wfi, p + ".wfi");
    sc_core::sc_trace(file_, *s.vssip, p + ".vssip");
    sc_core::sc_trace(file_, *s.vstip, p + ".vstip");
    sc_core::sc_trace(file_, *s.vseip, p + ".vseip");
    harts_.push_back(std::move(s));
    h->observers.push_back(this);
  }
  sc_core::sc_trace(file_, soc.plic_source_line(memmap::kUart0Irq), "uart0.irq");

  SC_METHOD(apply);
  sensitive << apply_event_;
  dont_initialize();
}

VcdTrace::~VcdTrace() {
  close_systemc_file();
  remove_temp();
}

void VcdTrace::close_systemc_file() {
  if (!file_) return;
  for (HartSignals& s : harts_)
    s.hart->observers.erase(std::remove(s.hart->observers.begin(), s.hart->observers.end(), this),
                            s.hart->observers.end());
  sc_core::sc_close_vcd_trace_file(file_);
  file_ = nullptr;
}

void VcdTrace::remove_temp() {
  if (temp_dir_.empty()) return;
  ::unlink(temp_file().c_str());
  ::rmdir(temp_dir_.c_str());
  temp_dir_.clear();
}

void VcdTrace::close() {
  if (!file_) return;
  close_systemc_file();
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(temp_file().c_str(), "rb"), &std::fclose);
  if (!in) {
    const int err = errno;
    remove_temp();
    throw OutputError(out_.message(std::string("SystemC wrote no trace (") + std::strerror(err) + ")"));
  }
  std::FILE* dst = out_.begin();
  char chunk[64 * 1024];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, in.get())) > 0)
    if (std::fwrite(chunk, 1, n, dst) != n) break;  // finish() reports the error
  in.reset();
  remove_temp();
  out_.finish();
}

VcdTrace::HartSignals& VcdTrace::signals_of(const Hart& h) {
  for (HartSignals& s : harts_)
    if (s.hart == &h) return s;
  throw std::logic_error("vcd: unknown hart");
}

void VcdTrace::queue(HartSignals& s, std::deque<Change>& q, Change& last, Change next) {
  if (next.a == last.a && next.b == last.b && next.c == last.c) return;
  const uint64_t now = to_ps(sc_core::sc_time_stamp());
  next.ps = std::max({to_ps(s.hart->observation_time()), last.ps, now});
  last = next;
  q.push_back(next);
  apply_event_.notify(sc_core::sc_time(static_cast<double>(next.ps - now), sc_core::SC_PS));
}

void VcdTrace::mode_changed(Hart& hart) {
  HartSignals& s = signals_of(hart);
  queue(s, s.mode_changes, s.last_mode,
        {0, static_cast<uint8_t>(hart.priv), static_cast<uint8_t>(hart.virt), static_cast<uint8_t>(hart.asleep())});
}

void VcdTrace::sleep_changed(Hart& hart, bool asleep) {
  HartSignals& s = signals_of(hart);
  queue(s, s.mode_changes, s.last_mode,
        {0, static_cast<uint8_t>(hart.priv), static_cast<uint8_t>(hart.virt), static_cast<uint8_t>(asleep)});
}

void VcdTrace::interrupts_changed(Hart& hart) {
  HartSignals& s = signals_of(hart);
  const uint64_t vs = hart.effective_mip();
  queue(s, s.irq_changes, s.last_irq, {0, (vs & kVsBits[0]) != 0, (vs & kVsBits[1]) != 0, (vs & kVsBits[2]) != 0});
}

void VcdTrace::apply() {
  const uint64_t now = to_ps(sc_core::sc_time_stamp());
  uint64_t next = UINT64_MAX;
  for (HartSignals& s : harts_) {
    if (!s.mode_changes.empty() && s.mode_changes.front().ps <= now) {
      Change c{};
      while (!s.mode_changes.empty() && s.mode_changes.front().ps <= now) {
        c = s.mode_changes.front();
        s.mode_changes.pop_front();
      }
      s.priv->write(c.a);
      s.v->write(c.b != 0);
      s.wfi->write(c.c != 0);
    }
    if (!s.irq_changes.empty() && s.irq_changes.front().ps <= now) {
      Change c{};
      while (!s.irq_changes.empty() && s.irq_changes.front().ps <= now) {
        c = s.irq_changes.front();
        s.irq_changes.pop_front();
      }
      s.vssip->write(c.a != 0);
      s.vstip->write(c.b != 0);
      s.vseip->write(c.c != 0);
    }
    if (!s.mode_changes.empty()) next = std::min(next, s.mode_changes.front().ps);
    if (!s.irq_changes.empty()) next = std::min(next, s.irq_changes.front().ps);
  }
  if (next != UINT64_MAX) apply_event_.notify(sc_core::sc_time(static_cast<double>(next - now), sc_core::SC_PS));
}

}  // namespace rvh
