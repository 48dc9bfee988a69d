/**
 * Xid lines as real kernels log them (fixtures/dmesg-xid*.log: dmesg form; journalctl's
 * short-monotonic form; the older form without `PCI:`), the GPU named by a bus id that matches
 * nvidia-smi's pci.bus_id, and nothing else in those logs read as an Xid (NVSwitch SXid lines,
 * the driver's GPU and RPC lines, stack traces).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FATAL_XIDS, parseXidLine, xidBusId, xidLabel } from './xid';

const log = (f: string) =>
  fs
    .readFileSync(path.resolve(__dirname, 'fixtures', f), 'utf8')
    .trim()
    .split('\n');

describe('Xid lines', () => {
  it('reads Xid 79 from the reconstructed kernel log and ignores every other line', () => {
    const lines = log('dmesg-xid79-fallen-off-bus-sxid20034-RECONSTRUCTED.log');
    const xids = lines.map(parseXidLine).filter((x) => x !== null);
    expect(xids).toEqual([
      {
        monotonicS: 6781741.548779,
        busId: '0000:91:00',
        code: 79,
        text: "pid='<unknown>', name=<unknown>, GPU has fallen off the bus.",
      },
    ]);
    expect(lines.some((l) => l.includes('SXid'))).toBe(true); // NVSwitch errors are there, not read
    expect(FATAL_XIDS.has(79)).toBe(true);
    expect(xidLabel(79)).toBe('Xid 79 (GPU has fallen off the bus)');
  });

  it('reads the Xid 119 bursts (wall-clock dmesg -T stamps: no monotonic time)', () => {
    const xids = log('dmesg-xid119-gsp-rpc-timeout-name-nvidia-smi.log')
      .map(parseXidLine)
      .filter((x) => x !== null);
    expect(xids).toHaveLength(5);
    expect(new Set(xids.map((x) => `${x.busId} ${x.code} ${x.monotonicS}`))).toEqual(
      new Set(['0000:9b:00 119 null']),
    );
    expect(xids[0]!.text).toMatch(/^pid=2024380, name=nvidia-smi, Timeout after 6s/);
  });

  it("reads journalctl's short-monotonic form and the older form without PCI:", () => {
    expect(
      parseXidLine(
        '[ 6781741.548779] gpu-7 kernel: NVRM: Xid (PCI:0000:3b:00): 48, pid=1234, name=python, An uncorrectable double bit error',
      ),
    ).toMatchObject({ monotonicS: 6781741.548779, busId: '0000:3b:00', code: 48 });
    expect(
      parseXidLine(
        '[ 4909.922970] NVRM: Xid (0000:01:00): 13, 0005 00000000 0000502d 00000104 00000000 00000100',
      ),
    ).toMatchObject({ busId: '0000:01:00', code: 13 });
    expect(
      parseXidLine('NVRM: GPU at PCI:0000:91:00: GPU-b6c3b2be-c55b-d076-fa0e-d464e4c7e08b'),
    ).toBeNull();
  });

  it("names the GPU by a bus id that matches nvidia-smi's pci.bus_id", () => {
    expect(xidBusId('00000000:3B:00.0')).toBe('0000:3b:00');
    expect(xidBusId('00000000:91:00.0')).toBe(
      parseXidLine(log('dmesg-xid79-fallen-off-bus-sxid20034-RECONSTRUCTED.log')[2]!)!.busId,
    );
    expect(xidBusId('not a bus')).toBeNull();
  });
});
