// hl7_parse_bench peer: @medplum/core (npm, pinned in the repository's package.json) doing the
// bench's work.
//
// Reads the corpus (one message per line, segments ending with CR) and cuts it into messages
// before timing. Timed: Hl7Message.parse() of every message, then for every OBX segment
// getField(5).toString(), the lengths summed. @medplum/core has no unescaping: toString()
// returns the field as received, escape sequences included. Prints one JSON line: peer,
// seconds, messages, bytes, checksum; or {"skip": reason}.
//
// @medplum/core touches a WebSocket global when imported; Node 20 has none, so a stub is set
// first (the parser never uses it).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

globalThis.WebSocket ??= class WebSocket {};

let core;
try {
  core = await import('@medplum/core');
} catch (error) {
  console.log(JSON.stringify({ skip: `@medplum/core is not installed (npm install): ${error.message}` }));
  process.exit(0);
}
let name = '@medplum/core';
try {
  // The package does not export its package.json: find it above its entry point.
  const manifest = (dir) =>
    existsSync(join(dir, 'package.json')) ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) : {};
  let dir = dirname(createRequire(import.meta.url).resolve('@medplum/core'));
  while (manifest(dir).name !== '@medplum/core' && dirname(dir) !== dir) dir = dirname(dir);
  name += ' ' + manifest(dir).version;
} catch {
  // the version is only decoration
}

const messages = readFileSync(process.argv[2], 'latin1').split('\n').filter((m) => m.length > 0);
const bytes = messages.reduce((sum, m) => sum + m.length, 0);

let checksum = 0;
const start = process.hrtime.bigint();
for (const text of messages) {
  const message = core.Hl7Message.parse(text);
  for (const segment of message.getAllSegments('OBX')) {
    checksum += segment.getField(5).toString().length;
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(
  JSON.stringify({
    peer: name,
    seconds,
    messages: messages.length,
    bytes,
    checksum,
    work: 'Hl7Message.parse + OBX getField(5).toString() (raw: no unescaping)',
  }),
);
