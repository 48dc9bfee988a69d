/**
 * Test key pairs for in-process ssh2 servers and clients. ssh2's `utils.generateKeyPairSync`
 * writes an ed25519 key whose first byte is 0 with that byte dropped (31 bytes): about 1 key in
 * 256, which ssh2 itself then refuses to parse ("Malformed OpenSSH public key"; 81 of 20,000
 * here). A test that drew one failed at random, so tests take their keys from here: a pair that
 * parses, drawn again when it does not (bounded).
 */
import ssh2 from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader does not see `utils` as a named export.
const { utils } = ssh2;

export function ed25519KeyPair(): { public: string; private: string } {
  for (let i = 0; i < 32; i++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (
      !(utils.parseKey(pair.public) instanceof Error) &&
      !(utils.parseKey(pair.private) instanceof Error)
    )
      return pair;
  }
  throw new Error('ssh2 gave 32 ed25519 key pairs that do not parse');
}
