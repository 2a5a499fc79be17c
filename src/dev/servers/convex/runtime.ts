/**
 * Runs the project's own convex/ functions with the official `convex-test`
 * runtime, and shapes each outcome the way Convex's HTTP API answers:
 * `{status: "success", value}` or a 560 `{status: "error", errorMessage,
 * errorData?}`. Adds the limits convex-test does not enforce on values
 * crossing the function boundary (8,192 elements per array).
 */
import { randomBytes } from 'node:crypto';
import { convexTest } from 'convex-test';
import { makeFunctionReference, type UserIdentity } from 'convex/server';
import { convexToJson, jsonToConvex, type JSONValue, type Value } from 'convex/values';
import schema from '../../../../convex/schema.js';
import { FUNCTION_MODULES, syncFunctions } from '../../../../convex/model/functions.js';
import { convexSchema } from '../../../../convex/model/schema.js';
import type { Registry } from '../../../schema/registry.js';
import { installIndexCache } from './index-cache.js';
import { CONVEX_MODULES, type Modules } from './modules.js';

export type UdfKind = 'query' | 'mutation' | 'action';

/** An HTTP answer: status code and JSON body. */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export const MAX_ARRAY_LENGTH = 8192;

/**
 * The convex/ modules, each imported once: a dynamic import per call costs
 * more than the call itself under tsx.
 */
export function loadModules(modules: Modules = CONVEX_MODULES): Modules {
  return Object.fromEntries(
    Object.entries(modules).map(([key, load]) => {
      let loaded: Promise<Record<string, unknown>> | undefined;
      return [key, () => (loaded ??= load())];
    }),
  );
}

/**
 * The modules of convex/ with push, pull and web built for `registry`
 * instead of the app's tables (convex/model/functions.ts): the same code
 * serving another set of declared tables.
 */
export function modulesFor(registry: Registry): Modules {
  const modules = loadModules();
  const functions = syncFunctions(registry) as Record<string, unknown>;
  for (const [file, names] of Object.entries(FUNCTION_MODULES)) {
    const exports = Object.fromEntries(names.map((name) => [name, functions[name]]));
    modules[`convex/${file}.ts`] = async () => exports;
  }
  return modules;
}

interface Registered {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isPublic?: boolean;
}

const kindOf = (fn: Registered): UdfKind | null =>
  fn.isQuery ? 'query' : fn.isMutation ? 'mutation' : fn.isAction ? 'action' : null;
const title = (kind: UdfKind) => kind[0]!.toUpperCase() + kind.slice(1);

/** The first array longer than Convex allows, anywhere in `value`. */
function oversizedArray(value: JSONValue): number | null {
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY_LENGTH) return value.length;
    for (const item of value) {
      const found = oversizedArray(item);
      if (found !== null) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = oversizedArray(item);
      if (found !== null) return found;
    }
  }
  return null;
}
const tooLong = (n: number) => `Array length is too long (${n} > maximum length ${MAX_ARRAY_LENGTH})`;

export class ConvexRuntime {
  private readonly t;

  constructor(
    private readonly modules: Modules,
    schemaDefinition: typeof schema = schema,
  ) {
    this.t = convexTest({ schema: schemaDefinition, modules, transactionLimits: true });
  }

  /**
   * A runtime with an empty database; `indexCache` speeds up indexed queries
   * (see index-cache.ts); `registry` serves those declared tables instead of
   * the app's (schema and functions built for it).
   */
  static async create(options: { indexCache: boolean; registry?: Registry }): Promise<ConvexRuntime> {
    const runtime =
      options.registry === undefined
        ? new ConvexRuntime(loadModules())
        : new ConvexRuntime(modulesFor(options.registry), convexSchema(options.registry));
    if (options.indexCache && !installIndexCache(await runtime.database())) {
      throw new Error('convex-test internals changed: update src/dev/servers/convex/index-cache.ts or pass indexCache: false');
    }
    return runtime;
  }

  /**
   * convex-test's database instance, which it does not expose: caught as the
   * component table passes through `Object.values` when a transaction begins
   * (patched for that one empty transaction only). Null if that changes.
   */
  private async database(): Promise<unknown> {
    const values = Object.values;
    let db: unknown = null;
    Object.values = ((o: object) => {
      const root = o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[''] : undefined;
      if (db === null && typeof root === 'object' && root !== null && 'db' in root && 'modules' in root) db = root.db;
      return values(o);
    }) as typeof Object.values;
    try {
      await this.t.run(async () => {});
    } finally {
      Object.values = values;
    }
    return db;
  }

  /**
   * Run public function `path` ("module:export") of `kind` ("any" for
   * /api/function) with JSON-encoded `args` as `identity` (null: anonymous).
   * Never throws for function failures: they become 560 replies.
   */
  async call(kind: UdfKind | 'any', path: string, args: JSONValue, identity: UserIdentity | null): Promise<Reply> {
    const requestId = randomBytes(8).toString('hex');
    const fail = (message: string, data?: JSONValue): Reply => ({
      status: 560,
      body: { status: 'error', errorMessage: message, ...(data === undefined ? {} : { errorData: data }), logLines: [] },
    });
    const [file = '', exportName = 'default'] = path.split(':');
    const name = `${file.replace(/\.js$/, '')}:${exportName}`;
    const fn = await this.lookup(name);
    const actual = fn && fn.isPublic ? kindOf(fn) : null;
    if (actual === null) {
      return fail(`[Request ID: ${requestId}] Server Error\nCould not find public function for '${name}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`);
    }
    if (kind !== 'any' && kind !== actual) {
      return fail(`[Request ID: ${requestId}] Server Error\nTrying to execute ${name} as ${title(kind)}, but it is defined as ${title(actual)}.`);
    }
    const oversized = oversizedArray(args);
    if (oversized !== null) return fail(`[Request ID: ${requestId}] Server Error\n${tooLong(oversized)}`);
    try {
      const value = await this.invoke(actual, name, jsonToConvex(args), identity);
      const json = convexToJson(value as Value);
      const returned = oversizedArray(json);
      if (returned !== null) {
        return fail(`[Request ID: ${requestId}] Server Error\nFunction ${file}.js:${exportName} return value invalid: ${tooLong(returned)}`);
      }
      return { status: 200, body: { status: 'success', value: json, logLines: [] } };
    } catch (error) {
      return errorReply(error, requestId, fail);
    }
  }

  private async invoke(kind: UdfKind, name: string, args: Value, identity: UserIdentity | null): Promise<unknown> {
    const t = identity === null ? this.t : this.t.withIdentity(identity);
    const argsObject = args as Record<string, Value>;
    if (kind === 'query') return await t.query(makeFunctionReference<'query'>(name), argsObject);
    if (kind === 'mutation') return await t.mutation(makeFunctionReference<'mutation'>(name), argsObject);
    return await t.action(makeFunctionReference<'action'>(name), argsObject);
  }

  private async lookup(name: string): Promise<Registered | null> {
    const [modulePath, exportName] = name.split(':') as [string, string];
    const load = this.modules[`convex/${modulePath}.ts`] ?? this.modules[`convex/${modulePath}.js`];
    if (load === undefined || modulePath.startsWith('_generated')) return null;
    const exported = (await load())[exportName];
    return typeof exported === 'function' || typeof exported === 'object' ? (exported as Registered) : null;
  }
}

/**
 * A thrown function error as Convex reports it: a `ConvexError` keeps its
 * message and carries its data as `errorData`; anything else is an
 * "Uncaught" server error (as on a dev deployment, which shows the message).
 */
function errorReply(error: unknown, requestId: string, fail: (message: string, data?: JSONValue) => Reply): Reply {
  const err = error instanceof Error ? error : new Error(String(error));
  if (Symbol.for('ConvexError') in err) {
    const data = (err as Error & { data: Value }).data;
    return fail(err.message, convexToJson(data));
  }
  return fail(`[Request ID: ${requestId}] Server Error\nUncaught ${err.name}: ${err.message}`);
}
