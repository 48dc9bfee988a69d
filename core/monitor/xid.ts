/**
 * NVIDIA Xid errors as the driver logs them to the kernel log, for the monitor's per-node xid
 * stream (remote/scripts/gpu-stream.sh, stream "xid"): `[ 6781741.548779] NVRM: Xid
 * (PCI:0000:91:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.` (current
 * drivers; the captures in fixtures/dmesg-xid*.log), `NVRM: Xid (0000:01:00): 13, ...` (older
 * drivers, no `PCI:`), with journalctl's `host kernel:` between the stamp and `NVRM`. The GPU is
 * named by its PCI bus id, which nvidia-smi prints as `00000000:91:00.0` (pci.bus_id): both are
 * brought to one form here. NVSwitch `SXid` lines are not GPU Xids.
 */

export interface XidEvent {
  /** Kernel timestamp (seconds of CLOCK_MONOTONIC), when the line has one. */
  monotonicS: number | null;
  /** The GPU's PCI address, `dddd:bb:dd` (lower case, no function). */
  busId: string;
  code: number;
  /** The driver's text after the code (`pid=..., name=..., GPU has fallen off the bus.`). */
  text: string;
}

const XID =
  /^(?:\[\s*(\d+(?:\.\d+)?)\])?.*?\bNVRM: Xid \((?:PCI:)?([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})(?:\.[0-7])?\): (\d+),\s*(.*)$/;

/** A kernel log line with a GPU Xid, else null. */
export function parseXidLine(line: string): XidEvent | null {
  const m = XID.exec(line.trim());
  if (!m) return null;
  return {
    monotonicS: m[1] ? Number(m[1]) : null,
    busId: `${m[2]!.slice(-4)}:${m[3]}:${m[4]}`.toLowerCase(),
    code: Number(m[5]),
    text: m[6]!.trim(),
  };
}

/** nvidia-smi's pci.bus_id (`00000000:3B:00.0`) in the form Xid lines name a GPU (`0000:3b:00`). */
export function xidBusId(pciBusId: string): string | null {
  const m = /^([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})(?:\.[0-7])?$/.exec(
    pciBusId.trim(),
  );
  return m ? `${m[1]!.slice(-4)}:${m[2]}:${m[3]}`.toLowerCase() : null;
}

/**
 * Xids after which the GPU is not usable until it is reset or the node rebooted (NVIDIA's Xid
 * catalog, docs.nvidia.com/deploy/xid-errors: resolution RESET_GPU / REBOOT_SYSTEM, or the GPU
 * gone): 48 double-bit ECC, 62 internal micro-controller halt, 64 ECC page retirement / row
 * remapping failure, 74 NVLink, 79 fallen off the bus, 92 high single-bit ECC rate, 94 contained
 * / 95 uncontained ECC, 119 / 120 GSP RPC timeout / GSP error, 140 unrecovered ECC.
 */
export const FATAL_XIDS: ReadonlySet<number> = new Set([
  48, 62, 64, 74, 79, 92, 94, 95, 119, 120, 140,
]);

const MEANING: Record<number, string> = {
  13: 'graphics engine exception',
  31: 'GPU memory page fault',
  43: 'GPU stopped processing',
  45: 'preemptive cleanup',
  48: 'double-bit ECC error',
  62: 'internal micro-controller halt',
  63: 'ECC page retirement / row remapping event',
  64: 'ECC page retirement / row remapping failure',
  74: 'NVLink error',
  79: 'GPU has fallen off the bus',
  92: 'high single-bit ECC error rate',
  94: 'contained ECC error',
  95: 'uncontained ECC error',
  119: 'GSP RPC timeout',
  120: 'GSP error',
  140: 'unrecovered ECC error',
};

/** A short meaning of the code, for messages ("Xid 79 (GPU has fallen off the bus)"). */
export function xidLabel(code: number): string {
  return MEANING[code] ? `Xid ${code} (${MEANING[code]})` : `Xid ${code}`;
}
