#include "audit/chain.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

// The x86-64 SHA extensions hash the chain several times faster than libsodium's portable
// SHA-256 (the audit entry's hash is a large part of what recording a result costs).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ALIQUOT_AUDIT_SHA_EXTENSIONS 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace aliquot::audit {
namespace {

// Entries read per call while verifying, so that a long trail is walked in bounded memory.
constexpr std::int64_t kVerifyPageSize = 10000;

// Tags the serialization so that a later form (v2) can never produce the same bytes.
constexpr std::string_view kCanonicalFormTag = "aliquot.audit.v1";

// libsodium asks for sodium_init() before use; a function-local static runs it exactly once,
// whichever thread gets here first (C++11 guarantees thread-safe initialization).
bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

using Digest = std::array<unsigned char, crypto_hash_sha256_BYTES>;

#ifdef ALIQUOT_AUDIT_SHA_EXTENSIONS

// SHA-256 (FIPS 180-4) with the SHA extensions (SHA256RNDS2, SHA256MSG1, SHA256MSG2). Used only
// when the processor reports them (sha_extensions_available()); chain_test.cc compares its digests
// with libsodium's over inputs of every length up to several blocks.

// FIPS 180-4 section 4.2.2: the round constants.
alignas(16) constexpr std::uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// FIPS 180-4 section 5.3.3: the initial hash value.
constexpr std::uint32_t kInitialHash[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                           0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// CPUID leaf 7 EBX bit 29 (SHA), leaf 1 ECX bits 9 (SSSE3) and 19 (SSE4.1).
bool sha_extensions_available() {
  static const bool available = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
    const bool ssse3 = (ecx & (1u << 9)) != 0;
    const bool sse41 = (ecx & (1u << 19)) != 0;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
    const bool sha = (ebx & (1u << 29)) != 0;
    return ssse3 && sse41 && sha;
  }();
  return available;
}

// Runs the compression function over `blocks` 64-byte blocks (FIPS 180-4 section 6.2.2).
// `state` holds H0..H7 as in the standard.
__attribute__((target("sha,sse4.1,ssse3"))) void compress_with_sha_extensions(
    std::uint32_t state[8], const unsigned char* data, std::size_t blocks) {
  // The instructions keep the working variables as two vectors, ABEF and CDGH, each with its
  // first letter in the highest lane.
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0]));   // D C B A
  __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4]));  // H G F E
  low = _mm_shuffle_epi32(low, 0xB1);                                           // C D A B
  high = _mm_shuffle_epi32(high, 0x1B);                                         // E F G H
  __m128i abef = _mm_alignr_epi8(low, high, 8);                                 // A B E F
  __m128i cdgh = _mm_blend_epi16(high, low, 0xF0);                              // C D G H

  for (std::size_t block = 0; block < blocks; ++block, data += 64) {
    const __m128i abef_before = abef;
    const __m128i cdgh_before = cdgh;
    // w[i] holds message words 4i..4i+3 of the schedule (lane j = word 4i+j), kept for the
    // last four groups only.
    __m128i w[4];
    for (int group = 0; group < 16; ++group) {
      __m128i words;
      if (group < 4) {
        words = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * group)), byte_swap);
      } else {
        // W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], four at a time: MSG1
        // adds sigma0, the aligned vector brings W[t-7], MSG2 adds sigma1.
        const __m128i& w16 = w[group % 4];        // words t-16..t-13
        const __m128i& w12 = w[(group + 1) % 4];  // words t-12..t-9
        const __m128i& w8 = w[(group + 2) % 4];   // words t-8..t-5
        const __m128i& w4 = w[(group + 3) % 4];   // words t-4..t-1
        words = _mm_add_epi32(_mm_sha256msg1_epu32(w16, w12), _mm_alignr_epi8(w4, w8, 4));
        words = _mm_sha256msg2_epu32(words, w4);
      }
      w[group % 4] = words;
      __m128i sums = _mm_add_epi32(
          words, _mm_load_si128(reinterpret_cast<const __m128i*>(&kRoundConstants[4 * group])));
      // Two rounds with the lower two sums, two with the upper two.
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sums);
      sums = _mm_shuffle_epi32(sums, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, sums);
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }

  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), _mm_alignr_epi8(dchg, feba, 8));
}

// SHA-256 of `bytes`: the whole blocks straight from the input, then the padded tail (FIPS
// 180-4 section 5.1.1: a 1 bit, zeros, and the length in bits as a 64-bit big-endian number).
Digest sha256_with_sha_extensions(std::string_view bytes) {
  std::uint32_t state[8];
  std::memcpy(state, kInitialHash, sizeof state);
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t whole_blocks = bytes.size() / 64;
  compress_with_sha_extensions(state, data, whole_blocks);

  unsigned char tail[128] = {};
  const std::size_t rest = bytes.size() % 64;
  if (rest > 0) std::memcpy(tail, data + whole_blocks * 64, rest);
  tail[rest] = 0x80;
  const std::size_t tail_size = rest < 56 ? 64 : 128;
  const std::uint64_t bits = static_cast<std::uint64_t>(bytes.size()) * 8;
  for (int i = 0; i < 8; ++i) {
    tail[tail_size - 1 - static_cast<std::size_t>(i)] = static_cast<unsigned char>(bits >> (8 * i));
  }
  compress_with_sha_extensions(state, tail, tail_size / 64);

  Digest digest{};
  for (std::size_t i = 0; i < 8; ++i) {
    digest[4 * i] = static_cast<unsigned char>(state[i] >> 24);
    digest[4 * i + 1] = static_cast<unsigned char>(state[i] >> 16);
    digest[4 * i + 2] = static_cast<unsigned char>(state[i] >> 8);
    digest[4 * i + 3] = static_cast<unsigned char>(state[i]);
  }
  return digest;
}

#endif  // ALIQUOT_AUDIT_SHA_EXTENSIONS

Digest sha256(std::string_view bytes) {
#ifdef ALIQUOT_AUDIT_SHA_EXTENSIONS
  if (sha_extensions_available()) return sha256_with_sha_extensions(bytes);
#endif
  (void)sodium_ready();  // SHA-256 needs no initialization, but the library asks for it
  Digest digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return digest;
}

// Appends `field` as a netstring: its length in bytes in decimal, ':', the bytes, ','.
void append_netstring(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

// The canonical form that compute_hash() hashes, so that an auditor can re-implement it:
//
//   the concatenation of these 14 netstrings ("<length>:<bytes>," with <length> the decimal
//   number of bytes, as in D. J. Bernstein's netstring format), in this order:
//     "aliquot.audit.v1", sequence, at, actor, action, entity_type, entity_key, patient_mrn,
//     accession_number, test_code, before, after, reason, previous_hash
//   where sequence is written in decimal ("57"), at as decimal unix milliseconds UTC
//   ("1794947201000"; negative with a leading '-'), and text fields as their UTF-8 bytes.
//
// Each field carries its own length, so no choice of contents can make two different entries
// serialize to the same bytes. The hash is lowercase hex of SHA-256 over these bytes.
std::string canonical_form(const core::AuditEntry& entry) {
  std::string out;
  out.reserve(256 + entry.before.size() + entry.after.size());
  append_netstring(out, kCanonicalFormTag);
  append_netstring(out, std::to_string(entry.sequence));
  append_netstring(out, std::to_string(core::to_unix_millis(entry.at)));
  append_netstring(out, entry.actor);
  append_netstring(out, entry.action);
  append_netstring(out, entry.entity_type);
  append_netstring(out, entry.entity_key);
  append_netstring(out, entry.patient_mrn);
  append_netstring(out, entry.accession_number);
  append_netstring(out, entry.test_code);
  append_netstring(out, entry.before);
  append_netstring(out, entry.after);
  append_netstring(out, entry.reason);
  append_netstring(out, entry.previous_hash);
  return out;
}

// "57 (result.release 260000042H/K at 2026-11-21T20:26:41Z by tech1)": how the problems name an
// entry, with what it claims to be.
std::string describe(const core::AuditEntry& entry) {
  return "entry " + std::to_string(entry.sequence) + " (" + entry.action + " " + entry.entity_key +
         " at " + core::format_instant(entry.at) + " by " + entry.actor + ")";
}

VerifyReport broken(VerifyReport report, std::optional<std::int64_t> sequence,
                    std::string problem) {
  report.intact = false;
  report.first_bad_sequence = sequence;
  report.problem = std::move(problem);
  return report;
}

}  // namespace

std::string compute_hash(const core::AuditEntry& entry) {
  const Digest digest = sha256(canonical_form(entry));
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

Result<core::AuditEntry> record(store::Transaction& tx, std::string_view actor, core::Instant at,
                                const Change& change) {
  // Only the last entry's sequence and hash are needed: the link, not the whole entry.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::AuditHead> last, tx.last_audit_link());
  core::AuditEntry entry;
  entry.sequence = last ? last->sequence + 1 : 1;
  entry.at = at;
  entry.actor = std::string(actor);
  entry.action = change.action;
  entry.entity_type = change.entity_type;
  entry.entity_key = change.entity_key;
  entry.patient_mrn = change.patient_mrn;
  entry.accession_number = change.accession_number;
  entry.test_code = change.test_code;
  entry.before = change.before;
  entry.after = change.after;
  entry.reason = change.reason;
  entry.previous_hash = last ? last->hash : "";
  entry.hash = compute_hash(entry);
  ALIQUOT_RETURN_IF_ERROR(tx.append_audit_entry(entry));
  return entry;
}

Result<VerifyReport> verify(store::Transaction& tx) {
  VerifyReport report;
  std::optional<core::AuditEntry> previous;
  std::int64_t next_sequence = 1;
  for (;;) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::AuditEntry> page,
                             tx.audit_entries(next_sequence, kVerifyPageSize));
    for (const core::AuditEntry& entry : page) {
      // 1. No entry may be missing between the previous one and this one.
      if (entry.sequence != next_sequence) {
        const std::string after =
            previous ? "after " + std::to_string(previous->sequence) : "at the start of the trail";
        return broken(report, next_sequence,
                      "entry " + std::to_string(next_sequence) + " is missing (found " +
                          std::to_string(entry.sequence) + " " + after + ")");
      }
      // 2. The entry's content must still produce its hash.
      if (compute_hash(entry) != entry.hash) {
        return broken(report, entry.sequence,
                      describe(entry) + " was altered: its content no longer matches its hash");
      }
      // 3. Its link must name the previous entry's hash. The entry itself is intact (2), so
      //    when the link does not match it is the previous entry that was rewritten, hash and
      //    all.
      const std::string expected_link = previous ? previous->hash : "";
      if (entry.previous_hash != expected_link) {
        if (!previous) {
          return broken(report, entry.sequence,
                        describe(entry) +
                            " does not start the chain: it links to a previous "
                            "hash although no entry precedes it");
        }
        return broken(report, previous->sequence,
                      describe(*previous) + " was altered: its hash was recomputed, but entry " +
                          std::to_string(entry.sequence) + " is chained to a different hash");
      }
      ++report.entries_checked;
      previous = entry;
      ++next_sequence;
    }
    if (static_cast<std::int64_t>(page.size()) < kVerifyPageSize) break;
  }

  // 4. The head, kept apart from the entries, must name the last entry: otherwise entries were
  //    removed from the end, added around the store, or the last entry was rewritten.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::AuditHead> head, tx.audit_head());
  const std::int64_t last = previous ? previous->sequence : 0;
  if (!head) {
    if (previous) {
      return broken(report, std::nullopt,
                    "the audit chain head is missing although the trail holds entries 1-" +
                        std::to_string(last));
    }
    return report;
  }
  if (head->sequence > last) {
    const std::string missing = head->sequence == last + 1
                                    ? "entry " + std::to_string(last + 1) + " is missing"
                                    : "entries " + std::to_string(last + 1) + "-" +
                                          std::to_string(head->sequence) + " are missing";
    return broken(report, last + 1,
                  missing + " (the trail ends at " + std::to_string(last) +
                      " but the chain head records entry " + std::to_string(head->sequence) + ")");
  }
  if (head->sequence < last) {
    return broken(report, head->sequence + 1,
                  "entry " + std::to_string(head->sequence + 1) +
                      " was added outside the store: the chain head records entry " +
                      std::to_string(head->sequence) + " as the last");
  }
  if (previous && head->hash != previous->hash) {
    return broken(report, previous->sequence,
                  describe(*previous) +
                      " was altered: its hash was recomputed, but the chain head records a "
                      "different hash");
  }
  return report;
}

}  // namespace aliquot::audit
