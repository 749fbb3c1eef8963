/**
 * Test support (not public API): reads x86-64 machine code as `objdump -d -C --insn-width=15`
 * prints it and tells, function by function, the highest instruction set it uses; and checks a
 * linked library against the object files it was linked from. native-isa.test.ts holds the
 * native addon to it (native/isa.h: generic code, AVX2 kernels, AVX-512 kernels).
 */

/** Instruction-set levels, in the order native/build.mjs links them: plain x86-64, x86-64-v3 (AVX2), x86-64-v4 (AVX-512). */
export const LEVEL_NAMES = ['generic', 'avx2', 'avx512'] as const;
export type Level = 0 | 1 | 2;

/** One function of a disassembly. */
export interface FunctionCode {
  /** Demangled name, as objdump writes it between < and >. */
  name: string;
  /** The highest level of its instructions. */
  level: Level;
  /** Its instructions per level. */
  counts: [number, number, number];
  /** Instructions with a ZMM (512-bit) or YMM (256-bit) operand. */
  zmm: number;
  ymm: number;
  /** Functions it calls or jumps to directly (names without `@plt`). */
  calls: string[];
}

/** Prefixes that may stand before a VEX or EVEX prefix: segment overrides and address size. */
const LEGACY_PREFIXES = new Set(['26', '2e', '36', '3e', '64', '65', '67']);

/**
 * The level of one instruction from its bytes: EVEX-encoded (first byte 0x62) is AVX-512;
 * VEX-encoded (0xc4, 0xc5: AVX, AVX2, FMA, F16C, BMI1, BMI2) or LZCNT, TZCNT, MOVBE is x86-64-v3;
 * anything else is plain x86-64 (the compiler of the generic code was told no more). In 64-bit mode
 * those bytes begin no other instruction: BOUND, LES and LDS do not exist there.
 */
export function instructionLevel(bytes: string[], text: string): Level {
  let i = 0;
  while (i < bytes.length && LEGACY_PREFIXES.has(bytes[i])) i++;
  if (bytes[i] === '62') return 2;
  if (bytes[i] === 'c4' || bytes[i] === 'c5' || /^(lzcnt|tzcnt|movbe)\b/.test(text)) return 1;
  return 0;
}

/** The functions of an `objdump -d -C --insn-width=15` listing. */
export function parseDisassembly(listing: string): FunctionCode[] {
  const functions: FunctionCode[] = [];
  let current: FunctionCode | undefined;
  for (const line of listing.split('\n')) {
    const head = /^[0-9a-f]+ <(.*)>:$/.exec(line);
    if (head !== null) {
      current = { name: head[1], level: 0, counts: [0, 0, 0], zmm: 0, ymm: 0, calls: [] };
      functions.push(current);
      continue;
    }
    const insn = /^\s*[0-9a-f]+:\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\s*\t(.*)$/.exec(line);
    if (insn === null || current === undefined) continue;
    const text = insn[2];
    const level = instructionLevel(insn[1].split(' '), text);
    current.counts[level]++;
    if (level > current.level) current.level = level;
    if (/%zmm/.test(text)) current.zmm++;
    if (/%ymm/.test(text)) current.ymm++;
    const call = /^(?:call|jmp|j[a-z]{1,3})q?\s+[0-9a-f]+ <(.*)>\s*$/.exec(text);
    if (call !== null) {
      const target = call[1].replace(/\+0x[0-9a-f]+$/, '').replace(/@plt$/, '');
      if (target !== current.name && !current.calls.includes(target)) current.calls.push(target);
    }
  }
  return functions;
}

/** The functions of one object file, and the level it was compiled for. */
export interface ObjectCode {
  file: string;
  level: Level;
  functions: FunctionCode[];
}

/**
 * Checks a linked library against its objects. A function compiled into several objects (an
 * inline function or a template instantiation) is linked once, and code of every one of those
 * objects calls that copy: so each function's linked copy may use no more than the lowest level of
 * the objects that define it (a function defined in no object, from the C runtime, none above
 * generic); and no function calls or jumps directly to one of a higher level than its own objects'
 * (the instruction sets meet only through the kernel tables, data that no objdump call shows).
 * Returns what breaks these rules, one line each.
 */
export function linkViolations(objects: ObjectCode[], linked: FunctionCode[]): string[] {
  const definedAt = new Map<string, Level[]>();
  for (const o of objects)
    for (const f of o.functions) {
      const levels = definedAt.get(f.name) ?? [];
      levels.push(o.level);
      definedAt.set(f.name, levels);
    }
  const allowed = (name: string): Level[] => (definedAt.get(name) ?? [0]).slice().sort((a, b) => a - b);
  const copies = new Map<string, FunctionCode[]>();
  for (const f of linked) copies.set(f.name, [...(copies.get(f.name) ?? []), f]);
  const out: string[] = [];
  for (const [name, fs] of copies) {
    // Several copies of one name are local functions of several objects; compare them in order.
    const bounds = allowed(name);
    fs.slice()
      .sort((a, b) => a.level - b.level)
      .forEach((f, j) => {
        const bound = bounds[Math.min(j, bounds.length - 1)];
        if (f.level > bound)
          out.push(`${name}: its linked copy uses ${LEVEL_NAMES[f.level]} code, but ${LEVEL_NAMES[bound]} code calls it`);
        for (const target of f.calls) {
          const callee = copies.get(target);
          if (callee === undefined) continue; // in another library, which chooses its own code
          const level = Math.max(...callee.map((c) => c.level)) as Level;
          if (level > bound) out.push(`${name} (${LEVEL_NAMES[bound]}) calls ${target}, which uses ${LEVEL_NAMES[level]} code`);
        }
      });
  }
  return out;
}
