// platform/provenance.cpp: see provenance.h.
//
// libcrypto (SHA-256 of the input files) is loaded with dlopen when a
// report first needs it, not linked: loading and relocating it took about
// 4 ms of every start of rvh-vp (docs/benchmarks.md), and most runs write
// no report.
#include "platform/provenance.h"

#include <cstdio>
#include <fstream>
#include <memory>

#include <boost/version.hpp>
#include <openssl/evp.h>
#include <systemc>
#include <tlm>

#include "platform/dl_library.h"
#include "rvh_build_info.h"

namespace rvh {
namespace {

// The few libcrypto functions used, from RVH_LIBCRYPTO_SONAME (the library
// the build found: platform/CMakeLists.txt). Null if it cannot be loaded;
// `why` then says why.
struct Crypto {
  decltype(&EVP_MD_CTX_new) ctx_new = nullptr;
  decltype(&EVP_MD_CTX_free) ctx_free = nullptr;
  decltype(&EVP_sha256) sha256 = nullptr;
  decltype(&EVP_DigestInit_ex) init = nullptr;
  decltype(&EVP_DigestUpdate) update = nullptr;
  decltype(&EVP_DigestFinal_ex) final = nullptr;
  std::string why;
};

const Crypto& crypto() {
  static const Crypto c = [] {
    Crypto c;
    const DlLibrary lib(RVH_LIBCRYPTO_SONAME);
    if (!lib.loaded()) {
      c.why = std::string("cannot load ") + RVH_LIBCRYPTO_SONAME + ": " + lib.error();
      return c;
    }
    const bool all = lib.bind(c.ctx_new, "EVP_MD_CTX_new") && lib.bind(c.ctx_free, "EVP_MD_CTX_free") &&
                     lib.bind(c.sha256, "EVP_sha256") && lib.bind(c.init, "EVP_DigestInit_ex") &&
                     lib.bind(c.update, "EVP_DigestUpdate") && lib.bind(c.final, "EVP_DigestFinal_ex");
    if (!all) {
      c = Crypto{};
      c.why = std::string(RVH_LIBCRYPTO_SONAME) + " has no EVP digest functions";
    }
    return c;
  }();
  return c;
}

std::string sha256_of_file(const std::string& path, uint64_t& bytes, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot read";
    return {};
  }
  const Crypto& lc = crypto();
  if (!lc.ctx_new) {
    error = "no SHA-256: " + lc.why;
    return {};
  }
  std::unique_ptr<EVP_MD_CTX, decltype(lc.ctx_free)> ctx(lc.ctx_new(), lc.ctx_free);
  if (!ctx || lc.init(ctx.get(), lc.sha256(), nullptr) != 1) {
    error = "no SHA-256 in libcrypto";
    return {};
  }
  char buf[1 << 16];
  bytes = 0;
  while (f) {
    f.read(buf, sizeof buf);
    const std::streamsize n = f.gcount();
    if (n <= 0) break;
    lc.update(ctx.get(), buf, static_cast<size_t>(n));
    bytes += static_cast<uint64_t>(n);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  lc.final(ctx.get(), md, &len);
  std::string hex;
  char two[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(two, sizeof two, "%02x", md[i]);
    hex += two;
  }
  return hex;
}

}  // namespace

nlohmann::json software_versions() {
  nlohmann::json v;
  v["rvh_vp"] = RVH_VERSION;
  v["source_revision"] = RVH_SOURCE_REVISION;
  v["systemc"] = sc_core::sc_release();
  v["tlm"] = TLM_VERSION;
#if defined(__clang__)
  v["compiler"] = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  v["compiler"] = std::string("gcc ") + __VERSION__;
#endif
  v["boost"] = std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) + "." +
               std::to_string(BOOST_VERSION % 100);
  v["nlohmann_json"] = std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
                       "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH);
  return v;
}

nlohmann::json describe_inputs(const std::vector<std::string>& paths) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : paths) {
    if (p.empty()) continue;
    uint64_t bytes = 0;
    std::string error;
    const std::string digest = sha256_of_file(p, bytes, error);
    nlohmann::json e = {{"path", p}};
    if (error.empty()) {
      e["bytes"] = bytes;
      e["sha256"] = digest;
    } else {
      e["error"] = error;
    }
    out.push_back(e);
  }
  return out;
}

nlohmann::json command_line_json(int argc, char** argv) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < argc; ++i) a.push_back(argv[i]);
  return a;
}


}  // namespace rvh
