// platform/dl_library.h: a shared library loaded with dlopen when first
// needed rather than linked, and its functions looked up by name. A linked
// library costs every start of rvh-vp its loading and relocation, used or
// not: libopcodes for --trace-disasm (platform/disassembler.cpp), libcrypto
// for the reports' SHA-256 (platform/provenance.cpp).
#pragma once
#include <dlfcn.h>

#include <string>

namespace rvh {

class DlLibrary {
 public:
  // Loads `soname` (RTLD_NOW | RTLD_LOCAL). It stays loaded for the rest of
  // the process (libbfd, for one, keeps global state).
  explicit DlLibrary(const char* soname) : handle_(dlopen(soname, RTLD_NOW | RTLD_LOCAL)) {
    if (!handle_) error_ = dlerror();
  }
  bool loaded() const { return handle_ != nullptr; }
  const std::string& error() const { return error_; }  // why it could not be loaded

  // Points `fn` (a function pointer) at the library's `name`; false, and
  // `fn` null, if it has none (or is not loaded).
  template <typename Fn>
  bool bind(Fn& fn, const char* name) const {
    fn = reinterpret_cast<Fn>(handle_ ? dlsym(handle_, name) : nullptr);
    return fn != nullptr;
  }

 private:
  void* handle_;
  std::string error_;
};

}  // namespace rvh
