#pragma once
// ASCII case for protocol text (header names, schemes, hosts, keywords): never locale-dependent.
// UTF-8 sequences, and text from outside made safe to print on one line.

#include <cstddef>
#include <string>
#include <string_view>

namespace ebworker {

std::string to_lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);

// The length (1 to 4) of the UTF-8 sequence `text` starts with, or 0 when it starts with none: a
// stray continuation byte, an overlong form, a surrogate, a code point past U+10FFFF, a cut
// sequence, or nothing at all.
std::size_t utf8_sequence_length(std::string_view text);

// `text` as one line of a log or a terminal may show it: every control character escaped, so
// bytes from outside can neither break the line, nor forge one, nor move a terminal's cursor.
// \n, \r and \t as written in C; the other C0 controls, DEL, the C1 controls (U+0080 to U+009F,
// their UTF-8 bytes) and bytes that are not UTF-8 as \xHH. Everything else, backslashes
// included, is left as it is: text with nothing to escape comes back unchanged.
std::string escape_control_characters(std::string_view text);

// True when every byte of `text` is part of a UTF-8 sequence (utf8_sequence_length).
bool is_valid_utf8(std::string_view text);
// `text` as valid UTF-8, for what requires it (JSON, Prometheus label values, HTML): each byte
// that is not part of a UTF-8 sequence becomes U+FFFD; valid text comes back unchanged.
std::string repair_utf8(std::string_view text);
// How much of a value from outside a label, a record or a log line quotes: repair_utf8 of its
// first bytes, at most `max_bytes` of them, cut between characters, then "…" (3 bytes) when
// anything was cut. Reads no further than it keeps, so a megabyte costs no more than a name.
std::string bounded_utf8(std::string_view text, std::size_t max_bytes);
// The same bound for text a log line quotes, bytes kept as they are (the log escapes them): at most
// the first `max_bytes` of `text`, not splitting a UTF-8 sequence, then "…" when anything was cut.
std::string bounded_text(std::string_view text, std::size_t max_bytes);

}  // namespace ebworker
