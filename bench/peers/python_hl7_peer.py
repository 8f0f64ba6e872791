#!/usr/bin/python3
"""hl7_parse_bench peer: python-hl7 (Debian package python3-hl7) doing the bench's work.

Reads the corpus (one message per line, segments ending with CR) and cuts it into messages
before timing. Timed: hl7.parse() of every message, then for every OBX segment its field 5 as
text (str(), which python-hl7 rebuilds from its parsed parts) unescaped with
Message.unescape(), the lengths summed. python-hl7 parses every message eagerly into nested
lists. Prints one JSON line: peer, seconds, messages, bytes, checksum; or {"skip": reason}.
"""

import json
import sys
import time


def main():
    try:
        import hl7
    except ImportError:
        print(json.dumps({"skip": "python-hl7 is not installed (Debian package python3-hl7)"}))
        return
    try:
        from importlib.metadata import version
        name = "python-hl7 " + version("hl7")
    except Exception:  # the version is only decoration
        name = "python-hl7"
    with open(sys.argv[1], "r", encoding="latin-1", newline="") as corpus:
        messages = [line for line in corpus.read().split("\n") if line]
    total_bytes = sum(len(m) for m in messages)

    checksum = 0
    start = time.perf_counter()
    for text in messages:
        message = hl7.parse(text)
        for segment in message.segments("OBX"):
            checksum += len(message.unescape(str(segment(5))))
    seconds = time.perf_counter() - start
    print(json.dumps({"peer": name, "seconds": seconds, "messages": len(messages),
                      "bytes": total_bytes, "checksum": checksum,
                      "work": "hl7.parse + unescape(str(OBX(5)))"}))


if __name__ == "__main__":
    main()
