/**
 * The op code tables of aekit's native addon, as native.ts uses them: the names of the ops and
 * activations the addon's functions take, and the check that an addon exports a code for each.
 * The codes themselves are the addon's (`addon.unaryOps` …, written in `native/ops.h`); no
 * number here crosses the JS/C++ boundary.
 */

/** Names of the element-wise ops of the addon's `unary`, as in its `unaryOps` table. */
export const UNARY_OPS = ['selu', 'exp', 'sigmoid', 'relu'] as const;
/** Names of the ops of the addon's `binary`, as in its `binaryOps` table. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'greater'] as const;
/**
 * Activations the addon's `matMul`, `conv2dForward`, `conv2dTranspose` and `activationBiasGrad`
 * apply in the same call (tfjs's `attrs.activation` names, and selu), its `activations` table.
 */
export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'elu', 'relu6', 'leakyrelu', 'selu'] as const;

/** An op code table the addon exports: name → the number that crosses the boundary. */
export type OpTable<Name extends string> = Readonly<Record<Name, number>>;

/**
 * The op code tables of the addon (frozen objects of name → code). Every code native.ts passes
 * comes from these; the numbers are written only in `native/ops.h`.
 */
export interface NativeOpTables {
  unaryOps: OpTable<(typeof UNARY_OPS)[number]>;
  binaryOps: OpTable<(typeof BINARY_OPS)[number]>;
  activations: OpTable<(typeof ACTIVATIONS)[number]>;
}

/** The op names native.ts needs from each table ({@link checkOpTables} holds an addon to them). */
export const NATIVE_OP_NAMES: { readonly [T in keyof NativeOpTables]: readonly (keyof NativeOpTables[T] & string)[] } = {
  unaryOps: UNARY_OPS,
  binaryOps: BINARY_OPS,
  activations: ACTIVATIONS,
};

/**
 * Throws unless `mod` has every op code table native.ts uses, each with an integer code for
 * every name in {@link NATIVE_OP_NAMES} (an addon built from older sources has none).
 */
export function checkOpTables(mod: object): void {
  for (const [table, names] of Object.entries(NATIVE_OP_NAMES) as [keyof NativeOpTables, readonly string[]][]) {
    const codes = (mod as Record<string, unknown>)[table] as Record<string, unknown> | null | undefined;
    if (codes === null || typeof codes !== 'object')
      throw new Error(`the addon exports no op code table '${table}' (built from older sources?)`);
    const missing = names.filter((n) => !Object.hasOwn(codes, n) || !Number.isInteger(codes[n]));
    if (missing.length > 0) throw new Error(`the addon's op code table '${table}' lacks ${missing.join(', ')}`);
  }
}

/** The code of `name` in `table`, or undefined when the table has no such op (own properties only). */
export function opCode<Name extends string>(table: OpTable<Name>, name: string | undefined): number | undefined {
  return name !== undefined && Object.hasOwn(table, name) ? table[name as Name] : undefined;
}
