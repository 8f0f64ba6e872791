#pragma once

// Byte scanning on the parser's hot path, sixteen bytes at a time with SSE2 (part of every
// x86-64 CPU; other targets take the plain loops). Internal to the hl7 module.

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace aliquot::hl7::scan {

inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
// A segment id is three of these, the first a letter ("PID", "ZB1").
inline bool is_segment_id_char(char c) { return is_upper(c) || is_digit(c); }

// Bit i set when p[i] is CR or LF, for the 64 bytes at p.
inline std::uint64_t line_end_mask(const char* p) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  std::uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const unsigned bits = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf))));
    mask |= static_cast<std::uint64_t>(bits) << (16 * i);
  }
  return mask;
#else
  std::uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) {
    if (p[i] == '\r' || p[i] == '\n') mask |= std::uint64_t{1} << i;
  }
  return mask;
#endif
}

// As above for the `size` (< 64) bytes at p; the bits past them are clear.
inline std::uint64_t line_end_mask(const char* p, std::size_t size) {
  char block[64] = {};
  if (size > 0) std::memcpy(block, p, size);
  return line_end_mask(block);
}

// The first CR or LF in [p, end), or end.
inline const char* find_line_end(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, cr), _mm_cmpeq_epi8(chunk, lf)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != '\r' && *p != '\n') ++p;
  return p;
}

// The `n`-th (1-based, n >= 1) `c` in [p, end), or end when there are fewer.
inline const char* find_nth_byte(const char* p, const char* end, char c, int n) {
#if defined(__SSE2__)
  const __m128i wanted = _mm_set1_epi8(c);
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, wanted)));
    // Few bits are set: visiting them beats a popcount, which without -mpopcnt is a call.
    while (mask != 0) {
      if (--n == 0) return p + __builtin_ctz(mask);
      mask &= mask - 1;
    }
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    if (*p == c && --n == 0) return p;
  }
  return end;
}

// The first `c` in [p, end), or end.
inline const char* find_byte(const char* p, const char* end, char c) {
#if defined(__SSE2__)
  // Delimiters are usually a few bytes away: a short vector loop first, the C library's memchr
  // (wider vectors) for the rare long stretch such as an encapsulated document.
  const __m128i wanted = _mm_set1_epi8(c);
  for (int i = 0; i < 4 && end - p >= 16; ++i) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, wanted));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
  if (end - p < 16) {
    while (p < end && *p != c) ++p;
    return p;
  }
#endif
  if (p == end) return end;
  const void* hit = std::memchr(p, c, static_cast<std::size_t>(end - p));
  return hit == nullptr ? end : static_cast<const char*>(hit);
}

// How many `c` are in [p, end).
inline std::size_t count_byte(const char* p, const char* end, char c) {
  std::size_t count = 0;
  for (; p < end; ++p) count += (*p == c) ? 1 : 0;
  return count;
}

}  // namespace aliquot::hl7::scan
