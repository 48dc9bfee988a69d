/**
 * A Python zipapp built byte for byte the same every time: the `.py` files of one folder (a
 * package with a `__main__.py`, like `remote/scripts/job/`) in a zip that `python3 FILE.pyz`
 * runs. Same inputs, same bytes — entries sorted by name, stored uncompressed, every timestamp
 * 1980-01-01 00:00, no extra fields or attributes — so the script catalog can name the upload
 * by its content hash, and any change to any module makes a new name.
 */
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  /** The name inside the archive (`__main__.py`, `steps.py`): plain ASCII, no folders. */
  name: string;
  content: Buffer;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const DOS_TIME_MIDNIGHT = 0;
const VERSION = 20; // 2.0: what a stored entry needs

/**
 * What a local and a central header both hold, in this order: version needed, flags, method
 * (stored), time, date, CRC-32, both sizes, name length, extra field length (none).
 */
function sharedFields(crc: number, size: number, nameLength: number): Buffer {
  const b = Buffer.alloc(26);
  b.writeUInt16LE(VERSION, 0);
  b.writeUInt16LE(0, 2); // flags
  b.writeUInt16LE(0, 4); // method: stored
  b.writeUInt16LE(DOS_TIME_MIDNIGHT, 6);
  b.writeUInt16LE(DOS_DATE_1980_01_01, 8);
  b.writeUInt32LE(crc, 10);
  b.writeUInt32LE(size, 14);
  b.writeUInt32LE(size, 18);
  b.writeUInt16LE(nameLength, 22);
  return b;
}

/** The zip of `entries` (sorted by name here), stored, with fixed timestamps. */
export function deterministicZip(entries: readonly ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [i, entry] of sorted.entries()) {
    if (!/^[A-Za-z0-9_.-]+$/.test(entry.name))
      throw new Error(`a zipapp entry needs a plain file name, not ${JSON.stringify(entry.name)}`);
    if (i > 0 && sorted[i - 1]!.name === entry.name)
      throw new Error(`the zipapp has "${entry.name}" twice`);
    const name = Buffer.from(entry.name, 'ascii');
    const crc = crc32(entry.content) >>> 0;
    const size = entry.content.length;
    const fields = sharedFields(crc, size, name.length);
    const local = Buffer.alloc(4);
    local.writeUInt32LE(0x04034b50, 0);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(VERSION, 4); // made by (MS-DOS attributes: none set)
    fields.copy(header, 6);
    // comment length, disk, internal and external attributes: all 0
    header.writeUInt32LE(offset, 42);
    parts.push(local, fields, name, entry.content);
    central.push(header, name);
    offset += local.length + fields.length + name.length + size;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
